"""Local development: `make run`. DEBUG is on unless DJANGO_DEBUG=0 says otherwise."""

from .base import *  # noqa: F403
from .base import env, secret_key

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = secret_key(debug=DEBUG)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # SQLite (make run's zero-setup default) ignores the covering index's INCLUDE columns, which PostgreSQL uses
    # for the dashboard's median; the index still works, so the warning is only noise here.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
