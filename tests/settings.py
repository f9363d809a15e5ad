"""Test settings: the project's settings with a fast hasher and no network."""

from starrating.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HEALTHZ_CACHE_SECONDS = 0  # every /healthz test sees its own checks

# Throttling is tested with its own low rates (tests/organizations/api/test_throttling.py); the
# rest of the suite, the fuzzer above all, must not meet it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "tokens": "100000/min"},
}
LOGIN_THROTTLE_RATE = "100000/min"
