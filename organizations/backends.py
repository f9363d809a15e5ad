"""Sign-in backend: Django's model backend, refusing expired accounts as it refuses disabled
ones (等保2.0 身份鉴别: an account past its expiry date cannot sign in)."""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_expired()
