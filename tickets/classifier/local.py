"""The local model: TF-IDF features plus urgency signals, two linear classifiers. Loaded once per process
(in gunicorn, once in the master before the workers fork), never trained in one.

``manage.py build_classifier`` trains it from ``data/training.csv`` (shipped with the code) into
``settings.CLASSIFIER_BASE_MODEL_PATH``: `make install`, the Docker build and CI run it. ``manage.py
train_classifier`` may write a retrained one to ``settings.CLASSIFIER_MODEL_PATH``, used when present. A process
without a usable model file stops at start-up with the command that builds it (``load_at_start``).
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
from django.core.exceptions import ImproperlyConfigured
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
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
    return f"{title or ''}\n{message_only(description or '')}".strip()


# What an email carries besides its message: the history it quotes and the signature. A reply quoting a billing
# thread is about its new message, so both are dropped before the features. (Dropping greetings and
# pleasantries too was measured and cost 3 points on the dev set's email rows: they mark the email register.)
_HISTORY = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Forwarded message)|On .{1,200}wrote:|From: .+|Sent from my \w+)", re.I | re.M
)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.M)
_SIGN_OFF = re.compile(
    r"^\s*(?:--|(?:best|kind|warm)(?: regards)?|regards|thanks(?: again)?|thank you|sincerely|cheers)\s*[,!.]?\s*$",
    re.I | re.M,
)


def message_only(text: str) -> str:
    """An email's own message: quoted history (``>`` lines, "On ... wrote:" and what follows) and the signature
    (from a sign-off line on) removed; a text that is nothing else is kept as written."""
    original = text
    if history := _HISTORY.search(text):
        text = text[: history.start()]
    text = _QUOTED_LINE.sub("", text)
    if sign_off := _SIGN_OFF.search(text):
        text = text[: sign_off.start()]
    return text.strip() or original.strip()


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

    def transform(self, texts: Sequence[str]):
        """The feature matrix of ``texts``: word and character columns, then the urgency signals.
        FeatureUnion.transform would do the same through joblib, whose overhead is a third of a prediction."""
        return sparse.hstack([part.transform(texts) for _, part in self.features.transformer_list], "csr")

    def predict_many(self, texts: Sequence[str]) -> list[tuple[Category, Priority, float]]:
        # Our own features are always finite: skipping sklearn's input checks halves a single prediction's time.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            matrix = self.transform(texts)
            category_proba = calibrated_proba(self.category_clf, _text_columns(matrix))
            priorities = self.priority_clf.predict(matrix)
        classes = self.category_clf.classes_
        results = []
        for proba, priority in zip(category_proba, priorities, strict=True):
            best = int(np.argmax(proba))
            results.append((Category(classes[best]), Priority(priority), round(float(proba[best]), 4)))
        return results


def calibrated_proba(model: CalibratedClassifierCV, matrix) -> np.ndarray:
    """``model.predict_proba(matrix)`` for isotonic calibration of a multi-class linear model, computed from its
    fitted parts: each member's decision function, its per-class isotonic map (linear interpolation between
    thresholds, clipped at the ends), rows normalised (uniform when all are zero), the members averaged.
    scikit-learn's own checks its input some 50 times a call, three quarters of a prediction's time.
    ``test_classifier_local`` holds the two equal."""
    classes = model.classes_
    total = np.zeros((matrix.shape[0], len(classes)))
    for member in model.calibrated_classifiers_:
        estimator = member.estimator
        scores = np.asarray(matrix @ estimator.coef_.T) + estimator.intercept_
        proba = np.zeros_like(total)
        for column, k, calibrator in zip(
            range(scores.shape[1]), np.searchsorted(classes, estimator.classes_), member.calibrators, strict=True
        ):
            proba[:, k] = np.interp(scores[:, column], calibrator.X_thresholds_, calibrator.y_thresholds_)
        denominator = proba.sum(axis=1, keepdims=True)
        total += np.divide(proba, denominator, out=np.full_like(proba, 1 / len(classes)), where=denominator != 0)
    return total / len(model.calibrated_classifiers_)


LEVELS = np.array(Priority.values)  # low, medium, high, critical: an ordered scale


class OrdinalPriority:
    """Priority as the ordered scale it is: one logistic model per step up it ("at least medium", "at least high",
    "critical"), the level's probability the difference of two steps', and the likeliest level chosen.

    Chosen over one multinomial model by grouped 5-fold cross-validation on the training rows (mean distance to
    the true level 0.40 against 0.43 steps, macro-F1 0.61 against 0.60, each at its best C of 0.3-30): a
    multinomial model takes "low" for "critical" as no worse a mistake than "high" for "critical". On the dev set
    it called 5 of 86 urgent tickets low; this calls none (README, "The classifier")."""

    def __init__(self, C: float = 10.0):
        self.C = C

    def fit(self, matrix, labels: Sequence[str]) -> "OrdinalPriority":
        rank = np.array([Priority.values.index(label) for label in labels])
        self.steps_ = []
        for step in range(1, len(LEVELS)):
            above = rank >= step
            if above.all() or not above.any():  # no example on one side: the step is certain either way
                self.steps_.append((np.zeros(matrix.shape[1]), 50.0 if above.all() else -50.0))
                continue
            model = LogisticRegression(C=self.C, max_iter=2000).fit(matrix, above)
            self.steps_.append((model.coef_.ravel(), float(model.intercept_[0])))
        return self

    def proba(self, matrix) -> np.ndarray:
        """One row per text, one column per level of ``LEVELS``; rows sum to 1."""
        scores = np.column_stack([np.asarray(matrix @ coef).ravel() + intercept for coef, intercept in self.steps_])
        at_least = 1 / (1 + np.exp(-scores))
        # Reaching a higher step implies reaching a lower one: each step is at least as likely as the next.
        at_least = np.maximum.accumulate(at_least[:, ::-1], axis=1)[:, ::-1]
        ones, zeros = np.ones((len(at_least), 1)), np.zeros((len(at_least), 1))
        cumulative = np.hstack([ones, at_least, zeros])
        return cumulative[:, :-1] - cumulative[:, 1:]

    def predict(self, matrix) -> np.ndarray:
        return LEVELS[np.argmax(self.proba(matrix), axis=1)]


def _text_columns(matrix):
    """The word and character columns: the urgency signals (the last columns) inform priority, not category."""
    return matrix[:, : matrix.shape[1] - len(SIGNALS)]


def train(examples: Iterable[Example]) -> LocalModel:
    examples = [e for e in examples if e.text]
    features = _features().fit([e.text for e in examples])
    matrix = features.transform([e.text for e in examples])
    # Isotonic calibration (5-fold, training data only): a confidence of 0.9 should be right about nine times in
    # ten, which "AI unsure" (AI_UNSURE_BELOW) relies on; the raw model was right 90 % of the time at 0.55.
    category_clf = CalibratedClassifierCV(LogisticRegression(C=10.0, max_iter=2000), method="isotonic", cv=5)
    category_clf.fit(_text_columns(matrix), [e.category for e in examples])
    labelled = [i for i, e in enumerate(examples) if e.priority]
    priority_clf = OrdinalPriority(C=10.0).fit(matrix[labelled], [examples[i].priority for i in labelled])
    return LocalModel(features, category_clf, priority_clf, version=model_version(examples))


# Bumped whenever train() changes how a model is made: with the examples, it names the model, so a model file
# built by older code is rebuilt by build_classifier.
TRAINING_RECIPE = "2026-11-28 isotonic, no quoted history or signature, ordinal priority"


def model_version(examples: Iterable[Example]) -> str:
    """A model's name, from how it was made and what it learned: the same both always make the same version."""
    digest = hashlib.sha256(TRAINING_RECIPE.encode())
    for e in examples:
        if e.text:
            digest.update(f"{e.text}\x1f{e.category}\x1f{e.priority}\x1e".encode())
    return f"tfidf-lr-{digest.hexdigest()[:10]}"


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
