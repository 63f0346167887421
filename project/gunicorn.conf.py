"""gunicorn settings for production (bin/start-web). Every value can be overridden from the environment."""

import multiprocessing
import os

from project.logformat import JSON_FORMATTER, LOG_FILTERS, STDOUT_HANDLER, gunicorn_loggers

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 (inside a container)
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers now and then, with jitter so they do not restart together
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application and the local classifier's model (project/wsgi.py loads it) are loaded once, in the master,
# before the workers fork: they boot in a moment (also when recycled after max_requests) and share its memory.
preload_app = True


# Access and error lines as JSON on stdout, like the application's own logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOG_FILTERS,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"stdout": STDOUT_HANDLER},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": gunicorn_loggers(loglevel),
}
