"""
Settings for the release tracker, read from the environment.

DATABASE_URL          database (default: the embedded SQLite file db.sqlite3)
DJANGO_SECRET_KEY     required unless DJANGO_DEBUG is on
DJANGO_DEBUG          "1"/"true" for development; off by default
DJANGO_ALLOWED_HOSTS  comma-separated host names; required unless DJANGO_DEBUG is on
DJANGO_HTTPS          HTTPS-only settings (HSTS, secure cookies, redirect); on unless DEBUG is;
                      "0" serves plain HTTP on a local machine
DJANGO_HSTS_SECONDS   how long browsers must use HTTPS only (default one year)
DJANGO_DB_POOL        PostgreSQL connection pool size per process (default 4; "0" turns it off)
DJANGO_TRUSTED_PROXIES  reverse proxies in front of the site that append X-Forwarded-For
                      (default 0): how the client address for login lockouts is read
DJANGO_ADMIN_2FA_REQUIRED  "1": staff must log in with an authenticator code (default off)
DJANGO_CACHE_DIR      folder of the cache that every server process on this host shares
                      (default var/cache), unless CACHE_URL is set
CACHE_URL             redis://host:port/db (or rediss://, unix://): the cache that several
                      servers share (README, "Deploy"); unset: files in DJANGO_CACHE_DIR
DJANGO_IMPORT_DIR     private folder where an uploaded fixture waits between preview and
                      confirmation (default var/imports; created mode 0700, files 0600)
DJANGO_IMPORT_MAX_MB  largest fixture an import accepts, admin or command (default 200)
DJANGO_IMPORT_MAX_RECORDS  most records in one imported fixture (default 500000)
DJANGO_CORRECTIONS_CONTACT  where the public asks for a correction, shown on /about/: an
                      e-mail address or a web address (default: none shown)
DJANGO_DATASET_DIR    folder of the whole-dataset files /data/ serves (default
                      var/cache/dataset/<database>)
"""

import datetime
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. List the host names the site is served under, "
            "comma-separated, e.g. DJANGO_ALLOWED_HOSTS=tracker.example.org"
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    # The admin with two-factor login (tracker.admin_site.TrackerAdminSite) as its default site.
    "tracker.admin_apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tracker",
    "prisoners",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, so that static files get the security headers too.
    "csp.middleware.CSPMiddleware",
    "tracker.security.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records change only through their apps' services (tracker.write_path).
    "tracker.write_path.guard_requests",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}

# PostgreSQL compiles a query with its JIT once the planner's cost estimate passes jit_above_cost;
# the figures' subqueries pass it while they read a few index entries, and compiling took 500 ms
# of a 640 ms country page (EXPLAIN ANALYZE at 100,000 people). A web page's queries are short.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# On PostgreSQL, each process keeps a pool of open connections (psycopg 3), so a request does not
# wait for a new connection. A pool replaces persistent connections: they exclude each other.
DB_POOL_SIZE = int(os.environ.get("DJANGO_DB_POOL", "4"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_SIZE > 0:
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured(
            "DJANGO_CONN_MAX_AGE keeps connections open, which the connection pool already does. "
            "Unset it, or set DJANGO_DB_POOL=0 to use persistent connections instead of the pool."
        )
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_SIZE),
        "max_size": DB_POOL_SIZE,
        # Seconds a request waits for a free connection before it fails.
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Three languages: English at the unprefixed URLs (whatever the browser asks for), Belarusian and
# Russian under /be/ and /ru/ (tracker/urls.py). Catalogues in locale/, compiled .mo committed.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("be", _("Belarusian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tracker.formats"]  # Belarusian dates and numbers, which Django lacks
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Fixture imports (tracker.imports): limits for the admin upload and the command alike, and the
# folder of this site where an upload waits between preview and confirmation. Pending uploads
# are removed on confirm or cancel, and after IMPORT_PENDING_HOURS by the next upload or by
# `manage.py clean_imports`.
IMPORT_DIR = Path(os.environ.get("DJANGO_IMPORT_DIR", BASE_DIR / "var" / "imports"))
IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_MB", "200")) * 1024 * 1024
IMPORT_MAX_RECORDS = int(os.environ.get("DJANGO_IMPORT_MAX_RECORDS", "500000"))
IMPORT_PENDING_HOURS = 24

# Figures cached by tracker.figures must be one cache for every server process, so that a record
# restricted in one process stops counting in all of them at once: files on this host, or, when
# several hosts serve the site, the Redis server they share (CACHE_URL; README, "Deploy"). Keys
# are prefixed by the database, so that pointing DATABASE_URL at another database never shows the
# first one's figures. The generation of figures, written at every change, has a cache alias of
# its own: with files, one small file, where the figures' folder holds up to MAX_ENTRIES files
# (tracker.cache lists them every hundredth write); with Redis, a key in the same database.
CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / "var" / "cache"))
CACHE_URL = os.environ.get("CACHE_URL", "")


