"""Test settings: the project's settings with a fast hasher and no network."""

from starrating.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HEALTHZ_CACHE_SECONDS = 0  # every /healthz test sees its own checks
