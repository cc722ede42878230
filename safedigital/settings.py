"""
Settings for Safe Digital, read from the environment.

Every variable is documented in `.env.example`. Without any of them the project runs in
development mode: DEBUG on, SQLite in the project folder, mail to the console. With
DEBUG off it refuses to start unless a real secret and the allowed hosts are given.
"""

import json
import os
import re
import sysconfig
from datetime import timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from safedigital import database, environment

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-development-only-never-in-production"  # noqa: S105 (development only)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_str(name, default=""):
    """The variable's value, or the default when it is unset or empty (as in a copied .env.example)."""
    return os.environ.get(name) or default


# The same reading as gunicorn.conf.py's, which must not import Django.
env_int = partial(environment.env_int, error=ImproperlyConfigured)


def env_json(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return json.loads(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be JSON, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


# The two below never repeat the URL in their message: it may hold a password, and the message ends up in logs.
def env_database_url(name, default):
    try:
        return dj_database_url.parse(env_str(name, default))
    except ValueError:  # an unknown scheme, a port that is not a number, characters not quoted
        raise ImproperlyConfigured(
            f"{name} must be a database URL such as postgres://user:password@host:5432/name "
            "(special characters in the password %-quoted)."
        ) from None


def env_redis_url(name):
    value = env_str(name)
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"redis", "rediss", "unix"}
        or (parts.scheme != "unix" and not (parts.hostname and re.fullmatch(r"(/\d*)?", parts.path)))
    ):
        # redis-py would refuse it at the first request (a 500), or read a database that is not a number as 0.
        raise ImproperlyConfigured(
            f"{name} must be a URL such as redis://host:6379/0 (rediss:// with TLS; the database a number)."
        )
    return value


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

# What Django's check --deploy (security.W009) calls a strong secret.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
KEY_GENERATION_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set to a long random value when DEBUG is off ({KEY_GENERATION_COMMAND})."
        )
    if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for DEBUG off: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different (it has {len(SECRET_KEY)} characters, "
            f"{len(set(SECRET_KEY))} different). Generate one with {KEY_GENERATION_COMMAND}."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "safedigital.apps.AdminConfig",  # Django's admin, with the site's date and time inputs
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "phonenumber_field",
    "simple_history",
    "import_export",
    "axes",
    "django_prose_editor",  # the editor of formatted text in the admin (safedigital.widgets.RichTextEditor)
    "safedigital",  # before django_tasks_db: its db_worker command is the one `manage.py db_worker` runs
    "django_tasks_db",
    "events",
    "media_coverage",
    "donations",
]

MIDDLEWARE = [
    "safedigital.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safedigital.middleware.NulCharacterMiddleware",
    # Above everything that reads or writes the body, below WhiteNoise (static files come compressed already).
    "safedigital.middleware.TextCompressionMiddleware",
    # Above the page cache, so that pages served from it carry the same headers and answer 304s too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "safedigital.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "safedigital.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "safedigital.urls"
WSGI_APPLICATION = "safedigital.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safedigital.context_processors.site",
            ],
        },
    },
]

# How long /healthz waits for a pooled database connection before it answers 503: a load balancer's probe gives
# up after a few seconds, while a visitor's request may wait the pool's 10 (a burst that takes every connection).
HEALTHZ_DATABASE_TIMEOUT = 2

