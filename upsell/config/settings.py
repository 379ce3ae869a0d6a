"""Settings for every environment, read from the environment (see docs/operations.md)."""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from upsell.config.env import (
    env_bool,
    env_int,
    env_list,
    env_log_level,
    env_rate,
    env_str,
    installation_secret_key,
    mailer_from_env,
)

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("UPSELL_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", default=False)
# SECRET_KEY from the environment, or else a key made once for this installation and kept in
# its data folder, so a self-hosted install works without configuration and sessions survive
# restarts.
SECRET_KEY = env_str("SECRET_KEY", "") or installation_secret_key(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs page's Swagger UI from the ninja wheel's static files, not a CDN.
    "ninja",
    # Before django-tasks-db: its `db_worker` command is replaced by one with a heartbeat.
    "upsell.worker",
    "django_tasks_db",
    "axes",
    "upsell.core",
    "upsell.accounts",
    "upsell.notifications",
    "upsell.history",
    "upsell.clients",
    "upsell.products",
    "upsell.shipments",
    "upsell.payments",
    "upsell.forecasts",
    "upsell.offers",
    "upsell.programs",
    "upsell.requests",
    "upsell.deals",
    "upsell.portfolios",
    "upsell.imports",
    "upsell.exchange",
    "upsell.reporting",
    "upsell.review",
    "upsell.today",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "upsell.config.urls"
WSGI_APPLICATION = "upsell.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "upsell.core.context_processors.upsell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'upsell.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the task worker writes an import.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Repeated failed logins lock the username from that address for a while.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The address a failed login counts against: the client's, read from X-Forwarded-For behind
# the trusted proxies only (upsell/config/proxy.py).
AXES_CLIENT_IP_CALLABLE = "upsell.config.proxy.client_address"

# How many reverse proxies stand in front of the web server (0: none, X-Forwarded-For and
# X-Forwarded-Proto are ignored). Behind one, a request the proxy received over HTTPS is secure.
UPSELL_TRUSTED_PROXIES = env_int("UPSELL_TRUSTED_PROXIES", 0)
if UPSELL_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
NINJA_NUM_PROXIES = UPSELL_TRUSTED_PROXIES

# Calls to the API per user (upsell/config/throttling.py): "600/min", "20/s", "10000/hour";
# empty for no limit. Counted in the cache, which the web server's processes share.
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "600/min")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache",
    }
}

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Currency of every amount in the system (ISO 4217 code).
UPSELL_CURRENCY = env_str("UPSELL_CURRENCY", "RUB")

STATIC_URL = "/static/"
# The apps' static files, and plotly.js from inside the plotly wheel.
from upsell.core.staticfiles import STATICFILES_FINDERS as STATICFILES_FINDERS  # noqa: E402

STATIC_ROOT = DATA_DIR / "static"
# Collected static files get names that carry a hash of their content, and WhiteNoise lets the
# browser cache those for good: a new version is a new name, so plotly.js loads once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "upsell.core.staticfiles.HashedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# The largest file an import or the forecast workbook takes, uploaded or read from disk, and
# the most rows and columns a CSV or a workbook's sheet may have.
UPSELL_FILE_MAX_MB = env_int("UPSELL_FILE_MAX_MB", 100)
UPSELL_FILE_MAX_ROWS = env_int("UPSELL_FILE_MAX_ROWS", 1_048_576)
UPSELL_FILE_MAX_COLUMNS = env_int("UPSELL_FILE_MAX_COLUMNS", 256)
# What a workbook may ask of its reader, which runs in a child process with these limits: all
# its zip's parts unpacked, the cells of the range read (rows times columns), the child's
# memory (address space) and time.
UPSELL_WORKBOOK_UNPACKED_MAX_MB = env_int("UPSELL_WORKBOOK_UNPACKED_MAX_MB", 1024)
UPSELL_WORKBOOK_MAX_CELLS = env_int("UPSELL_WORKBOOK_MAX_CELLS", 20_000_000)
UPSELL_WORKBOOK_MEMORY_MB = env_int("UPSELL_WORKBOOK_MEMORY_MB", 4096)
UPSELL_WORKBOOK_SECONDS = env_int("UPSELL_WORKBOOK_SECONDS", 300)

# The exchange with 1C («Обмен с сайтом», CommerceML 2): the user name of the one user 1C signs
# in as (empty: no exchange), where the files 1C sends are kept while it exchanges, and the
# encoding of the orders given to 1C (UTF-8 or windows-1251).
UPSELL_EXCHANGE_USER = env_str("UPSELL_EXCHANGE_USER", "")
UPSELL_EXCHANGE_DIR = Path(env_str("UPSELL_EXCHANGE_DIR", str(DATA_DIR / "exchange"))).resolve()
UPSELL_EXCHANGE_ENCODING = env_str("UPSELL_EXCHANGE_ENCODING", "UTF-8")
if UPSELL_EXCHANGE_ENCODING.lower() not in ("utf-8", "windows-1251"):
    raise ImproperlyConfigured("UPSELL_EXCHANGE_ENCODING must be UTF-8 or windows-1251")

# The day of each month on which the forecast of the coming months is locked as a snapshot.
UPSELL_FORECAST_LOCK_DAY = env_int("UPSELL_FORECAST_LOCK_DAY", 25)

# The local time (HH:MM) of the nightly work the task worker runs: the audit, then the forecast
# locks that are due, then the forecast baselines (scheduled by `upsell nightly --schedule`).
UPSELL_NIGHTLY_AT = env_str("UPSELL_NIGHTLY_AT", "02:30")

# An import of at least this many rows drops a table's secondary indexes and rebuilds them
# after loading, which is faster than updating them row by row.
UPSELL_IMPORT_REBUILD_MIN_ROWS = env_int("UPSELL_IMPORT_REBUILD_MIN_ROWS", 50_000)

# The master URL of a Spark cluster for `upsell audit --engine spark`; empty runs Spark locally.
SPARK_MASTER = env_str("SPARK_MASTER", "")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often a task worker writes its heartbeat, and after how long without one a worker on
# another machine is taken for stopped (on its own machine, a worker is judged by its process).
# Every worker sweeps up the work of stopped workers this often too.
UPSELL_WORKER_HEARTBEAT_SECONDS = env_int("UPSELL_WORKER_HEARTBEAT_SECONDS", 10)
UPSELL_WORKER_STALE_SECONDS = env_int("UPSELL_WORKER_STALE_SECONDS", 120)
# The nightly work deletes the task results that finished longer ago than this.
UPSELL_TASK_RESULTS_KEEP_DAYS = env_int("UPSELL_TASK_RESULTS_KEEP_DAYS", 30)
if UPSELL_WORKER_HEARTBEAT_SECONDS < 1 or UPSELL_WORKER_STALE_SECONDS < (
    2 * UPSELL_WORKER_HEARTBEAT_SECONDS
):
    raise ImproperlyConfigured(
        "UPSELL_WORKER_STALE_SECONDS must be at least twice UPSELL_WORKER_HEARTBEAT_SECONDS, "
        "which must be at least 1"
    )
if UPSELL_TASK_RESULTS_KEEP_DAYS < 2:
    # /healthz reads when the last nightly run finished from its task result.
    raise ImproperlyConfigured("UPSELL_TASK_RESULTS_KEEP_DAYS must be at least 2")

MAILERS = {"default": mailer_from_env()}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "upsell@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# One line per record on standard error, for journald or the container's log:
# "2026-12-06 10:15:11,123 WARNING django.request Not Found: /x". Gunicorn's access log is
# separate (upsell/config/gunicorn.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "WARNING")},
}
