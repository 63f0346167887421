"""Settings shared by every environment. Every value that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` (never committed) is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret_key(*, debug: bool) -> str:
    """The secret key from the environment; a throwaway one only while DEBUG is on."""
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if debug:
        return "insecure-development-key-only-used-with-DJANGO_DEBUG=1"  # noqa: S105
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it in the environment (see .env.example); only the local settings "
        "(manage.py with DJANGO_DEBUG=1) run without one."
    )


ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # unfold's apps must come before django.contrib.admin so its templates win.
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "tickets",
    "dashboards",
]

MIDDLEWARE = [
    # Outermost, and only when SERVER_TIMING is on: what each response cost the server (the benchmark reads it).
    "project.middleware.ServerTimingMiddleware",
    # First: nothing may read X-Forwarded-* before untrusted ones are dropped (tickets/api/clientip.py).
    "tickets.api.clientip.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "project.middleware.ApiBodySizeLimitMiddleware",
    # With read replicas only: which database the request reads (project/replicas.py).
    "project.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Activates the language for each request: without an active one, each of a page's hundreds of
    # translated strings first failed a lookup (an exception each; ~10 % of the admin changelist's time).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Messages (the admin's "saved" notices) live in the session, read only when a page shows them: the default
    # cookie-then-session storage built a cookie signer for every request, the API's included.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "project.middleware.ContentSecurityPolicyMiddleware",
    # Last: turns a locked-out login (admin or API) into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# One strict Content-Security-Policy for every page (django-csp); the admin and the API docs add only what their
# libraries need (project/middleware.py). No inline script runs anywhere; nothing may frame the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
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

DATABASES = {
    # SQLite is only the zero-setup default of `make run`; every other environment sets DATABASE_URL.
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Behind a pooler in transaction mode (PgBouncer), a server connection serves another client between two
# transactions: Django's iterators must not keep a cursor open across them (the CSV export streams with COPY, one
# statement, either way). docs/deploy.md.
DATABASE_POOLED = env.bool("DATABASE_POOLED", default=False)


def database_settings(database: dict) -> dict:
    """The connection settings every database alias of this deployment shares."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "project.database"  # Django's, with a health check that costs no round trip
    database["ATOMIC_REQUESTS"] = False
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLED
    return database


database_settings(DATABASES["default"])
# Read replicas (streaming standbys of the primary), zero or more: reads that tolerate a few seconds of lag go to
# one (project/replicas.py names them); a replica that is down or lags more than DATABASE_REPLICA_MAX_LAG_S is
# skipped until it recovers, each process checking at most every DATABASE_REPLICA_CHECK_S seconds; a client that
# wrote reads the primary for DATABASE_READ_YOUR_WRITES_S seconds.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASE_REPLICA_MAX_LAG_S = env.float("DATABASE_REPLICA_MAX_LAG_S", default=5.0)
DATABASE_REPLICA_CHECK_S = env.float("DATABASE_REPLICA_CHECK_S", default=2.0)
DATABASE_REPLICA_CONNECT_TIMEOUT_S = env.int("DATABASE_REPLICA_CONNECT_TIMEOUT_S", default=2)
DATABASE_READ_YOUR_WRITES_S = env.int("DATABASE_READ_YOUR_WRITES_S", default=10)
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = database_settings(environ.Env.db_url_config(url))
    replica.setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_REPLICA_CONNECT_TIMEOUT_S
    replica["TEST"] = {"MIRROR": "default"}  # a test run reads its one test database through every alias
    DATABASES[f"replica{number}"] = replica
