"""Password rules of 等保2.0 身份鉴别 as Django password validators (AUTH_PASSWORD_VALIDATORS),
so the password page, the admin, the user-management services and ``changepassword`` all apply
the same rules. Django's own validators cover length, similarity to the username and common
passwords; these add character classes and history."""

from __future__ import annotations

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of the four classes (lower case, upper case, digits, other symbols) appear."""
    found = {name for name, chars in CHARACTER_CLASSES for c in password if c in chars}
    if any(not (c.isascii() and c.isalnum()) for c in password):
        found.add("symbol")
    return len(found)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类中的至少%(n)d类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少%(n)d类。") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Not the current password nor one of the last ``count`` ones (their hashes are kept in
    ``PasswordHistory`` by ``organizations.services.password_set``)."""

    def __init__(self, count: int = 3):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or self.count <= 0:
            return
        hashes = list(
            user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[
                : self.count
            ]
        )
        current = (
            user._meta.model.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        )
        if current:
            hashes.append(current)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                ngettext(
                    "新密码不能与最近%(n)d次使用的密码相同。",
                    "新密码不能与最近%(n)d次使用的密码相同。",
                    self.count,
                )
                % {"n": self.count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("不能与最近%(n)d次使用的密码相同。") % {"n": self.count}


def password_expired(user, now=None) -> bool:
    """Whether the rotation period (``PASSWORD_MAX_AGE_DAYS``, 0 = off) has passed."""
    days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    if not days or user.password_changed_at is None:
        return False
    now = now or timezone.now()
    return (now - user.password_changed_at).days >= days
