"""The JSON log line shared by Django's production logging and gunicorn's (one object per line, on stdout)."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
STDOUT_HANDLER = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}


def gunicorn_loggers(level: str) -> dict:
    return {
        "gunicorn.error": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    }
