"""The local model: TF-IDF features plus urgency signals, two linear classifiers. Loaded once per process
(in gunicorn, once in the master before the workers fork).

It is trained from ``data/training.csv`` (shipped with the code) on first use, or loaded from
``settings.CLASSIFIER_MODEL_PATH`` when ``manage.py train_classifier`` has written a retrained one.
"""

import csv
import functools
import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import sklearn
from django.conf import settings
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from tickets.models import Category, Priority

logger = logging.getLogger(__name__)

TRAINING_CSV = Path(__file__).parent / "data" / "training.csv"


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    category: str
    priority: str = ""  # empty where the example has no priority label

    @property
    def text(self) -> str:
        return ticket_text(self.title, self.description)


def ticket_text(title: str, description: str) -> str:
    return f"{title or ''}\n{description or ''}".strip()


# Signals that make a ticket urgent whatever its wording otherwise: each becomes one feature.
SIGNALS = {
    "outage": r"\b(down|outage|offline|unreachable|not (?:loading|responding|working)|stopped working|crash\w*)\b",
    "everyone": r"\b(all (?:users|customers|staff|employees)|everyone|entire|whole (?:team|company|office)|"
    r"company-?wide|nobody can|no one can|many users|multiple (?:users|teams|departments))\b",
    "data_loss": r"\b(data loss|lost (?:all|our|my)? ?data|deleted|corrupt\w*|wiped|missing records)\b",
    "security": r"\b(breach\w*|hack\w*|compromis\w*|unauthori[sz]ed|phishing|malware|ransomware|leak\w*|"
    r"vulnerab\w*|suspicious)\b",
    "money": r"\b(charged twice|double charge\w*|overcharg\w*|refund|fraud\w*|\$\s?\d+|\d+\s?(?:usd|eur|dollars))\b",
    "urgent": r"\b(urgent\w*|asap|immediately|emergency|critical|right now|as soon as possible|top priority)\b",
    "production": r"\b(production|prod|live site|checkout|payroll|deadline|go-?live)\b",
    "blocked": r"\b(cannot|can't|can not|unable to|blocked|blocking|prevent\w*)\b",
    "question": r"(\?|\b(how (?:do|can|to)|is it possible|could you (?:tell|explain)|information (?:on|about)|"
    r"wondering|curious)\b)",
    "polite_low": r"\b(when you have (?:a moment|time)|no rush|not urgent|minor|cosmetic|suggestion|feedback)\b",
}
_SIGNAL_PATTERNS = [re.compile(p, re.IGNORECASE) for p in SIGNALS.values()]


class UrgencySignals(TransformerMixin, BaseEstimator):
    """One binary column per signal group; scaled so a signal weighs like a few strong words."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        rows = [[1.0 if p.search(t) else 0.0 for p in _SIGNAL_PATTERNS] for t in texts]
        return sparse.csr_matrix(np.asarray(rows) * self.weight)


def _features() -> FeatureUnion:
    """Word and character n-grams, then the urgency signals as the last columns (see ``_text_columns``)."""
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", strip_accents="unicode")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=60000)
    return FeatureUnion([("words", words), ("chars", chars), ("signals", UrgencySignals(weight=1.0))])


class LocalModel:
    """One feature extractor shared by the category and priority classifiers, so a prediction transforms the
    text once; the version is derived from what the model was trained on."""

    def __init__(self, features, category_clf, priority_clf, version: str):
        self.features = features
        self.category_clf = category_clf
        self.priority_clf = priority_clf
        self.version = version
        self.sklearn_version = sklearn.__version__

    def predict(self, title: str, description: str) -> tuple[Category, Priority, float]:
        return self.predict_many([ticket_text(title, description)])[0]

    def predict_many(self, texts: Sequence[str]) -> list[tuple[Category, Priority, float]]:
        # Our own features are always finite: skipping sklearn's input checks halves a single prediction's time.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            # FeatureUnion.transform would do the same through joblib, whose overhead is a third of the time.
            matrix = sparse.hstack([part.transform(texts) for _, part in self.features.transformer_list], "csr")
            category_proba = self.category_clf.predict_proba(_text_columns(matrix))
            priorities = self.priority_clf.predict(matrix)
        classes = self.category_clf.classes_
        results = []
        for proba, priority in zip(category_proba, priorities, strict=True):
            best = int(np.argmax(proba))
            results.append((Category(classes[best]), Priority(priority), round(float(proba[best]), 4)))
        return results


def _text_columns(matrix):
    """The word and character columns: the urgency signals (the last columns) inform priority, not category."""
    return matrix[:, : matrix.shape[1] - len(SIGNALS)]


def train(examples: Iterable[Example]) -> LocalModel:
    examples = [e for e in examples if e.text]
    features = _features().fit([e.text for e in examples])
    matrix = features.transform([e.text for e in examples])
    category_clf = LogisticRegression(C=10.0, max_iter=2000).fit(_text_columns(matrix), [e.category for e in examples])
    labelled = [i for i, e in enumerate(examples) if e.priority]
    priority_clf = LogisticRegression(C=1.0, max_iter=2000).fit(
        matrix[labelled], [examples[i].priority for i in labelled]
    )
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.text}\x1f{e.category}\x1f{e.priority}\x1e".encode())
    return LocalModel(features, category_clf, priority_clf, version=f"tfidf-lr-{digest.hexdigest()[:10]}")


def read_examples(path: Path | str) -> list[Example]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Example(
                title=(row.get("title") or "").strip(),
                description=(row.get("description") or "").strip(),
                category=row["category"].strip().lower(),
                priority=(row.get("priority") or "").strip().lower(),
            )
            for row in csv.DictReader(handle)
        ]


def shipped_examples() -> list[Example]:
    return read_examples(TRAINING_CSV)


_lock = threading.Lock()
_model: LocalModel | None = None
_stamp: tuple[int, int] | None = None  # the model file's (mtime, size) when _model was chosen; None: no file


def get_model() -> LocalModel:
    """The process's model: the retrained file if there is a usable one, else trained from the shipped data.

    A file that ``train_classifier`` writes later, from any process, is used from the next prediction on:
    gunicorn's workers fork from a master that loaded the model once, so a restart alone would not do.
    """
    global _model, _stamp
    stamp = _file_stamp()
    if _model is None or stamp != _stamp:
        with _lock:
            if _model is None or stamp != _stamp:
                _model = (_load_saved() if stamp else None) or _shipped_model()
                _stamp = stamp
    return _model


def set_model(model: LocalModel | None) -> None:
    """Replace the process's model (after retraining); None forgets it so the next use reloads."""
    global _model, _stamp
    with _lock:
        _model, _stamp = model, _file_stamp()


@functools.cache
def _shipped_model() -> LocalModel:
    return train(shipped_examples())


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


def _load_saved() -> LocalModel | None:
    path = Path(settings.CLASSIFIER_MODEL_PATH)
    try:
        model = joblib.load(path)  # our own file, written by train_classifier
    except Exception:  # a corrupt or incompatible file must not stop classification
        logger.exception("could not load %s; training from the shipped examples", path)
        return None
    if not isinstance(model, LocalModel) or model.sklearn_version != sklearn.__version__:
        logger.warning("%s was built by another version; training from the shipped examples", path)
        return None
    return model


def predict(title: str, description: str) -> tuple[Category, Priority, float, str]:
    model = get_model()
    category, priority, confidence = model.predict(title, description)
    return category, priority, confidence, model.version
