"""The test suite: PostgreSQL from DATABASE_URL (never SQLite), fast hashing, no throttling surprises."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_settings, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105

DATABASES = {
    "default": database_settings(env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cootrack"))
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_cootrack")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
API_THROTTLE_CREATE = "1000/min"
API_THROTTLE_CLASSIFY = "1000/min"
API_THROTTLE_TRACK = "1000/min"
API_THROTTLE_SIGN_IN = "1000/min"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Tests never reach a real LLM: the classifier tests point OPENAI_BASE_URL at a local server.
OPENAI_API_KEY = ""
OPENAI_BASE_URL = None
CLASSIFIER_TIMEOUT_S = 2.0
# Most tests classify without a database: the shipped model only. The tests of retrained versions turn it on.
CLASSIFIER_RELOAD_S = None

# Raw mail and attachments go to a directory of this run's own, removed by nobody but the OS's temp cleaning.
PRIVATE_FILES_DIR = Path(tempfile.mkdtemp(prefix="cootrack-test-files-"))
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_FILES_DIR}},
}

# A test's rolled-back settings rows must not outlive it in a process cache (one test turns the cache on).
SETTINGS_CACHE_S = 0
DASHBOARD_CACHE_S = 0

# Replicas are tested against a real standby of a throwaway primary (project/tests/test_replicas.py).
DATABASE_ROUTERS = []
