"""Measure the classifier on a labelled CSV (title,description,category,priority)."""

import csv
import json
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import accuracy_score, f1_score

from tickets.classifier import classify
from tickets.models import Category, Priority


class Command(BaseCommand):
    help = "Classify every row of a labelled CSV and print accuracy and macro-F1; the last line is one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with columns title,description,category,priority (priority may be empty)")
        parser.add_argument("--backend", choices=["local", "llm", "auto"], default="auto")
        parser.add_argument("--predictions", metavar="OUT.csv", help="also write one prediction row per input row")

    def handle(self, *args, file, backend, predictions, **options):
        try:
            with open(file, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        if not rows or not {"description", "category"} <= set(rows[0]):
            raise CommandError("The CSV needs a header with at least description and category columns.")

        results = []
        started = time.perf_counter()
        for row in rows:
            results.append(classify(row.get("title") or "", row.get("description") or "", backend=backend))
        elapsed = time.perf_counter() - started

        if predictions:
            with open(predictions, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["predicted_category", "predicted_priority", "confidence", "source"])
                writer.writerows([r.category.value, r.priority.value, r.confidence, r.source] for r in results)

        true_cat = [(r.get("category") or "").strip().lower() for r in rows]
        pred_cat = [r.category.value for r in results]
        labelled = [i for i, r in enumerate(rows) if (r.get("priority") or "").strip()]
        true_pri = [rows[i]["priority"].strip().lower() for i in labelled]
        pred_pri = [results[i].priority.value for i in labelled]

        summary = {
            "n": len(rows),
            "category_accuracy": round(accuracy_score(true_cat, pred_cat), 4),
            "category_macro_f1": _macro_f1(true_cat, pred_cat, Category.values),
            "priority_accuracy": round(accuracy_score(true_pri, pred_pri), 4) if labelled else None,
            "priority_macro_f1": _macro_f1(true_pri, pred_pri, Priority.values) if labelled else None,
            "mean_latency_ms": round(elapsed * 1000 / len(rows), 3),
            "sources": dict(Counter(r.source for r in results)),
        }
        self.stdout.write(
            f"{summary['n']} rows: category accuracy {summary['category_accuracy']:.1%}"
            + (f", priority accuracy {summary['priority_accuracy']:.1%}" if labelled else "")
        )
        self.stdout.write(json.dumps(summary))


def _macro_f1(true: list[str], predicted: list[str], choices: list[str]) -> float:
    # Macro-F1 over the labels the file actually uses: "critical" may be absent from a data set.
    present = [c for c in choices if c in set(true)]
    return round(f1_score(true, predicted, labels=present, average="macro", zero_division=0), 4)
