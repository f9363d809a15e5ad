"""Sign-in backend: Django's model backend, refusing expired accounts as it refuses disabled
ones (等保2.0 身份鉴别: an account past its expiry date cannot sign in)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_expired()

    def get_user(self, user_id):
        """The session's user with their organization and the two levels above it (a village's
        township and county) in the same query: every page reads the county (``county_id``)
        and shows the organization."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("organization__parent__parent").get(
                pk=user_id
            )
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