DATABASE_ROUTERS = ["project.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
# PostgreSQL's planner prices a random page read at 4x a sequential one (random_page_cost), as on a spinning disk.
# On SSDs, or with the tables in memory, the usual setting is 1.1; at 4 the planner preferred building a
# 400,000-entry trigram bitmap (60 ms) to walking the status/priority index (9 ms) for a common word with label
# filters, depending on the statistics' sample. Empty leaves the server's setting. `migrate` keeps it as the app
# role's setting in the database (tickets.postgres.apply_planner_settings), where every connection finds it: a
# pooler refuses settings sent when connecting, and replicas replay the role's settings.
RANDOM_PAGE_COST = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
if RANDOM_PAGE_COST:
    try:
        RANDOM_PAGE_COST = str(float(RANDOM_PAGE_COST))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_RANDOM_PAGE_COST must be a number, not {RANDOM_PAGE_COST!r}") from error
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://cootrack")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed logins in the database (shared by every worker and replica) and refuses further tries
# per account and, separately, per client address for a cool-off; `manage.py axes_reset_username NAME`, or the
# admin's "Login lockouts" page, unlocks.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with one query for a user's permissions where it makes two (project/auth.py).
    "project.auth.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "tickets.api.clientip.lockout_address"
AXES_LOCKOUT_CALLABLE = "project.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # registered with the unfold theme in tickets/admin
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]

LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "/admin/"

LANGUAGE_CODE = "en-us"
# The application speaks English; the admin's language menu would otherwise look up Django's ~100 languages
# on every page.
LANGUAGES = [("en", "English")]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The built React app (frontend/dist) is served by whitenoise on the same origin as the API.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.is_dir() else []
# Raw mail and attachments: private, never under a public URL; served only by views that check permission.
# A local directory by default (a volume in compose); any Django storage backend instead, e.g. an S3-compatible
# bucket through django-storages (README, "Email in").
PRIVATE_FILES_DIR = env.path("PRIVATE_FILES_DIR", default=BASE_DIR / "var" / "private")
PRIVATE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_FILES_DIR}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

# Request size limits: a ticket is small; nothing legitimate posts megabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated requests then get 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tickets.api.permissions.StaffModelPermissions"],
    "DEFAULT_PARSER_CLASSES": ["tickets.api.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tickets.api.pagination.TicketPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "project.exceptions.exception_handler",
    # How many proxies (at TRUSTED_PROXIES' addresses) append to X-Forwarded-For; see tickets/api/clientip.py.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The reverse proxies' addresses or networks: X-Forwarded-* from anyone else are dropped (tickets/api/clientip.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
if REST_FRAMEWORK["NUM_PROXIES"] and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is set but TRUSTED_PROXIES is empty: name the proxies' addresses (e.g. 172.30.0.10), "
        "or set TRUSTED_PROXY_COUNT=0 when clients reach the app directly."
    )

# Anonymous submissions and classifications per client address (DRF rate syntax, e.g. "30/min"), counted in
# a sliding window in the database (tickets/api/throttles.py).
API_THROTTLE_CREATE = env.str("API_THROTTLE_CREATE", default="30/min")
API_THROTTLE_CLASSIFY = env.str("API_THROTTLE_CLASSIFY", default="60/min")
API_THROTTLE_TRACK = env.str("API_THROTTLE_TRACK", default="60/min")  # the submitter's page, per address
# Asking for a "My tickets" sign-in link, and using one, per client address (each address also has its own cap).
API_THROTTLE_SIGN_IN = env.str("API_THROTTLE_SIGN_IN", default="10/hour")

SPECTACULAR_SETTINGS = {
    "TITLE": "Cootrack API",
    "DESCRIPTION": "Support tickets: submit, classify, triage and report.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "tickets.models.Category",
        "PriorityEnum": "tickets.models.Priority",
        "StatusEnum": "tickets.models.Status",
    },
}


# The staff workspace's theme, sidebar and dashboard (unfold).
from .unfold import UNFOLD  # noqa: E402, F401

