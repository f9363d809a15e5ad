"""The API's default permission: signed in, and not held at the forced password change."""

from rest_framework.permissions import IsAuthenticated

from organizations.middleware import password_change_message, password_change_required
from starrating.errors import NotPermitted


class IsAuthenticatedInGoodStanding(IsAuthenticated):
    """Authenticated, and the account need not change its password first (first sign-in of
    an account created by an administrator, after a reset, or past the rotation period): such
    an account gets a 403 with the reason until it changes the password on the web page."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            # DRF checks permissions before throttles: without this an anonymous flood would
            # only ever meet 401s and never the per-address rate.
            view.check_throttles(request)
            return False
        if password_change_required(request.user):
            # A domain error, so the reason is the response's message, not one of its errors.
            raise NotPermitted(password_change_message(), [{"code": "password_change"}])
        return True
