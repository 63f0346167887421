"""The process's model: the version staff promoted (stored in the database, so every process on every host finds
it), else the one built from the shipped examples; loaded once per process (before gunicorn forks), looked up
again every CLASSIFIER_RELOAD_S so a promotion or a rollback reaches every process within that time without a
restart, and never trained in a request."""

import functools
import io
import logging
import threading
import time
from pathlib import Path

import joblib
import sklearn
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction

from tickets.classifier.local.examples import shipped_examples
from tickets.classifier.local.model import LocalModel, model_version, train
from tickets.models import Category, ClassifierVersion, ModelState, Priority

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_model: LocalModel | None = None
_active_id: int | None = None  # the promoted version _model is (None: the shipped model)
_checked_at: float | None = None  # when the database was last asked which version is promoted
_refused: set[int] = set()  # versions whose stored model failed to load here: the previous one keeps serving


class ModelMissing(ImproperlyConfigured):
    """No usable model file: the process must not start (nor train one inside a request)."""


def get_model() -> LocalModel:
    """The process's model: the promoted version if there is a usable one, else the shipped one.

    The database is asked at most every CLASSIFIER_RELOAD_S (one indexed query); None never asks (the shipped
    model only: most tests classify without a database). A version that fails to load is logged once and the
    model in use stays."""
    global _checked_at
    interval = settings.CLASSIFIER_RELOAD_S
    if interval is None:
        return _model or _base_model()
    now = time.monotonic()
    if _model is not None and _checked_at is not None and now - _checked_at < interval:
        return _model
    with _lock:
        if _model is None or _checked_at is None or now - _checked_at >= interval:
            _checked_at = now
            _follow(_promoted())
    return _model or _base_model()


def _promoted() -> tuple[int | None, bool]:
    """(the promoted version's id or None, whether the database answered)."""
    try:
        with transaction.atomic():  # a savepoint inside a request's transaction: a failure must not poison it
            return ClassifierVersion.objects.filter(state=ModelState.ACTIVE).values_list("pk", flat=True).first(), True
    except DatabaseError:  # the database is down or not migrated: keep what serves now
        logger.warning("could not read the promoted classifier version; keeping %s", _model and _model.version)
        return None, False


def _follow(promoted: tuple[int | None, bool]) -> None:
    global _model, _active_id
    pk, answered = promoted
    if not answered:
        return
    if pk is None:
        _model, _active_id = _base_model(), None
        return
    if (pk == _active_id and _model is not None) or pk in _refused:
        return
    loaded = load_version(pk)
    if loaded is None:
        _refused.add(pk)
        logger.error("classifier version #%s could not be loaded; keeping %s", pk, _model and _model.version)
        return
    _model, _active_id = loaded, pk
    logger.info("local classifier %s (version #%s) now in use", loaded.version, pk)


def load_version(pk: int) -> LocalModel | None:
    """The model stored in version ``pk``, or None when its bytes do not load as a model of this code."""
    try:
        with transaction.atomic():
            data = ClassifierVersion.objects.filter(pk=pk).values_list("data", flat=True).first()
    except DatabaseError:
        return None
    return None if data is None else loads(bytes(data))


def set_model(model: LocalModel | None) -> None:
    """Forget the process's model, or pin one (tests); the next use asks the database again."""
    global _model, _active_id, _checked_at
    with _lock:
        _model, _active_id, _checked_at = model, None, None
        _refused.clear()


def load_at_start() -> LocalModel:
    """Load the model as a process starts (wsgi, asgi): a missing file stops it here, not in a request. The
    promoted version is looked up too; the connection that took is closed, so gunicorn's workers, forked from this
    process, each open their own."""
    _base_model()
    try:
        model = get_model()
    finally:
        connections.close_all()
    model.predict("", "")  # builds its one-text scorer here, once, for every worker forked from this process
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


def save_model(model: LocalModel, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    return path


def dumps(model: LocalModel) -> bytes:
    """The model as stored in a version's row (compressed: about a third of the file's size)."""
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(data: bytes) -> LocalModel | None:
    """A stored model, or None when the bytes are not a model this code and this scikit-learn can use."""
    try:
        model = joblib.load(io.BytesIO(data))  # our own bytes, written by dumps(); never a user's
    except Exception:  # a corrupt or incompatible model must not stop classification while another one serves
        logger.exception("could not load a stored classifier model")
        return None
    return _checked(model, "a stored model")


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
    return _checked(model, path, quiet=quiet)


def _checked(model, name, *, quiet: bool = False) -> LocalModel | None:
    if not isinstance(model, LocalModel) or model.sklearn_version != sklearn.__version__:
        if not quiet:
            logger.warning("%s was built by another version of the code or of scikit-learn", name)
        return None
    return model


def predict(title: str, description: str) -> tuple[Category, Priority, float, str]:
    model = get_model()
    category, priority, confidence = model.predict(title, description)
    return category, priority, confidence, model.version
