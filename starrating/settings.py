"""Settings, read from the environment (django-environ).

The embedded default needs nothing running: a SQLite file under ``var/`` and Celery tasks run
in-process. ``DATABASE_URL=postgres://…`` switches to PostgreSQL and ``CELERY_BROKER_URL=redis://…``
to a real broker. ``DJANGO_ENV=production`` refuses to start without ``SECRET_KEY`` and
``ALLOWED_HOSTS``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY or not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production requires SECRET_KEY and ALLOWED_HOSTS to be set."
        )
    DEBUG = env.bool("DEBUG", default=False)
else:
    # A fixed key is acceptable only outside production; production refuses to start without one.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-insecure-6c1f0d7e-star-rating-not-for-production"
    )
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "organizations",
    "indicators",
    "assessments",
    "jobs",
    "ledgers",
    "workbooks",
    "dashboards",
    "orghealth",
    "secretaries",
    "stars",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "starrating.middleware.ApiLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.AuditMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "starrating.middleware.NoStoreMiddleware",
    "starrating.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "starrating.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.session_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "starrating.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'starrating.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while a sheet is being saved.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

AUTH_USER_MODEL = "organizations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- 身份鉴别 (identification and authentication), docs/security-accounts.md ---
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "organizations.backends.AccountBackend",  # refuses disabled and expired accounts
]
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)
PASSWORD_MIN_CLASSES = env.int("PASSWORD_MIN_CLASSES", default=3)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=3)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)  # rotation; 0 = off
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "organizations.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {
        "NAME": "organizations.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY_COUNT},
    },
]

# Lockout after failed sign-ins, keyed by username — never by IP alone: a whole township signs
# in from behind one NAT address, and one mistyping secretary must not lock out the others.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=10))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Deliberate: not by IP (see above); each address is limited by LOGIN_THROTTLE_RATE instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
# Outside production WhiteNoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery: a real broker when configured, otherwise tasks run in-process. ---
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING's format (offsets) in the worker
# Beat's state file lives under var/ (writable by the service user), not in the code folder.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "jobs-expire": {"task": "jobs.expire", "schedule": 60 * 60},
    # Idempotent: a second run of the day adds nothing (ledgers.Reminder is unique a day).
    "ledgers-reminders": {"task": "ledgers.reminders_build", "schedule": 6 * 60 * 60},
    "orghealth-election-reminders": {
        "task": "orghealth.election_reminders_build",
        "schedule": 6 * 60 * 60,
    },
}

# --- Ledgers: evidence files and reminders (issue 13). ---
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=15 * 1024 * 1024)
# Where reminders go besides the notification centre: a dotted path to a class with
# ``send(reminders)`` (an SMS or 政务微信 gateway later); by default they are logged.
REMINDER_SENDER = env.str("REMINDER_SENDER", default="ledgers.services.reminders.LoggingSender")

# --- Secretary projects (书记项目): 一月一调度 — a month's report is due on this day of the
# following month (docs/scoring.md §10.1).
SECRETARY_REPORT_DUE_DAY = env.int("SECRETARY_REPORT_DUE_DAY", default=5)

# --- Excel jobs: result files expire; uploads are bounded before they are parsed. ---
JOB_RESULT_TTL_HOURS = env.int("JOB_RESULT_TTL_HOURS", default=72)
EXCEL_MAX_UPLOAD_BYTES = env.int("EXCEL_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
EXCEL_MAX_ZIP_ENTRIES = env.int("EXCEL_MAX_ZIP_ENTRIES", default=2000)
EXCEL_MAX_UNCOMPRESSED_BYTES = env.int("EXCEL_MAX_UNCOMPRESSED_BYTES", default=64 * 1024 * 1024)
EXCEL_MAX_PART_BYTES = env.int("EXCEL_MAX_PART_BYTES", default=8 * 1024 * 1024)
EXCEL_MAX_ROWS = env.int("EXCEL_MAX_ROWS", default=5000)
EXCEL_MAX_COLUMNS = env.int("EXCEL_MAX_COLUMNS", default=300)
EXCEL_MAX_ERRORS = env.int("EXCEL_MAX_ERRORS", default=200)
JOB_MAX_ERRORS = env.int("JOB_MAX_ERRORS", default=200)
ORG_IMPORT_MAX_DEACTIVATE_SHARE = env.float("ORG_IMPORT_MAX_DEACTIVATE_SHARE", default=0.2)

# --- Security: strict in production, sensible everywhere. ---
SESSION_COOKIE_HTTPONLY = True
# 会话: an idle session ends after SESSION_IDLE_TIMEOUT seconds (the page warns shortly before),
# any session after SESSION_ABSOLUTE_SECONDS (organizations.middleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=SESSION_ABSOLUTE_SECONDS)
CSRF_COOKIE_HTTPONLY = False  # the score sheet's htmx requests read the token from the cookie
X_FRAME_OPTIONS = "DENY"
# /healthz may be polled by monitoring on the server itself, over plain http to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only this server's own scripts, styles and images; no
# inline script, no style="" attribute, no eval (htmx runs with allowEval false), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # The installable app: its service worker (/sw.js) and manifest are this server's own.
        "worker-src": [SELF],
        "manifest-src": [SELF],
    }
}
if PRODUCTION:
    # Production is served over HTTPS only (docs/deployment.md): cookies marked Secure are not
    # sent back over plain http, so a login over http fails with "CSRF cookie not set".
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    # nginx terminates TLS and says so in X-Forwarded-Proto (deploy/nginx-starrating.conf);
    # empty turns the header off (only behind a proxy that always sets it may it be trusted).
    _proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Secure by default, so that `check --deploy --fail-level WARNING` is clean; preload has
    # no effect unless the domain is submitted to the browsers' list (an intranet's is not).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# /healthz shows its details to staff and to callers with this token (monitoring).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
HEALTHZ_MIN_FREE_MB = env.int("HEALTHZ_MIN_FREE_MB", default=500)
HEALTHZ_CACHE_SECONDS = env.int("HEALTHZ_CACHE_SECONDS", default=5)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["organizations.api.permissions.IsAuthenticatedInGoodStanding"],
    "DEFAULT_PARSER_CLASSES": ["starrating.api.DecimalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "starrating.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "starrating.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # 资源控制: per user, per anonymous address, and tighter on the token endpoints.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "tokens": env.str("API_THROTTLE_TOKENS", default="20/hour"),
    },
}
LOGIN_THROTTLE_RATE = env.str("LOGIN_THROTTLE_RATE", default="30/min")  # per client address

# Throttle counters and lockouts: a shared cache in production (CACHE_URL=redis://…).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Second factor (TOTP): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="星级评定")

SPECTACULAR_SETTINGS = {
    "TITLE": "村党组织星级评定系统 API",
    "DESCRIPTION": "REST API v1: rounds, sheets, findings, surveys, results. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI describe every endpoint: in production, signed-in users only.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated"
        if PRODUCTION
        else "rest_framework.permissions.AllowAny"
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "starrating.api.add_error_responses",
    ],
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0}},
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "organizations.models.Organization.Kind",
        "ItemKindEnum": "indicators.models.Item.Kind",
        "StageEnum": "assessments.models.Stage",
        "RectificationStatusEnum": "ledgers.models.Rectification.Status",
        "RectificationSourceEnum": "ledgers.models.Rectification.Source",
        "RecusalKindEnum": "assessments.models.RecusalRelation.Kind",
        "DepartmentEnum": "organizations.models.Department",
        "ObjectionKindEnum": "assessments.models.Objection.Kind",
        "CorrectionKindEnum": "assessments.models.ResultCorrection.Kind",
        "SuccessionKindEnum": "organizations.models.Succession.Kind",
        "RoundStatusEnum": "assessments.models.Round.Status",
        "CorrectionStatusEnum": "assessments.models.ResultCorrection.Status",
        "PartyBodyEnum": "organizations.models.Organization.PartyBody",
        "SecretaryProjectStatusEnum": "secretaries.models.SecretaryProject.Status",
        "StarItemKindEnum": "stars.models.PointsItem.Kind",
        "StarEntryStatusEnum": "stars.models.PointEntry.Status",
    },
    # Swagger UI and ReDoc from local static files (drf-spectacular-sidecar): no CDN, ever.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One format everywhere: ISO time with its UTC offset in TIME_ZONE (starrating.logs); gunicorn
# uses the same formatter (deploy/gunicorn.conf.py) and Celery keeps this configuration instead
# of installing its own, so web, worker and beat lines read as one timeline in the journal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "starrating.logs.OffsetFormatter", "tz": TIME_ZONE}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
