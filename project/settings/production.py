"""Production: no default for secrets, HTTPS behind a proxy, hardened cookies."""

from project.logformat import JSON_FORMATTER, LOG_FILTERS, STDOUT_HANDLER, gunicorn_loggers

from .base import *  # noqa: F403
from .base import PRIVATE_STORAGE, QUIET_LOGGERS, env, secret_key

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Always a real key here, DEBUG or not: a development key in production would sign sessions and tracking links
# with a value anyone can read in the source.
SECRET_KEY = secret_key(debug=False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

# Django's cache (the table is made by bin/start-web). Nothing that must be shared by every worker lives in it:
# failed logins are counted by django-axes and the API throttles by tickets.RateCounter, both in the database.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://cootrack_cache")}

# One JSON object per line on stdout, ready for any log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOG_FILTERS,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"stdout": STDOUT_HANDLER},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        **QUIET_LOGGERS,
        **gunicorn_loggers("INFO"),
    },
}