# Database: DATABASE_URL, or a SQLite file in the project folder.
DATABASES = {"default": env_database_url("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own connection pool (psycopg 3); it replaces persistent connections. The pool checks a connection
    # (an empty query) before handing it out: after PostgreSQL restarts or fails over, every connection it held is
    # dead, and each would have cost a visitor a 503 (an enquiry turned away) once the database was back.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A request waits up to `timeout` seconds for a connection (a free one, or a new one while the server is
    # away) before it is answered 503; /healthz waits HEALTHZ_DATABASE_TIMEOUT (above). The check of a pooled
    # connection gives the server as long to acknowledge it (safedigital/database.py), so that /healthz answers
    # within it when the database's host has vanished, not after the 10 s of tcp_user_timeout (below).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
        "timeout": 10,
        "check": partial(database.check_connection, timeout=HEALTHZ_DATABASE_TIMEOUT),
    }
    # Bounds on the network (libpq's parameters; DATABASE_URL's query string may set any of them instead, e.g.
    # ?tcp_user_timeout=20000). A database host that stops answering without closing its connections (a crash, a
    # fail-over to another machine, a cut in the network: packets dropped, nothing sent back) held each request
    # that used a connection for as long as the kernel retries, about 15 minutes, or until gunicorn killed the
    # worker (GUNICORN_TIMEOUT). Now a connection whose data the server has not acknowledged within 10 s is closed,
    # and the request answered 503; a pooled connection idle for 30 s is probed, so that one found dead fails the
    # pool's check at once instead of holding a request; and a new connection gives up after 10 s.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": 10,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,  # milliseconds
        **DATABASES["default"]["OPTIONS"],
    }
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # PostgreSQL binds the parameters itself, and psycopg prepares a statement on its 5th use on a
        # connection: the queries every request repeats (an enquiry's inserts, the e-mail worker's claim of a
        # task) are parsed and planned once per pooled connection instead of every time. Turn it off behind a
        # pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker keeps its connection (and the pragmas below) instead of opening the file on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Several gunicorn workers may write at once: each write transaction takes the lock when it begins and
    # waits for it (instead of failing with "database is locked"), and readers never block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), local memory otherwise.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its redis-py client (see safedigital/redis_cache.py).
            "BACKEND": "safedigital.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Parallel test workers (pytest-xdist) share one Redis: each gets its own key namespace.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "safedigital")
            + os.environ.get("PYTEST_XDIST_WORKER", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Django's cached_db (the database, with the cache in front), but a cache that does not answer only makes it slower.
SESSION_ENGINE = "safedigital.sessions"
# Only staff sign in (a visitor's language is a cookie of its own). A back office that holds donors' data signs
# them out after a working day, not after Django's two weeks: a laptop left signed in, or a session cookie
# taken, opens it for hours, not for a fortnight.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)
# Whole-page cache for anonymous visitors, in seconds; 0 switches it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# How many stored pages each process also keeps in its own memory, answered without asking the cache (Redis).
PAGE_CACHE_LOCAL_PAGES = env_int("PAGE_CACHE_LOCAL_PAGES", 200)
# Without Redis, the page cache's content version lives in this file, shared by the processes of one machine
# (gunicorn's workers, management commands); it is created on first use, in a folder the site may write to.
PAGE_CACHE_VERSION_FILE = Path(env_str("PAGE_CACHE_VERSION_FILE", BASE_DIR / "page-cache-version"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing the demo logins' password when DEBUG is off.
    "safedigital.auth.StaffBackend",
]
# Brute-force protection on the staff login: lock a user name + address pair after 5 failures, until 30 minutes
# have passed without another attempt (axes starts the wait again at each one, which the locked-out page says).
# Without a cool-off the lock lasted until an administrator lifted it: a staff member locked out in the evening
# waited for the morning, and anyone who knew a user name and shared the person's address (an office's NAT) kept
# them out with five tries. At least a minute: 0 would count no failure at all. At most a year (525,600 minutes):
# a longer lock is a ban, which is an account made inactive; and axes counts the failures since now minus the
# cool-off, a date before the year 1 beyond about 1,065,000,000 minutes, when every staff login, right password or
# not, failed with a 500 (OverflowError), as the locked-out page's now plus the wait did beyond 4,190,000,000.
# At least one failure too: axes locks a pair once its failures reach the limit, so a limit of 0 locked every
# staff member out at the first attempt, right password or not, and deleting the access attempts could not lift it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1, maximum=365 * 24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The visitor's address as the enquiry form's rate limit reads it (PROXY_COUNT, below), an IPv6 one by its /64.
# Without this, axes would read REMOTE_ADDR (django-ipware, which its AXES_IPWARE_* settings are for, is not
# installed): behind a proxy, every visitor's failures would count against one address, and anyone could lock any
# staff member out.
AXES_CLIENT_IP_CALLABLE = "safedigital.ratelimit.client_network"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# The language a visitor chooses in the header (safedigital.views.choose_language) is kept for the browser
# session only (Django's default, repeated here because it matters): a lasting cookie would tell anyone who
# looks at the device, after the browser is closed, that it was used to visit the site.
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The site's own date formats where Django's do not suit (English: "6 November 2024").
FORMAT_MODULE_PATH = ["safedigital.formats"]
# Django's, with its most frequent widget templates written in Python (safedigital.widgets.FormRenderer).
FORM_RENDERER = "safedigital.widgets.FormRenderer"
# The language editors write the site's own text in: titles, summaries, the programme, quotes, pledges, captions.
# A page in another language marks that text with it (lang="en" on a Spanish page), so that a screen reader
# reads it in the right voice (WCAG 3.1.2). A language tag such as "en" or "pt-BR".
CONTENT_LANGUAGE = env_str("CONTENT_LANGUAGE", LANGUAGE_CODE)
if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", CONTENT_LANGUAGE):
    raise ImproperlyConfigured(
        f'CONTENT_LANGUAGE must be a language tag such as "en", not {CONTENT_LANGUAGE!r}.'
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's CSS and JS, from PyPI's xstatic-bootstrap (never a CDN).
    ("vendor/bootstrap", Path(sysconfig.get_paths()["purelib"]) / "xstatic/pkg/bootstrap/data"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", BASE_DIR / "media"))
# Let Django serve uploaded media itself (development, or a single small server); otherwise the proxy or
# a shared object store (MEDIA_STORAGE) does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Local disk by default, through safedigital.uploads.MediaStorage: Django's FileSystemStorage, but a file it fails
# to write (the disk full) is deleted rather than left truncated, and the editor told. Django's own, which
# .env.example named before, is taken for it.
_media_storage = env_str("MEDIA_STORAGE", "safedigital.uploads.MediaStorage")
if _media_storage == "django.core.files.storage.FileSystemStorage":
    _media_storage = "safedigital.uploads.MediaStorage"
STORAGES = {
    "default": {
        "BACKEND": _media_storage,
        # The storage's own options as JSON, e.g. {"bucket_name": "safedigital-media"} for S3 (README).
        "OPTIONS": env_json("MEDIA_STORAGE_OPTIONS", {}),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 60 if DEBUG else 31536000

# Uploads: anything larger goes to a temporary file, and the request body has a ceiling.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# An event's admin form sends about ten fields per media mention: Django's 1,000 refused (400) an event with a
# hundred mentions. The body's size stays capped above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# A gallery takes this many photos in one upload (each is checked and re-encoded while the editor waits, then
# resized by the task worker); up to 500 files are read, so that choosing too many gets that message beside the
# field rather than a 400 page.
GALLERY_UPLOAD_MAX_PHOTOS = env_int("GALLERY_UPLOAD_MAX_PHOTOS", 20)
# The megapixels of images one admin save may carry (a gallery's "Add photos" and its photo rows together), counted
# as JPEG photos (safedigital.uploads.CHECKING_COST: a WebP counts 7 times, a PNG 16): each is checked and
# re-encoded while the editor waits, about 0.02 s of CPU a megapixel for a JPEG photo on a slow day (0.15 for a
# WebP, 0.33 for a PNG), and a photo row is resized too (0.03 to 0.06 s a megapixel). 800 (twenty 40-megapixel
# JPEG photos, or about 110 megapixels of WebP) is about 17 s, within gunicorn's GUNICORN_TIMEOUT (30 s); twenty
# 40-megapixel WebP photos were over 100 s, and gunicorn killed the worker with the editor's work. More is refused
# beside the fields before any is checked.
IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE = env_int("IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE", 800, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = 500
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_UPLOAD_MAX_PIXELS = env_int("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000)
DOCUMENT_UPLOAD_MAX_BYTES = env_int("DOCUMENT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# CSV import of media mentions (django-import-export): the whole file in one transaction, so a bad row
# leaves nothing behind, and a ceiling on the file's size and rows.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Between the preview and the confirmation the uploaded file waits in the cache when it is Redis, which every app
# server shares (the confirmation may reach another server than the preview). The local-memory cache belongs to
# one process, and gunicorn runs several, so without Redis the file waits in the machine's temporary folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage" if REDIS_URL else "import_export.tmp_storages.TempFolderStorage"
)
COVERAGE_IMPORT_MAX_BYTES = env_int("COVERAGE_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
COVERAGE_IMPORT_MAX_ROWS = env_int("COVERAGE_IMPORT_MAX_ROWS", 5000)

# Background tasks (Django's tasks framework): the enquiry e-mails. In production they are kept in the database
# (django-tasks-db) and sent by `manage.py db_worker`; in development they run at once, after the commit.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
# A task whose worker has not been heard from for this many minutes (neither since it started the task nor in a
# heartbeat, which a worker records every 30 s) is taken for one whose worker stopped (killed, out of memory)
# and queued again by the workers (safedigital/management/commands/db_worker.py); a worker paused for longer
# (a stopped container, a suspended machine) is taken for stopped too. At least 1: with 0, every task running
# would be queued again at once, beside the worker running it. At most a year (525,600 minutes), as
# AXES_COOLOFF_MINUTES: the workers look for tasks started before now minus this, a date before the year 1
# beyond about 1,065,000,000 minutes, when every worker stopped at start (OverflowError) and the e-mails waited.
TASK_STUCK_MINUTES = env_int("TASK_STUCK_MINUTES", 15, minimum=1, maximum=365 * 24 * 60)

# Mail: the console by default; SMTP (or any backend) through EMAIL_BACKEND and the EMAIL_* variables.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Safe Digital <hello@safedigital.example>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Plain addresses: Django 6.0 deprecates (name, address) pairs.
ADMINS = env_list("ADMIN_EMAILS")

# Where the site is reached, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Safe Digital"
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# Where the "Leave this site" control sends a visitor.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.google.com/")
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "mailto:security@safedigital.example")

# Rate limits (django-ratelimit) count in the default cache: Redis when REDIS_URL is set, so every app server
# shares one count. A limited request gets the friendly 429 page. The client address honours PROXY_COUNT.
# django_ratelimit is deliberately not in INSTALLED_APPS: its system check rejects the local-memory cache used
# in development and warns about Django's own Redis backend, whose increment is atomic all the same.
# How many reverse proxies in front of the app servers add to X-Forwarded-For (axes reads it too, above).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "safedigital.ratelimit.too_many_requests"
RATELIMIT_IP_META_KEY = "safedigital.ratelimit.client_ip"
# A cache outage must not turn people away; the other spam checks still apply.
RATELIMIT_FAIL_OPEN = True

# Donation enquiries ("Let's chat"). Who is told of a new enquiry: FUNDRAISING_EMAILS, or for a kind of support
# the addresses in FUNDRAISING_EMAILS_<KIND> when that variable is set (INDIVIDUAL, FOUNDATION, COMPANY,
# GOVERNMENT, OTHER).
FUNDRAISING_EMAILS = env_list("FUNDRAISING_EMAILS")
FUNDRAISING_EMAILS_BY_KIND = {
    kind: env_list(f"FUNDRAISING_EMAILS_{kind.upper()}")
    for kind in ("individual", "foundation", "company", "government", "other")
    if env_list(f"FUNDRAISING_EMAILS_{kind.upper()}")
}
# Where people write about their personal data; named in the privacy notice.
PRIVACY_EMAIL = env_str("PRIVACY_EMAIL", "privacy@safedigital.example")
# Retention, applied by `manage.py apply_retention`: suspected spam is deleted after this many days; declined
# and closed enquiries are anonymised this many days after their last change.
DONATION_SPAM_RETENTION_DAYS = env_int("DONATION_SPAM_RETENTION_DAYS", 30)
DONATION_RETENTION_DAYS = env_int("DONATION_RETENTION_DAYS", 730)
# Spam checks: a form sent sooner than this after it was served is suspect; one sent later than this many hours
# goes back to the person, filled in, to send again; a message with more links than this is suspect.
DONATION_FORM_MIN_SECONDS = env_int("DONATION_FORM_MIN_SECONDS", 3)
DONATION_FORM_MAX_AGE_HOURS = env_int("DONATION_FORM_MAX_AGE_HOURS", 48)
DONATION_MAX_LINKS = env_int("DONATION_MAX_LINKS", 2)
# Rate limits (django-ratelimit syntax, e.g. 10/h): enquiries sent from one address; acknowledgements sent to
# one e-mail address.
DONATION_RATE_LIMIT = env_str("DONATION_RATE_LIMIT", "10/h")
DONATION_ACKNOWLEDGEMENT_RATE_LIMIT = env_str("DONATION_ACKNOWLEDGEMENT_RATE_LIMIT", "3/d")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
COUNTRIES_FIRST = ["CO"]
# Names whose Spanish in django-countries is misspelt ("Trinidad yTobago"), odd ("República de África Central") or
# sorted under a title ("República del Chad" under R): named here so that makemessages keeps them, and translated
# in locale/es, which comes before django-countries' own catalogue.
COUNTRIES_OVERRIDE = {
    "AD": _("Andorra"),
    "CF": _("Central African Republic"),
    "CY": _("Cyprus"),
    "DJ": _("Djibouti"),
    "TD": _("Chad"),
    "TT": _("Trinidad and Tobago"),
}

# Security. The content policy applies in development too, so a page that breaks it breaks early.
VIDEO_FRAME_SOURCES = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "frame-src": VIDEO_FRAME_SOURCES,
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_str("SECURE_PROXY_SSL_HEADER"):
        header, _sep, value = env_str("SECURE_PROXY_SSL_HEADER").partition(",")
        SECURE_PROXY_SSL_HEADER = (header.strip(), value.strip() or "https")

# Server errors (a 500) are e-mailed to ADMIN_EMAILS, as with Django's own logging: django.request does not
# propagate to Django's "django" logger, which holds that handler, so it is named here. The reports show no field
# of the form that failed, nor the values of the query string (safedigital.error_reports): an enquiry's, or a
# search of the enquiries, would name the donor. The 503s of an outage are left out (one e-mail per request);
# ServiceUnavailableMiddleware logs each with its cause. A request for
# a host not in ALLOWED_HOSTS (scanners send them to any public address) is one WARNING line, not e-mailed:
# the 400 it gets is no error of the site.
DEFAULT_EXCEPTION_REPORTER = "safedigital.error_reports.QueryHidingReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "safedigital.error_reports.NoFormDataFilter"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {env_str('LOG_LEVEL')!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_unavailable": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://safedigital.error_reports.not_unavailable",
        },
        "as_one_line_warning": {"()": "safedigital.error_reports.AsOneLineWarning", "level": LOG_LEVEL},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false", "not_unavailable"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Not on to Django's "django" logger, whose handler e-mails it.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "filters": ["as_one_line_warning"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
