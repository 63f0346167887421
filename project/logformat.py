"""The JSON log line shared by Django's production logging and gunicorn's (one object per line, on stdout), and
the filter that keeps tracking links out of every log line (access lines, their Referer, Django's 404s)."""

import logging
import re

# A tracking token in a path: the React page /t/<token> and the API /api/track/<token>/.
TOKEN_IN_PATH = re.compile(r"(/t/|/api/track/)[A-Za-z0-9_-]{43}")
REDACTED = r"\1[token]"


class RedactTokens(logging.Filter):
    """Replaces tracking tokens in a record's message (gunicorn's request line and Referer, Django's warnings)
    and in the request it carries: whoever reads the logs must not be able to open a customer's ticket."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_IN_PATH.sub(REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, None
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = TOKEN_IN_PATH.sub(REDACTED, repr(request))
        return True


LOG_FILTERS = {"redact_tokens": {"()": "project.logformat.RedactTokens"}}
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
STDOUT_HANDLER = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
    "formatter": "json",
    "filters": ["redact_tokens"],
}


def gunicorn_loggers(level: str) -> dict:
    return {
        "gunicorn.error": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    }
