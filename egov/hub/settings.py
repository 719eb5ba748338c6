"""Settings of the hub process (`egov hub`): its own database, minimal apps, EGOV_HUB_* variables (docs/hub.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from egov.conf.env import Env, databases, logging_config, secret_key_file

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent  # the egov package

MODE = env.choice("MODE", ("production", "development"), "production")
PRODUCTION = MODE == "production"
DEBUG = env.bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("EGOV_DEBUG cannot be enabled when EGOV_MODE=production")

DATA_DIR = env.path("HUB_DATA_DIR", Path.cwd() / "hub-data")


SECRET_KEY = env.str("HUB_SECRET_KEY") or secret_key_file(DATA_DIR)
ALLOWED_HOSTS = env.list("HUB_ALLOWED_HOSTS") or env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("Production mode needs EGOV_HUB_ALLOWED_HOSTS (the hub's host names)")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("HUB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "egov.hub",
]

# Session, CSRF and authentication middleware are lazy: an API call (no cookie, csrf_exempt views) costs them
# no query. They serve the operators' page only.
MIDDLEWARE = [
    "egov.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "egov.hub.urls"
WSGI_APPLICATION = "egov.hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = databases(env, "HUB_", DATA_DIR / "hub.sqlite3", server_side_binding=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Operators' accounts and sessions --------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "hub:login"
SECURE_COOKIES = env.bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "egov_hub_session"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "egov_hub_csrf"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static files: the project's stylesheet, served by WhiteNoise straight from the package ------------
STATIC_URL = "/hub/static/"
STATICFILES_DIRS = [BASE_DIR / "core" / "static"]
STATIC_ROOT = None  # nothing to collect: WhiteNoise serves the package's files through the finders
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 3600

# --- The hub --------------------------------------------------------------------------------------
EGOV_HUB_MAX_BYTES = env.int("HUB_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)
EGOV_HUB_BATCH_MAX_BYTES = env.int("HUB_BATCH_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
EGOV_HUB_BATCH_MAX_ITEMS = 100
EGOV_HUB_RECEIVED_BODY_CAP = env.int("HUB_RECEIVED_BODY_CAP", 32 * 1024 * 1024, minimum=1024)
EGOV_HUB_RATE_PER_SECOND = float(env.int("HUB_RATE_PER_SECOND", 50, minimum=1))
EGOV_HUB_RATE_BURST = env.int("HUB_RATE_BURST", 100, minimum=1)
EGOV_HUB_RETENTION_DAYS = env.int("HUB_RETENTION_DAYS", 30, minimum=1)
EGOV_HUB_EXPIRE_DAYS = env.int("HUB_EXPIRE_DAYS", 90, minimum=1)
EGOV_HUB_METADATA_DAYS = env.int("HUB_METADATA_DAYS", 365, minimum=1)
EGOV_HUB_PURGE_BATCH = env.int("HUB_PURGE_BATCH", 500, minimum=1)
EGOV_HUB_TRUST_PEM = env.str("HUB_TRUST_PEM")
EGOV_PKI_DIR = str(env.path("PKI_DIR", Path.cwd() / "var" / "pki"))
EGOV_HUB_METRICS_TOKEN = env.str("HUB_METRICS_TOKEN")
EGOV_HUB_AUTH_CACHE_SECONDS = float(env.int("HUB_AUTH_CACHE_SECONDS", 5, minimum=0))
if PRODUCTION and not EGOV_HUB_TRUST_PEM:
    raise ImproperlyConfigured("Production mode needs EGOV_HUB_TRUST_PEM (the CA certificates that sign packages)")

# --- Logging --------------------------------------------------------------------------------------
LOGGING = logging_config(env, production=PRODUCTION)