# Imports are all-or-nothing and written through tickets.services (see tickets/transfer/resource.py).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True  # imports and exports go to Cootrack's own audit log (tickets.AuditEntry)
# The largest import file, in bytes and in rows; past either the form says so and nothing is read further.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# An Excel file is a zip: its unpacked size is checked before any sheet is read (a 5 KB file can unpack to GBs).
IMPORT_MAX_XLSX_UNPACKED_BYTES = env.int("IMPORT_MAX_XLSX_UNPACKED_BYTES", default=100 * 1024 * 1024)
# Files with more rows than this are checked and written by the background worker, with progress, not in a request.
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=500)
# An Excel export is built in memory: past this many tickets the admin asks for narrower filters or CSV (any size).
EXPORT_XLSX_MAX_ROWS = env.int("EXPORT_XLSX_MAX_ROWS", default=100_000)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Server-Timing header (CPU and SQL time per response) for the benchmark; off in production.
SERVER_TIMING = env.bool("SERVER_TIMING", default=False)
# The help desk's settings read for every new ticket (SLA policies, calendars, routing rules, teams) are kept by
# each process this many seconds; the process that saves a change sees it at once (tickets/selectors/sla.py).
SETTINGS_CACHE_S = env.float("SETTINGS_CACHE_S", default=5.0)
# The dashboard's figures over the window's tickets (new per day, backlog, medians, SLA) are kept this many seconds
# per set of visible teams: at 10 million tickets they read ~400,000 rows (tickets/selectors/stats.py).
DASHBOARD_CACHE_S = env.float("DASHBOARD_CACHE_S", default=60.0)

# The AI classifier. With no key the local model answers; see tickets/classifier/.
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
CLASSIFIER_TIMEOUT_S = env.float("CLASSIFIER_TIMEOUT_S", default=4.0)
# Below this confidence the AI's labels are flagged "AI unsure" (changelist badge and filter, API ai_unsure=true).
AI_UNSURE_BELOW = env.float("AI_UNSURE_BELOW", default=0.6)
# "Suggest a reply" in the admin: the agent waits for the draft, at most this long, then gets a canned response.
DRAFT_TIMEOUT_S = env.float("DRAFT_TIMEOUT_S", default=10.0)
# LLM calls in flight at once, in all processes together and in one process; past either the local model answers
# at once, so slow LLM answers never hold every web worker (tickets/classifier/slots.py).
CLASSIFIER_MAX_LLM_CALLS = env.int("CLASSIFIER_MAX_LLM_CALLS", default=2)
CLASSIFIER_MAX_LLM_CALLS_PER_PROCESS = env.int("CLASSIFIER_MAX_LLM_CALLS_PER_PROCESS", default=1)
# The local model built from the shipped examples (`manage.py build_classifier`, run by make install, the Docker
# build and CI); the versions retrained from staff labels live in the database (README, "A model that learns").
CLASSIFIER_BASE_MODEL_PATH = env.path("CLASSIFIER_BASE_MODEL_PATH", default=BASE_DIR / "var" / "classifier-base.joblib")
# How often a process asks which version is promoted: a promotion or rollback reaches every process within it.
CLASSIFIER_RELOAD_S = env.float("CLASSIFIER_RELOAD_S", default=30.0)
# Retraining (in the worker, never in a request): when this many new staff labels arrived, or when the last
# retraining is this old and any arrived. Both checked every CLASSIFIER_RETRAIN_CHECK_S by `schedule_retraining`.
CLASSIFIER_RETRAIN_AFTER_LABELS = env.int("CLASSIFIER_RETRAIN_AFTER_LABELS", default=200)
CLASSIFIER_RETRAIN_EVERY_H = env.float("CLASSIFIER_RETRAIN_EVERY_H", default=24.0)
CLASSIFIER_RETRAIN_CHECK_S = env.float("CLASSIFIER_RETRAIN_CHECK_S", default=300.0)
# One staff member's labels count at most this many per retraining (the rest never do): one burst of changes
# cannot move the model alone.
CLASSIFIER_LABELS_PER_USER = env.int("CLASSIFIER_LABELS_PER_USER", default=100)
# The newest share of the confirmed tickets is held back to judge a retrained model against the one in use; with
# fewer than CLASSIFIER_MIN_HELD_BACK of them nothing is promoted.
CLASSIFIER_HELD_BACK = env.float("CLASSIFIER_HELD_BACK", default=0.2)
CLASSIFIER_MIN_HELD_BACK = env.int("CLASSIFIER_MIN_HELD_BACK", default=30)
# How much one of the team's confirmed tickets counts against one shipped example (measured: README).
CLASSIFIER_TEAM_WEIGHT = env.float("CLASSIFIER_TEAM_WEIGHT", default=3.0)

