"""Django settings for egov, read from EGOV_* environment variables (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from egov.conf.env import Env, databases, logging_config, secret_key_file

env = Env()
BASE_DIR = Path(__file__).resolve().parent

MODE = env.choice("MODE", ("production", "development"), "production")
PRODUCTION = MODE == "production"
DEBUG = env.bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("EGOV_DEBUG cannot be enabled when EGOV_MODE=production")

DATA_DIR = env.path("DATA_DIR", Path.cwd() / "var")


SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if PRODUCTION:
    missing = [
        name for name, value in (("EGOV_SECRET_KEY", SECRET_KEY), ("EGOV_ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode needs {' and '.join(missing)}; set them, or EGOV_MODE=development for a local run"
        )
else:
    SECRET_KEY = SECRET_KEY or secret_key_file(DATA_DIR)
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "egov.core",
    "egov.audit",
    "egov.organisations",
    "egov.accounts",
    "egov.calendar",
    "egov.notifications",
    "egov.plans",
    "egov.documents",
    "egov.exchange",
    "egov.services",
]

MIDDLEWARE = [
    "egov.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egov.accounts.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "egov.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

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
                "egov.core.context_processors.shell",
                "egov.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = databases(env, "", DATA_DIR / "egov.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Applicants sign in with their e-mail address or phone number.
    "egov.services.applicants.backends.EmailOrPhoneBackend",
]
# One lockout per account however the identifier is typed (username, e-mail, 0912…, +84912…).
AXES_USERNAME_CALLABLE = "egov.services.applicants.backends.axes_username"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SECURE_COOKIES = env.bool("SECURE_COOKIES", PRODUCTION)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", 8, minimum=1, maximum=24 * 30) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "egov_session"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "egov_csrf"
LANGUAGE_COOKIE_NAME = "egov_language"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env.bool("SSL_REDIRECT", False)
if env.bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Lockout after repeated failures (django-axes): locked per username so a spread-out guessing attack is
# stopped too; the lock lifts by itself after the cool-off or when an administrator clears it.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "egov.accounts.views.auth.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Locking by address would lock a whole office behind one NAT address (docs/decisions/0004).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = env.str("TOTP_ISSUER", "egov")

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_USER")
EMAIL_HOST_PASSWORD = env.str("EMAIL_PASSWORD")
EMAIL_USE_TLS = env.bool("EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("EMAIL_FROM", "egov <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.bool("EMAIL_TO_LOG", not PRODUCTION and not env.is_set("EMAIL_HOST")):
    # A local run without a mail server writes messages to the log instead of losing them.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Background jobs (Django Tasks) -----------------------------------------------------------------
# The database backend needs nothing but the database (the embedded default); Redis (RQ) is for scale.
TASKS_BACKEND = env.choice("TASKS_BACKEND", ("database", "redis"), "database")
REDIS_URL = env.str("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
TASKS = {
    "default": (
        {"BACKEND": "django_tasks_db.DatabaseBackend"}
        if TASKS_BACKEND == "database"
        else {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    )
}
# Local time (HH:MM, in TIME_ZONE) at which `egov worker` starts the daily reminder run and, on Mondays,
# the weekly digest.
EGOV_REMINDER_TIME = env.str("REMINDER_TIME", "07:00")
try:
    _hour, _minute = (int(part) for part in EGOV_REMINDER_TIME.split(":"))
    if not (0 <= _hour < 24 and 0 <= _minute < 60):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(f"EGOV_REMINDER_TIME must be HH:MM, got {EGOV_REMINDER_TIME!r}") from None
# The address people reach egov at (e.g. https://egov.namdinh.gov.vn): makes the links in e-mails absolute.
EGOV_SITE_URL = env.str("SITE_URL").rstrip("/")
EGOV_EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", 5, minimum=1, maximum=50)
EGOV_EMAIL_RETRY_MINUTES = env.int("EMAIL_RETRY_MINUTES", 10, minimum=1)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", DATA_DIR / "static")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from the finders; it only wants the folder
WHITENOISE_MAX_AGE = 3600 * 24 * 30 if PRODUCTION else 0

# --- Platform -------------------------------------------------------------------------------------
EGOV_SITE_NAME = env.str("SITE_NAME", "Chính quyền điện tử")
# Where the running version's source code is published (AGPL-3.0 §13); shown in the footer.
EGOV_SOURCE_URL = env.str("SOURCE_URL")
EGOV_DEFAULT_OFFICE_HOURS = env.str("OFFICE_HOURS", "07:30-11:30,13:30-17:00")
EGOV_API_PAGE_SIZE_MAX = 500

# --- Official documents -------------------------------------------------------------------------------
# Largest main file or appendix accepted (bytes); Decree 30 copies are colour PDFs at 200 dpi or more.
EGOV_DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# Keys, certificates and the demo CA made by `egov pki init` (docs/signatures.md).
EGOV_PKI_DIR = env.path("PKI_DIR", DATA_DIR / "pki")
# Folder of PEM/DER root and intermediate certificates trusted when validating signed PDFs;
# empty means the demo CA in EGOV_PKI_DIR only.
EGOV_TRUST_STORE = env.str("TRUST_STORE")
# Optional RFC 3161 time-stamping authority added to every signature.
EGOV_TSA_URL = env.str("TSA_URL")
# PKCS#11 library of the hardware tokens (e.g. a USB token's .so, or SoftHSM2's) for signing on a token.
EGOV_PKCS11_MODULE = env.str("PKCS11_MODULE")
# The class that carries issued documents to their recipients: the exchange app's outbox by default.
EGOV_DOCUMENT_DISPATCHER = env.str("DOCUMENT_DISPATCHER", "egov.exchange.dispatch.ExchangeDispatcher")

# Seconds after an electronic arrival is stored before its format and PDF-signature check runs (0: at once,
# below the exchange's own jobs). A deployment that takes in bursts can push the heavy check to quieter moments.
EGOV_ARRIVAL_CHECK_DELAY_SECONDS = env.int("ARRIVAL_CHECK_DELAY_SECONDS", 0, minimum=0)

# --- Inter-agency exchange (docs/exchange.md) ----------------------------------------------------------
# The hub this node sends to and pulls from: `egov hub`, a province's LGSP or the national document axis.
# Empty: packages wait in the outbox until one is configured.
EGOV_EXCHANGE_HUB_URL = env.str("EXCHANGE_HUB_URL")
EGOV_EXCHANGE_SYSTEM_ID = env.str("EXCHANGE_SYSTEM_ID")
EGOV_EXCHANGE_SECRET = env.str("EXCHANGE_SECRET")
EGOV_EXCHANGE_SECRET_FILE = env.str("EXCHANGE_SECRET_FILE")
# Adapter for an axis that names things differently: the path of the operations and the two header names.
EGOV_EXCHANGE_API_PREFIX = env.str("EXCHANGE_API_PREFIX", "hub/v1")
EGOV_EXCHANGE_HEADER_SYSTEM_ID = env.str("EXCHANGE_HEADER_SYSTEM_ID", "X-System-Id")
EGOV_EXCHANGE_HEADER_SECRET = env.str("EXCHANGE_HEADER_SECRET", "X-System-Secret")
# Client certificate for a hub that requires mutual TLS, and the CA file of the hub's server certificate.
EGOV_EXCHANGE_CLIENT_CERT = env.str("EXCHANGE_CLIENT_CERT")
EGOV_EXCHANGE_CLIENT_KEY = env.str("EXCHANGE_CLIENT_KEY")
EGOV_EXCHANGE_CA_FILE = env.str("EXCHANGE_CA_FILE")
# Passphrase of the organisations' PKCS#12 seal keys used to sign packages (XML-DSig) without a person present.
EGOV_EXCHANGE_KEY_PASSPHRASE = env.str("EXCHANGE_KEY_PASSPHRASE")
# How often the worker asks the hub for waiting packages, and how many it takes per request.
EGOV_EXCHANGE_POLL_SECONDS = env.int("EXCHANGE_POLL_SECONDS", 5, minimum=1)
EGOV_EXCHANGE_BATCH = env.int("EXCHANGE_BATCH", 50, minimum=1, maximum=100)
EGOV_EXCHANGE_TIMEOUT_SECONDS = env.int("EXCHANGE_TIMEOUT_SECONDS", 30, minimum=1)
# Days the record of each delivery taken from the hub is kept (it keeps a re-delivered one from applying twice).
EGOV_EXCHANGE_INBOX_DAYS = env.int("EXCHANGE_INBOX_DAYS", 365, minimum=7)

# --- Public services -------------------------------------------------------------------------------
# Public dossier lookups per client address: a steady rate per minute and a burst (per worker process).
EGOV_SERVICES_LOOKUP_RATE = (
    env.int("SERVICES_LOOKUP_PER_MINUTE", 12, minimum=1) / 60,
    env.int("SERVICES_LOOKUP_BURST", 20, minimum=1),
)

# The PIN of the agencies' seal keys, for sealing one-stop forms as they are printed; empty: forms unsealed.
EGOV_SERVICES_SEAL_PIN = env.str("SERVICES_SEAL_PIN", "")

# Online payment of fees (docs/services-payments.md): a VNPay-shaped gateway; empty URL: online payment is off.
EGOV_SERVICES_PAYMENT_GATEWAY_URL = env.str("SERVICES_PAYMENT_GATEWAY_URL", "")
EGOV_SERVICES_PAYMENT_MERCHANT = env.str("SERVICES_PAYMENT_MERCHANT", "")
EGOV_SERVICES_PAYMENT_SECRET = env.str("SERVICES_PAYMENT_SECRET", "")
EGOV_SERVICES_PAYMENT_QUERY_URL = env.str("SERVICES_PAYMENT_QUERY_URL", "")  # default: /query on the gateway's host
EGOV_SERVICES_PAYMENT_GATEWAY_CLASS = env.str(
    "SERVICES_PAYMENT_GATEWAY_CLASS", "egov.services.payments.gateway.SignedRedirectGateway"
)

# A class with send(phone, text) for SMS notices to applicants without an account (empty: no SMS).
EGOV_SERVICES_SMS_SENDER = env.str("SERVICES_SMS_SENDER", "")

# --- Logging --------------------------------------------------------------------------------------
LOGGING = logging_config(
    env,
    production=PRODUCTION,
    loggers={
        "axes": {"level": "WARNING"},
        # One line per request to the exchange hub is too much; failures are logged by the exchange itself.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
)
EGOV_AUDIT_DB_GUARD = env.bool("AUDIT_DB_GUARD", True)
FORM_RENDERER = "egov.core.forms.GovukFormRenderer"
