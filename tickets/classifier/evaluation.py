"""How good the classifier is, the way a support queue feels it: accuracy and macro-F1 overall and per source,
per-label figures, confusion matrices, the two priority errors that hurt (an urgent ticket called low, a low one
called critical), and calibration (does 0.9 confidence mean right nine times in ten?)."""

import math
from collections import Counter, defaultdict

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

URGENT = ("high", "critical")
CALIBRATION_BINS = 10
CALIBRATION_MIN_ROWS = 10  # a decile with fewer rows says little: shown, but not held to the tolerance


def macro_f1(true: list[str], predicted: list[str], choices: list[str]) -> float:
    """Macro-F1 over the labels the data actually uses: "critical" may be absent from a data set."""
    present = [c for c in choices if c in set(true)]
    return round(f1_score(true, predicted, labels=present, average="macro", zero_division=0), 4)


def per_label(true: list[str], predicted: list[str], choices: list[str]) -> dict[str, dict]:
    labels = [c for c in choices if c in set(true) | set(predicted)]
    if not true:
        return {}
    precision, recall, f1, support = precision_recall_fscore_support(true, predicted, labels=labels, zero_division=0)
    return {
        label: {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "n": int(n)}
        for label, p, r, f, n in zip(labels, precision, recall, f1, support, strict=True)
    }


def confusion(true: list[str], predicted: list[str], choices: list[str]) -> dict[str, dict[str, int]]:
    """{true label: {predicted label: count}} over the labels either side uses."""
    counts = Counter(zip(true, predicted, strict=True))
    labels = [c for c in choices if c in set(true) | set(predicted)]
    return {t: {p: counts[(t, p)] for p in labels} for t in labels}


def priority_errors(true: list[str], predicted: list[str]) -> dict[str, float | None]:
    urgent = [p for t, p in zip(true, predicted, strict=True) if t in URGENT]
    low = [p for t, p in zip(true, predicted, strict=True) if t == "low"]
    return {
        "urgent_as_low": round(sum(p == "low" for p in urgent) / len(urgent), 4) if urgent else None,
        "low_as_critical": round(sum(p == "critical" for p in low) / len(low), 4) if low else None,
    }


def critical_counts_as_high(labels: list[str]) -> bool:
    """A data set with no row labelled "critical" has "high" as its most urgent level (tickets-dev.csv's source
    does), so there a "critical" prediction is the same call as "high"."""
    return "critical" not in labels


def on_data_scale(true: list[str], predicted: list[str]) -> list[str]:
    """Priority predictions on the scale of the data set whose labels are ``true``; a data set that uses
    "critical" is scored as predicted."""
    if not critical_counts_as_high(true):
        return predicted
    return ["high" if p == "critical" else p for p in predicted]


def calibration(confidences: list[float], correct: list[bool]) -> list[dict]:
    """Per confidence decile: rows, mean confidence, accuracy, their gap (0 is perfectly calibrated) and the
    accuracy's 95 % interval."""
    bins = defaultdict(list)
    for confidence, right in zip(confidences, correct, strict=True):
        bins[min(int(confidence * CALIBRATION_BINS), CALIBRATION_BINS - 1)].append((confidence, right))
    table = []
    for index in sorted(bins):
        rows = bins[index]
        mean = sum(c for c, _ in rows) / len(rows)
        right = sum(r for _, r in rows)
        accuracy = right / len(rows)
        table.append(
            {
                "bin": f"{index / CALIBRATION_BINS:.1f}-{(index + 1) / CALIBRATION_BINS:.1f}",
                "n": len(rows),
                "confidence": round(mean, 3),
                "accuracy": round(accuracy, 3),
                "gap": round(accuracy - mean, 3),
                "interval": wilson_interval(right, len(rows)),
            }
        )
    return table


def wilson_interval(right: int, n: int, z: float = 1.96) -> list[float]:
    """The 95 % interval of an accuracy measured on ``n`` rows (Wilson score): how far a decile's accuracy can
    be from the truth by chance alone, so a gap is read against it (12 rows: about ±0.2)."""
    share = right / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 3), round(centre + half, 3)]


def max_gap(table: list[dict]) -> float | None:
    held = [abs(row["gap"]) for row in table if row["n"] >= CALIBRATION_MIN_ROWS]
    return max(held) if held else None


def scores(true_cat, pred_cat, true_pri, pred_pri, categories, priorities, *, scale: list[str] | None = None) -> dict:
    """``scale``: the whole data set's priority labels, whose scale the predictions are scored on (see
    ``on_data_scale``); the two priority errors always count the predictions as made."""
    raw_pri, pred_pri = pred_pri, on_data_scale(true_pri if scale is None else scale, pred_pri)
    return {
        "n": len(true_cat),
        "category_accuracy": round(accuracy_score(true_cat, pred_cat), 4) if true_cat else None,
        "category_macro_f1": macro_f1(true_cat, pred_cat, categories) if true_cat else None,
        "priority_n": len(true_pri),
        "priority_accuracy": round(accuracy_score(true_pri, pred_pri), 4) if true_pri else None,
        "priority_macro_f1": macro_f1(true_pri, pred_pri, priorities) if true_pri else None,
        **(priority_errors(true_pri, raw_pri) if true_pri else {"urgent_as_low": None, "low_as_critical": None}),
    }


def model_figures(model, examples) -> dict:
    """How ``model`` (a LocalModel) does on ``examples`` (labelled Examples), as a model version's page shows it:
    category accuracy overall and per category, priority macro-F1 and accuracy, urgent tickets called low, and the
    calibration of its confidence."""
    from tickets.models import Category, Priority

    if not examples:
        return {"n": 0}
    predictions = model.predict_many([e.text for e in examples])
    true_cat, pred_cat = [e.category for e in examples], [p[0].value for p in predictions]
    true_pri, pred_pri = [e.priority for e in examples], [p[1].value for p in predictions]
    figures = scores(true_cat, pred_cat, true_pri, pred_pri, Category.values, Priority.values, scale=Priority.values)
    right = [t == p for t, p in zip(true_cat, pred_cat, strict=True)]
    by_category = {}
    for category in Category.values:
        mine = [r for t, r in zip(true_cat, right, strict=True) if t == category]
        if mine:
            by_category[category] = {"n": len(mine), "accuracy": round(sum(mine) / len(mine), 4)}
    table = calibration([p[2] for p in predictions], right)
    return {
        **figures,
        "category_accuracy_by_label": by_category,
        "calibration": table,
        "calibration_max_gap": max_gap(table),
    }