# Libraries that log every request or login at INFO: only their warnings matter here (production.py reads it too).
QUIET_LOGGERS = {name: {"level": "WARNING"} for name in ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "axes")}

# Email to submitters (replies, confirmations, resolutions), sent by the background worker. EMAIL_URL is e.g.
# smtp+tls://user:password@mail.example.com:587 or consolemail:// (printed; the default for make run).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cootrack support <support@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_S", default=10)
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="cootrack.localhost")
# Links in emails point here (scheme and host the submitter uses), and stop working this many days after the
# ticket is resolved or closed.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
TRACKING_LINK_DAYS = env.int("TRACKING_LINK_DAYS", default=30)
# "My tickets": a sign-in link works once, this many minutes; an address gets at most this many an hour; a
# signed-in customer stays so this many hours; their list shows this many tickets a page.
PORTAL_LINK_MINUTES = env.int("PORTAL_LINK_MINUTES", default=15)
PORTAL_LINKS_PER_ADDRESS_PER_HOUR = env.int("PORTAL_LINKS_PER_ADDRESS_PER_HOUR", default=3)
PORTAL_SESSION_HOURS = env.int("PORTAL_SESSION_HOURS", default=12)
PORTAL_PAGE_SIZE = 20
# "How did we do?": the resolution notice's rating links work, and an answer can be changed, this many days.
SATISFACTION_DAYS = env.int("SATISFACTION_DAYS", default=7)
# Anyone may type anyone's address into the public form: one address gets at most this many confirmations a day
# (by mailbox: case and "+tags" count as one); the tickets past that are stored, not confirmed.
CONFIRMATIONS_PER_ADDRESS_PER_DAY = env.int("CONFIRMATIONS_PER_ADDRESS_PER_DAY", default=5)
# Messages a submitter may leave on one ticket that no staff reply has answered yet; the next is refused (429).
CUSTOMER_MESSAGES_WAITING_MAX = env.int("CUSTOMER_MESSAGES_WAITING_MAX", default=5)
# Email in (README, "Email in"). Answers thread by our Message-IDs, and by a reply address: EMAIL_REPLY_ADDRESS with
# a signed "+t<id>-<signature>" tag (empty: no Reply-To; replies still thread by their headers).
EMAIL_REPLY_ADDRESS = env.str("EMAIL_REPLY_ADDRESS", default="")
# The IMAP mailbox the worker polls, e.g. imaps://user:password@mail.example.com/INBOX (empty: no polling).
EMAIL_INBOX_URL = env.str("EMAIL_INBOX_URL", default="")
# A provider's inbound webhook (Mailgun, through django-anymail): its webhook signing key (empty: no webhook).
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default="")}
EMAIL_INBOX_POLL_S = env.float("EMAIL_INBOX_POLL_S", default=60.0)
# A whole message past this is kept aside, not stored as a ticket; attachments past these limits are left out
# (and the ticket says so).
EMAIL_MAX_BYTES = env.int("EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENTS_MAX = env.int("ATTACHMENTS_MAX", default=10)
ATTACHMENTS_MAX_TOTAL_BYTES = env.int("ATTACHMENTS_MAX_TOTAL_BYTES", default=25 * 1024 * 1024)
# A ticket's conversation is shown a page at a time, newest page first (admin, API, tracking page).
THREAD_PAGE_SIZE = env.int("THREAD_PAGE_SIZE", default=25)
# How often an open ticket page tells the server the agent is still there (and hears who else is): one small
# request per open page; "Ana is replying" shows within this many seconds.
PRESENCE_POLL_SECONDS = env.int("PRESENCE_POLL_SECONDS", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "project.logformat.RedactTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": QUIET_LOGGERS,
}