def database_key_prefix(database):
    """The cache key prefix of a database (a DATABASES entry)."""
    return hashlib.sha256(
        "{ENGINE} {HOST} {PORT} {NAME}".format_map({"HOST": "", "PORT": "", **database}).encode()
    ).hexdigest()[:16]


CACHE_KEY_PREFIX = database_key_prefix(DATABASES["default"])
if CACHE_URL:
    scheme = CACHE_URL.partition(":")[0]
    if scheme not in {"redis", "rediss", "unix"}:
        # The URL itself is not repeated: it may hold a password.
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis URL such as redis://127.0.0.1:6379/0, not {scheme}:... "
            "Unset it to keep the cache in files on this host (DJANGO_CACHE_DIR)."
        )
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Seconds before a request gives up on an unreachable Redis, rather than hang.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
        for alias in ["default", "generation"]
    }
else:
    CACHES = {
        alias: {
            "BACKEND": "tracker.cache.FileCache",
            "LOCATION": str(CACHE_DIR / folder),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
        for alias, folder in [("default", "figures"), ("generation", "generation")]
    }
# The whole public dataset (/data/, tracker.exports.dataset), written once per change, served
# as files.
DATASET_DIR = Path(os.environ.get("DJANGO_DATASET_DIR", CACHE_DIR / "dataset" / CACHE_KEY_PREFIX))
CORRECTIONS_CONTACT = os.environ.get("DJANGO_CORRECTIONS_CONTACT", "").strip()
# Rendered public pages are kept in that cache too (tracker.views.CachedPageMixin).
PUBLIC_PAGE_CACHE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Security: HTTPS, response headers, admin login -------------------------------------------

# HTTPS is on whenever DEBUG is off: the site is served behind a TLS-terminating reverse proxy
# that sets X-Forwarded-Proto (see README, "Deploy"). DJANGO_HTTPS=0 serves plain HTTP locally.
HTTPS = env_flag("DJANGO_HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # Trust the proxy's word on the scheme; the proxy must overwrite any value the client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Django's defaults, spelled out because they are part of the security contract.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the site never uses (tracker.security.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp 4): scripts, styles, images and fonts only from this site's
# own files, no inline script or style, no framing, forms post only here. Django 5.2's admin works
# under it: its scripts are files that read their data from data- attributes. The one inline style
# the admin pages use (simple_history's style="border-top: 0") is allowed by its hash alone.
# tests/test_security.py opens every admin page and fails on inline code this policy would block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
        ],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login lockout (django-axes): 5 wrong passwords or codes for one username from one address lock
# that pair for an hour. Locking the pair, not the user, means an attacker cannot lock staff out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first; needs the request: tests use force_login()
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip"
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))

# Two-factor authentication (django-otp, TOTP): staff who have a confirmed authenticator device
# must give its code at the admin login; DJANGO_ADMIN_2FA_REQUIRED=1 requires one of every user.
ADMIN_2FA_REQUIRED = env_flag("DJANGO_ADMIN_2FA_REQUIRED")
OTP_TOTP_ISSUER = "Release tracker"
