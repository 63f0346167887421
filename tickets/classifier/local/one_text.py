"""One text at a time: the local model's features and linear scores read straight from its fitted numbers.

A ticket's creation classifies one text. Through scikit-learn that is a sparse matrix per feature block, their
stacking, and input checks at every step: about a millisecond, most of the local model's cost. The same
arithmetic on one text is a vocabulary lookup per n-gram and one product with the model's weights.
``test_classifier_local`` holds the answers equal to ``LocalModel.predict_many``'s, which keeps scikit-learn's
own path (training, evaluation, batches)."""

from collections import Counter

import numpy as np

from tickets.classifier.local.text import SIGNALS, signals_fired


class OneText:
    """The weights of every linear model the local model holds, side by side (one column per class of each
    calibrated category member, then one per priority step), and the feature blocks' vocabularies."""

    def __init__(self, vectorizers, signal_weight: float, members, steps):
        self._vectorizers = []
        offset = 0
        for v in vectorizers:
            self._vectorizers.append((v.build_analyzer(), v.vocabulary_, v.idf_, offset, v.sublinear_tf))
            offset += len(v.idf_)
        self._signals_at, self._signal_weight = offset, signal_weight
        width = offset + len(SIGNALS)
        columns, bias, self._member_columns = [], [], []
        start = 0
        for estimator in members:  # category: text columns only (the signals inform priority)
            coef = np.zeros((width, len(estimator.intercept_)))
            coef[:offset] = estimator.coef_.T
            columns.append(coef)
            bias.append(estimator.intercept_)
            self._member_columns.append(slice(start, start + coef.shape[1]))
            start += coef.shape[1]
        self._steps = slice(start, start + len(steps))
        for coef, intercept in steps:
            columns.append(np.asarray(coef, dtype=float).reshape(-1, 1))
            bias.append(np.array([intercept], dtype=float))
        self._weights = np.ascontiguousarray(np.hstack(columns))
        self._bias = np.concatenate(bias)

    @classmethod
    def of(cls, model) -> "OneText | None":
        """The scorer of ``model``, or None for parts it does not know (it then goes through scikit-learn)."""
        try:
            words, chars, signals = (part for _, part in model.features.transformer_list)
            vectorizers = (words, chars)
            if any(v.norm != "l2" or not v.use_idf or v.binary for v in vectorizers):
                return None
            members = [m.estimator for m in model.category_clf.calibrated_classifiers_]
            if any(e.coef_.shape[0] != len(e.classes_) for e in members):  # a two-class member: one column
                return None
            return cls(vectorizers, signals.weight, members, model.priority_clf.steps_)
        except (AttributeError, ValueError, TypeError):
            return None

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's non-zero feature columns and values: TF-IDF per block (sublinear term frequency, L2 norm
        within the block), then the urgency signals."""
        columns, values = [], []
        for analyze, vocabulary, idf, offset, sublinear in self._vectorizers:
            counts = Counter(j for term in analyze(text) if (j := vocabulary.get(term)) is not None)
            if not counts:
                continue
            found = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=float, count=len(counts))
            weights = (np.log(tf) + 1 if sublinear else tf) * idf[found]
            columns.append(found + offset)
            values.append(weights / np.sqrt(weights @ weights))
        fired = signals_fired(text)
        if fired and self._signal_weight:
            columns.append(np.array(fired, dtype=np.intp) + self._signals_at)
            values.append(np.full(len(fired), float(self._signal_weight)))
        if not columns:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        return np.concatenate(columns), np.concatenate(values)

    def scores(self, text: str) -> tuple[list[np.ndarray], np.ndarray]:
        """Each category member's decision function and the priority steps' scores, each one row."""
        columns, values = self.features(text)
        scores = (values @ self._weights[columns] + self._bias)[np.newaxis, :]
        return [scores[:, s] for s in self._member_columns], scores[:, self._steps]
