"""Redress settings: one module, every value read from the environment with a safe default.

Every variable is listed in README.md and .env.example. Unset, the portal runs on the embedded
default used by `make run`: SQLite under var/, a broker kept on disk, mail written to var/mail/.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_str
from portal.secret_key import embedded_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REDRESS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DJANGO_DEBUG=1 "
            "for local development."
        )
    # Random, made once and kept under var/ (git-ignored): links of a demo cannot be forged by
    # someone who reads the repository, and manage.py commands beside `make run` share the key.
    SECRET_KEY = embedded_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "phonenumber_field",
    "simple_history",
    "axes",
    "csp",
    "portal.apps.PortalConfig",
    "outbox",
    "accounts",
    "complaints",
    "resolutions",
    "followups",
    "insights",
]

MIDDLEWARE = [
    # First: a body over REQUEST_MAX_BYTES is refused by its declared length, before anything reads it.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout noticed during the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
            # `{% url %}` with fixed addresses reversed once per process (portal/templatetags).
            "builtins": ["portal.templatetags.kept_urls"],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production); SQLite under var/ when unset.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'redress.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and Beat read while one of them writes; IMMEDIATE
    # takes the write lock at BEGIN so concurrent writers wait instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds them without the extra
    # columns, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    # Shared by every process of the embedded default, unlike the per-process local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "redress_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a login while the account or the address is locked out, before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's roles with the user (one query per request fewer).
    "accounts.backends.StaffBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# Customer-facing intake: files on cases, the public form's per-address limit, status links.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 5)
PUBLIC_FORM_MAX_POSTS = env_int("PUBLIC_FORM_MAX_POSTS", 10)
PUBLIC_FORM_WINDOW_SECONDS = env_int("PUBLIC_FORM_WINDOW_SECONDS", 900)
PUBLIC_STATUS_LINK_MAX_AGE_DAYS = env_int("PUBLIC_STATUS_LINK_MAX_AGE_DAYS", 60)
# The largest request body accepted, checked on its declared length before it is read: every
# allowed file at its largest plus 1 MiB of text. Set the proxy's limit to the same value
# (nginx: client_max_body_size 26m with the defaults).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", ATTACHMENT_MAX_BYTES * ATTACHMENT_MAX_FILES + 1024 * 1024)

# Compensation: the currencies agents may choose (ISO 4217) and how long a choice link lasts.
COMPENSATION_CURRENCIES = tuple(env_list("COMPENSATION_CURRENCIES", "GBP,EUR,USD"))
SOLUTION_CHOICE_LINK_MAX_AGE = env_int("SOLUTION_CHOICE_LINK_DAYS", 14) * 86_400

# Follow-ups: see docs/followups.md.
FOLLOWUPS_SURVEY_MIN_INTERVAL_DAYS = env_int("FOLLOWUPS_SURVEY_MIN_INTERVAL_DAYS", 14)
FOLLOWUPS_SURVEY_LINK_DAYS = env_int("FOLLOWUPS_SURVEY_LINK_DAYS", 30)
FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS = env_int("FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS", 365)
FOLLOWUPS_SURVEY_AMEND_HOURS = env_int("FOLLOWUPS_SURVEY_AMEND_HOURS", 48)
FOLLOWUPS_CALL_OVERDUE_HOURS = env_int("FOLLOWUPS_CALL_OVERDUE_HOURS", 24)

# The supervisor's home counts each person's load at most this often per web process.
TEAM_LOAD_MAX_AGE_SECONDS = env_int("TEAM_LOAD_MAX_AGE_SECONDS", 60)
# Baked reads (portal.baked) also compile from each call's own values and refuse a difference:
# on in the tests, off in production, where it would undo what baking saves.
BAKED_READS_CHECKED = env_bool("DJANGO_BAKED_READS_CHECKED", False)

# The outbox: every email leaves through it (see README: "Outgoing mail").
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_CLAIM_LEASE_SECONDS = env_int("OUTBOX_CLAIM_LEASE_SECONDS", 60)
OUTBOX_MAX_IN_FLIGHT = env_int("OUTBOX_MAX_IN_FLIGHT", 2_000)
OUTBOX_SEND_BUDGET_SECONDS = env_int("OUTBOX_SEND_BUDGET_SECONDS", 60)  # keep under the soft limit
OUTBOX_DISPATCH_BUDGET_SECONDS = env_int("OUTBOX_DISPATCH_BUDGET_SECONDS", 30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = env_str("PHONENUMBER_DEFAULT_REGION", "GB")

# Mail: SMTP when EMAIL_HOST is set; otherwise one .eml file per message under var/mail/.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Redress <care@redress.localhost>")
DEFAULT_REPLY_TO_EMAIL = env_str("DEFAULT_REPLY_TO_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    # Django's SMTP backend, telling a lost answer after the data apart from a refusal before it.
    EMAIL_BACKEND = "outbox.backends.SMTPBackend"
else:
    EMAIL_BACKEND = "portal.mail.EmlFileBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# Celery: Redis in production; without CELERY_BROKER_URL, kombu's filesystem transport keeps
# messages as files under var/broker/ so `make run` needs no broker server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist; every process may start first.
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task may run, so an unacknowledged message is not handed out twice.
        "visibility_timeout": 3600,
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        "health_check_interval": 30,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
CELERY_BEAT_SCHEDULER = "portal.beat:TrackedDatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat's own tick is checked by /health/ through the heartbeat it records.
HEALTH_BEAT_MAX_AGE_SECONDS = env_int("HEALTH_BEAT_MAX_AGE_SECONDS", 180)
# Only the Beat holding this lease schedules; a second one stands by and takes over when it lapses.
BEAT_LEASE_SECONDS = env_int("BEAT_LEASE_SECONDS", 30)
HEALTH_WORKER_MAX_AGE_SECONDS = env_int("HEALTH_WORKER_MAX_AGE_SECONDS", 180)

# Security: strict unless DJANGO_DEBUG is on. /health/ stays reachable over plain HTTP so a load
# balancer can probe it behind TLS termination.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
# How many proxies of ours stand in front of Django, each appending to X-Forwarded-For; the
# client's address is that many hops from the right (portal/addresses.py). 0: the header is ignored.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES must be 0 or more; got {TRUSTED_PROXIES}.")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# A working day: a session ends after SESSION_HOURS from login, or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 9) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy: our own files only; no inline script, no inline style, no frames.
# Bootstrap draws its check marks and select arrows as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Login throttling (django-axes), on the same cache as the public form's rate limit: after
# LOGIN_MAX_FAILURES failed logins for one account, or from one address, further logins to it or
# from there are refused for LOGIN_LOCKOUT_MINUTES (each failure while locked starts the wait
# again). Admins unlock in Django admin (Login lockouts). Covers /accounts/login/ and /admin/login/.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = env_int("LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
AXES_ENABLE_ADMIN = False  # its admin lists database records; ours lists lockouts (accounts)
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"ordinary_refusals": {"()": "portal.logging.OrdinaryRefusals"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["ordinary_refusals"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A 403 is one line, not a traceback; /health/ saying 503 is not an error (see the filter).
        "django.request": {"handlers": ["requests"], "propagate": False},
        "django.server": {"handlers": ["requests"], "propagate": False},
    },
}
