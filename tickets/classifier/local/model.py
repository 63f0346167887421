"""The local model itself: TF-IDF features plus urgency signals, a calibrated category classifier and an ordinal
priority scale; how it is trained, and the version that names what it learned."""

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import sklearn
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from tickets.classifier.local.one_text import OneText
from tickets.classifier.local.text import SIGNALS, Example, UrgencySignals, ticket_text
from tickets.models import Category, Priority


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
        """One ticket's labels, as ``predict_many`` gives them, from the fitted numbers directly (``OneText``)."""
        text = ticket_text(title, description)
        scorer = self._one_text()
        if scorer is None:  # a model whose parts OneText does not know (retrained by an older release)
            return self.predict_many([text])[0]
        category_scores, priority_scores = scorer.scores(text)
        proba = calibrated_from_scores(self.category_clf, category_scores)[0]
        return self._labels(proba, self.priority_clf.predict_scores(priority_scores)[0])

    def _one_text(self) -> "OneText | None":
        try:
            return self.__dict__["_scorer"]
        except KeyError:
            scorer = self.__dict__["_scorer"] = OneText.of(self)
            return scorer

    def __getstate__(self):
        # The scorer is rebuilt from the model's own numbers where it is loaded; it is not stored with them.
        return {k: v for k, v in self.__dict__.items() if k != "_scorer"}

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
        return [self._labels(p, priority) for p, priority in zip(category_proba, priorities, strict=True)]

    def _labels(self, category_proba: np.ndarray, priority: str) -> tuple[Category, Priority, float]:
        best = int(np.argmax(category_proba))
        return Category(self.category_clf.classes_[best]), Priority(priority), round(float(category_proba[best]), 4)


def calibrated_proba(model: CalibratedClassifierCV, matrix) -> np.ndarray:
    """``model.predict_proba(matrix)`` for isotonic calibration of a multi-class linear model, computed from its
    fitted parts: each member's decision function, its per-class isotonic map (linear interpolation between
    thresholds, clipped at the ends), rows normalised (uniform when all are zero), the members averaged.
    scikit-learn's own checks its input some 50 times a call, three quarters of a prediction's time.
    ``test_classifier_local`` holds the two equal."""
    members = [m.estimator for m in model.calibrated_classifiers_]
    return calibrated_from_scores(model, [np.asarray(matrix @ e.coef_.T) + e.intercept_ for e in members])


def calibrated_from_scores(model: CalibratedClassifierCV, member_scores: Sequence[np.ndarray]) -> np.ndarray:
    """``calibrated_proba`` from each member's decision function (one row per text, one column per class)."""
    classes = model.classes_
    total = np.zeros((member_scores[0].shape[0], len(classes)))
    for member, scores in zip(model.calibrated_classifiers_, member_scores, strict=True):
        estimator = member.estimator
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

    def fit(self, matrix, labels: Sequence[str], sample_weight=None) -> "OrdinalPriority":
        rank = np.array([Priority.values.index(label) for label in labels])
        self.steps_ = []
        for step in range(1, len(LEVELS)):
            above = rank >= step
            if above.all() or not above.any():  # no example on one side: the step is certain either way
                self.steps_.append((np.zeros(matrix.shape[1]), 50.0 if above.all() else -50.0))
                continue
            model = LogisticRegression(C=self.C, max_iter=2000).fit(matrix, above, sample_weight=sample_weight)
            self.steps_.append((model.coef_.ravel(), float(model.intercept_[0])))
        return self

    def proba(self, matrix) -> np.ndarray:
        """One row per text, one column per level of ``LEVELS``; rows sum to 1."""
        return self.proba_from_scores(
            np.column_stack([np.asarray(matrix @ coef).ravel() + intercept for coef, intercept in self.steps_])
        )

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """``proba`` from each step's linear score (one row per text, one column per step)."""
        at_least = 1 / (1 + np.exp(-scores))
        # Reaching a higher step implies reaching a lower one: each step is at least as likely as the next.
        at_least = np.maximum.accumulate(at_least[:, ::-1], axis=1)[:, ::-1]
        ones, zeros = np.ones((len(at_least), 1)), np.zeros((len(at_least), 1))
        cumulative = np.hstack([ones, at_least, zeros])
        return cumulative[:, :-1] - cumulative[:, 1:]

    def predict(self, matrix) -> np.ndarray:
        return LEVELS[np.argmax(self.proba(matrix), axis=1)]

    def predict_scores(self, scores: np.ndarray) -> np.ndarray:
        return LEVELS[np.argmax(self.proba_from_scores(scores), axis=1)]


def _text_columns(matrix):
    """The word and character columns: the urgency signals (the last columns) inform priority, not category."""
    return matrix[:, : matrix.shape[1] - len(SIGNALS)]


def train(examples: Iterable[Example], *, team: Iterable[Example] = (), team_weight: float = 1.0) -> LocalModel:
    """A model from ``examples`` (the shipped ones) and ``team``, the tickets staff labelled here, each of which
    counts ``team_weight`` times as much: a team's labels are its own, and a few hundred of them must be able to
    outweigh the shipped examples where the two disagree (README, "A model that learns the team's labels")."""
    shipped, team = [e for e in examples if e.text], [e for e in team if e.text]
    examples = shipped + team
    weights = np.array([1.0] * len(shipped) + [float(team_weight)] * len(team))
    features = _features().fit([e.text for e in examples])
    matrix = features.transform([e.text for e in examples])
    # Isotonic calibration (5-fold, training data only): a confidence of 0.9 should be right about nine times in
    # ten, which "AI unsure" (AI_UNSURE_BELOW) relies on; the raw model was right 90 % of the time at 0.55.
    category_clf = CalibratedClassifierCV(LogisticRegression(C=10.0, max_iter=2000), method="isotonic", cv=5)
    category_clf.fit(_text_columns(matrix), [e.category for e in examples], sample_weight=weights)
    labelled = [i for i, e in enumerate(examples) if e.priority]
    priority_clf = OrdinalPriority(C=10.0).fit(
        matrix[labelled], [examples[i].priority for i in labelled], sample_weight=weights[labelled]
    )
    return LocalModel(features, category_clf, priority_clf, version=trained_version(shipped, team, team_weight))


def trained_version(shipped: Iterable[Example], team: Iterable[Example], team_weight: float) -> str:
    """The version ``train`` gives a model of these examples, known before training it."""
    shipped, team = list(shipped), [e for e in team if e.text]
    return model_version(shipped) if not team else model_version([*shipped, *team], team_weight=team_weight)


# Bumped whenever train() changes how a model is made: with the examples, it names the model, so a model file
# built by older code is rebuilt by build_classifier.
TRAINING_RECIPE = "2026-11-28 isotonic, no quoted history or signature, ordinal priority"


def model_version(examples: Iterable[Example], *, team_weight: float | None = None) -> str:
    """A model's name, from how it was made and what it learned: the same both always make the same version."""
    digest = hashlib.sha256(TRAINING_RECIPE.encode())
    if team_weight is not None:
        digest.update(f"team weight {team_weight}".encode())
    for e in examples:
        if e.text:
            digest.update(f"{e.text}\x1f{e.category}\x1f{e.priority}\x1e".encode())
    return f"tfidf-lr-{digest.hexdigest()[:10]}"
