"""Personal API tokens as a DRF authentication class, and its OpenAPI scheme."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from organizations.models import ApiToken
from organizations.services import api_token_hash

TOKEN_KEYWORDS = (b"bearer", b"token")
# Writing last_used_at on every request would double the writes of a busy script; a minute's
# resolution is enough to see whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer sr_…`` (or ``Token sr_…``) with a personal API token."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in TOKEN_KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization请求头格式错误。"))
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("API令牌无效。")) from exc
        token = (
            ApiToken.objects.select_related("user", "user__organization")
            .filter(key_hash=api_token_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("API令牌无效或已撤销。"))
        if token.user.is_expired():
            raise exceptions.AuthenticationFailed(_("账号已过有效期，API令牌不能使用。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema (Swagger UI's "Authorize" button)."""

    target_class = "organizations.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人API令牌：Authorization: Bearer sr_…（在 /api/v1/tokens/ 创建）",
        }
