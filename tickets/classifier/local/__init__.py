"""The local model: TF-IDF features plus urgency signals, two linear classifiers. Loaded once per process
(in gunicorn, once in the master before the workers fork), never trained in one.

``manage.py build_classifier`` trains it from ``data/training.csv`` (shipped with the code) into
``settings.CLASSIFIER_BASE_MODEL_PATH``: `make install`, the Docker build and CI run it. The worker retrains it
from staff labels into a ``ClassifierVersion`` row (tickets.services.learning); the promoted one serves every
process (``get_model``). A process without a usable model file stops at start-up with the command that builds it
(``load_at_start``).
"""

from tickets.classifier.local.examples import TRAINING_CSV, read_examples, shipped_examples
from tickets.classifier.local.model import (
    LEVELS,
    TRAINING_RECIPE,
    LocalModel,
    OrdinalPriority,
    _text_columns,
    calibrated_from_scores,
    calibrated_proba,
    model_version,
    train,
    trained_version,
)
from tickets.classifier.local.store import (
    ModelMissing,
    _base_model,
    _load,
    build_base_model,
    dumps,
    get_model,
    load_at_start,
    load_version,
    loads,
    predict,
    save_model,
    set_model,
)
from tickets.classifier.local.text import SIGNALS, Example, UrgencySignals, message_only, ticket_text

__all__ = [
    "LEVELS",
    "SIGNALS",
    "TRAINING_CSV",
    "TRAINING_RECIPE",
    "Example",
    "LocalModel",
    "ModelMissing",
    "OrdinalPriority",
    "UrgencySignals",
    "_base_model",
    "_load",
    "_text_columns",
    "build_base_model",
    "dumps",
    "calibrated_from_scores",
    "calibrated_proba",
    "get_model",
    "load_at_start",
    "load_version",
    "loads",
    "message_only",
    "model_version",
    "predict",
    "read_examples",
    "save_model",
    "set_model",
    "shipped_examples",
    "ticket_text",
    "train",
    "trained_version",
]
