"""The process's model: built once from the shipped examples, replaced by a retrained file when one is written,
loaded once per process (before gunicorn forks) and never trained in a request."""

import functools
import logging
import threading
from pathlib import Path

import joblib
import sklearn
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tickets.classifier.local.examples import shipped_examples
from tickets.classifier.local.model import LocalModel, model_version, train
from tickets.models import Category, Priority

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_model: LocalModel | None = None
_stamp: tuple[int, int] | None = None  # the model file's (mtime, size) when _model was chosen; None: no file


class ModelMissing(ImproperlyConfigured):
    """No usable model file: the process must not start (nor train one inside a request)."""


def get_model() -> LocalModel:
    """The process's model: the retrained file if there is a usable one, else the built one.

    A file that ``train_classifier`` writes later, from any process, is used from the next prediction on:
    gunicorn's workers fork from a master that loaded the model once, so a restart alone would not do.
    """
    global _model, _stamp
    stamp = _file_stamp()
    if _model is None or stamp != _stamp:
        with _lock:
            if _model is None or stamp != _stamp:
                _model = (_load(settings.CLASSIFIER_MODEL_PATH) if stamp else None) or _base_model()
                _stamp = stamp
    return _model


def set_model(model: LocalModel | None) -> None:
    """Replace the process's model (after retraining); None forgets it so the next use reloads."""
    global _model, _stamp
    with _lock:
        _model, _stamp = model, _file_stamp()


def load_at_start() -> LocalModel:
    """Load the model as a process starts (wsgi, asgi): a missing file stops it here, not in a request."""
    model = get_model()
    logger.info("local classifier %s loaded", model.version)
    return model


@functools.cache
def _base_model() -> LocalModel:
    path = Path(settings.CLASSIFIER_BASE_MODEL_PATH)
    model = _load(path)
    if model is None:
        raise ModelMissing(
            f"The local classifier's model file {path} is missing or unusable. Build it with "
            "`python manage.py build_classifier` (make install, the Docker build and CI do)."
        )
    return model


def build_base_model(*, force: bool = False) -> tuple[LocalModel, bool]:
    """Train the shipped model into CLASSIFIER_BASE_MODEL_PATH unless a usable file of the same examples is
    there already; returns the model and whether it was (re)built."""
    path = Path(settings.CLASSIFIER_BASE_MODEL_PATH)
    examples = shipped_examples()
    current = None if force else _load(path, quiet=True)
    if current is not None and current.version == model_version(examples):
        return current, False
    model = train(examples)
    save_model(model, path)
    _base_model.cache_clear()
    return model, True


def _file_stamp() -> tuple[int, int] | None:
    try:
        stat = Path(settings.CLASSIFIER_MODEL_PATH).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def save_model(model: LocalModel, path: Path | str | None = None) -> Path:
    path = Path(path or settings.CLASSIFIER_MODEL_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    return path


def _load(path: Path | str, *, quiet: bool = False) -> LocalModel | None:
    path = Path(path)
    try:
        model = joblib.load(path)  # our own file, written by build_classifier or train_classifier
    except FileNotFoundError:
        return None
    except Exception:  # a corrupt or incompatible file must not stop classification while another one serves
        if not quiet:
            logger.exception("could not load the classifier model %s", path)
        return None
    if not isinstance(model, LocalModel) or model.sklearn_version != sklearn.__version__:
        if not quiet:
            logger.warning("%s was built by another version of the code or of scikit-learn", path)
        return None
    return model


def predict(title: str, description: str) -> tuple[Category, Priority, float, str]:
    model = get_model()
    category, priority, confidence = model.predict(title, description)
    return category, priority, confidence, model.version
