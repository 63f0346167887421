"""Measure the classifier on a labelled CSV (title,description,category,priority[,source]), or on the tickets
staff confirmed (``--confirmed``, one team's with ``--team``): overall, per source and family of sources, per
label, confusion matrices, the priority errors that hurt, and calibration. ``--model`` measures one model
version (a retrained one by name, or "shipped") instead of the classifier as it serves. The last line printed is
one JSON object with every figure."""

import csv
import json
import time
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError

from tickets import selectors
from tickets.classifier import Classification, classify, evaluation, local
from tickets.models import Category, ClassifierVersion, Priority, Team


class Command(BaseCommand):
    help = "Classify every row of a labelled CSV and print how good the labels are; the last line is one JSON object."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="CSV with columns title,description,category,priority (priority may be empty)"
        )
        parser.add_argument("--confirmed", action="store_true", help="the tickets staff confirmed, not a file")
        parser.add_argument("--team", metavar="NAME", help="with --confirmed: only this team's tickets")
        parser.add_argument("--model", metavar="VERSION", help='a model version\'s name, or "shipped" (local model)')
        parser.add_argument("--backend", choices=["local", "llm", "auto"], default="auto")
        parser.add_argument("--predictions", metavar="OUT.csv", help="also write one prediction row per input row")

    def handle(self, *args, file, confirmed, team, model, backend, predictions, **options):
        rows = self._confirmed(team) if confirmed else self._read(file)
        model = self._model(model) if model else None

        results = []
        started = time.perf_counter()
        for row in rows:
            title, description = row.get("title") or "", row.get("description") or ""
            results.append(
                _predict(model, title, description) if model else classify(title, description, backend=backend)
            )
        elapsed = time.perf_counter() - started

        if predictions:
            with open(predictions, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["predicted_category", "predicted_priority", "confidence", "source"])
                writer.writerows([r.category.value, r.priority.value, r.confidence, r.source] for r in results)

        true_cat, pred_cat = _labels(rows, results, range(len(rows)), "category")
        true_pri, pred_pri = _labels(rows, results, range(len(rows)), "priority")
        # Every group is scored on the whole file's priority scale.
        summary = self._scores(rows, results, range(len(rows)), scale=true_pri)
        by_source = {
            group: self._scores(rows, results, indexes, scale=true_pri) for group, indexes in _groups(rows).items()
        }
        summary.update(
            {
                "model": model.version if model else None,
                "mean_latency_ms": round(elapsed * 1000 / len(rows), 3) if rows else None,
                "sources": dict(Counter(r.source for r in results)),
                "by_source": by_source,
                "category_per_label": evaluation.per_label(true_cat, pred_cat, Category.values),
                "priority_per_label": evaluation.per_label(
                    true_pri, evaluation.on_data_scale(true_pri, pred_pri), Priority.values
                ),
                "priority_scale": (
                    "critical counted as high" if evaluation.critical_counts_as_high(true_pri) else "as labelled"
                ),
                "category_confusion": evaluation.confusion(true_cat, pred_cat, Category.values),
                "priority_confusion": evaluation.confusion(true_pri, pred_pri, Priority.values),
            }
        )
        self._print(summary)
        self.stdout.write(json.dumps(summary))

    def _read(self, file: str | None) -> list[dict]:
        if not file:
            raise CommandError("Give a labelled CSV file, or --confirmed for the tickets staff confirmed.")
        try:
            with open(file, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        if not rows or not {"description", "category"} <= set(rows[0]):
            raise CommandError("The CSV needs a header with at least description and category columns.")
        return rows

    def _confirmed(self, name: str | None) -> list[dict]:
        team = None
        if name:
            team = Team.objects.filter(name=name).first()
            if team is None:
                raise CommandError(f"No team is named {name!r}.")
        rows = selectors.confirmed_training_rows(team=team)
        return [{**row, "source": "confirmed"} for row in rows]

    def _model(self, name: str) -> local.LocalModel:
        if name == "shipped":
            return local._base_model()
        pk = ClassifierVersion.objects.filter(version=name).values_list("pk", flat=True).first()
        if pk is None:
            raise CommandError(f"No model version is named {name!r} (the admin's AI model versions list them).")
        model = local.load_version(pk)
        if model is None:
            raise CommandError(f"The stored model of {name} cannot be loaded.")
        return model

    def _scores(self, rows, results, indexes, *, scale: list[str]) -> dict:
        true_cat, pred_cat = _labels(rows, results, indexes, "category")
        true_pri, pred_pri = _labels(rows, results, indexes, "priority")
        figures = evaluation.scores(
            true_cat, pred_cat, true_pri, pred_pri, Category.values, Priority.values, scale=scale
        )
        # Calibration per group too: a source the model finds easy can hide another's overconfidence in the whole.
        confidences = [results[i].confidence for i in _labelled(rows, indexes, "category")]
        table = evaluation.calibration(confidences, [t == p for t, p in zip(true_cat, pred_cat, strict=True)])
        return {**figures, "calibration": table, "calibration_max_gap": evaluation.max_gap(table)}

    def _print(self, s: dict) -> None:
        out = self.stdout.write
        if not s["n"]:
            out("0 rows: nothing to measure")
            return
        out(
            f"{s['n']} rows: category accuracy {s['category_accuracy']:.1%}"
            + (f", priority accuracy {s['priority_accuracy']:.1%}" if s["priority_n"] else "")
        )
        for name, g in s["by_source"].items():
            priority = (
                f"; priority {g['priority_accuracy']:.1%}, macro-F1 {g['priority_macro_f1']:.3f}, urgent called low "
                f"{_pct(g['urgent_as_low'])}, low called critical {_pct(g['low_as_critical'])}"
                if g["priority_n"]
                else ""
            )
            gap = g["calibration_max_gap"]
            calibration = "" if gap is None else f"; calibration gap {gap:.2f}"
            out(f"  {name}: {g['n']} rows, category {g['category_accuracy']:.1%}{priority}{calibration}")
        if s["priority_n"] and s["priority_scale"] != "as labelled":
            out("priority scored on the data's scale: no row is labelled critical, so its most urgent level is")
            out("high and a critical prediction counts as high (the two priority errors count predictions as made)")
        for kind in ("category", "priority"):
            out(f"{kind} per label (precision / recall / F1 / n):")
            for label, m in s[f"{kind}_per_label"].items():
                out(f"  {label:<10} {m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f} / {m['n']}")
            matrix = s[f"{kind}_confusion"]
            if matrix:
                out(f"{kind} confusion (rows: true, columns: predicted):")
                labels = list(matrix)
                out("  " + " " * 10 + "".join(f"{label[:9]:>10}" for label in labels))
                for label in labels:
                    out(f"  {label:<10}" + "".join(f"{matrix[label][p]:>10}" for p in labels))
        out("calibration of the category confidence (decile: rows, mean confidence, accuracy, gap, 95 % interval):")
        for row in s["calibration"]:
            low, high = row["interval"]
            out(
                f"  {row['bin']}: {row['n']:>4}  {row['confidence']:.2f}  {row['accuracy']:.2f}  {row['gap']:+.2f}"
                f"  {low:.2f}-{high:.2f}"
            )


def _predict(model: local.LocalModel, title: str, description: str) -> Classification:
    started = time.perf_counter()
    category, priority, confidence = model.predict(title, description)
    return Classification(category, priority, confidence, "local", model.version, (time.perf_counter() - started) * 1e3)


def _source(row: dict) -> str:
    return (row.get("source") or "").split("|", 1)[0].strip()


def _groups(rows: list[dict]) -> dict[str, list[int]]:
    """Row indexes per source, and per family of sources ("tobi-bueck/*" for the "tobi-bueck/..." sources) where a
    family has more than one."""
    groups = defaultdict(list)
    for i, row in enumerate(rows):
        if source := _source(row):
            groups[source].append(i)
    families = defaultdict(list)
    for source in groups:
        if "/" in source:
            families[source.split("/", 1)[0] + "/*"].append(source)
    for family, members in families.items():
        if len(members) > 1:
            groups[family] = sorted(i for source in members for i in groups[source])
    return dict(sorted(groups.items()))


def _labelled(rows, indexes, field: str) -> list[int]:
    """The rows among ``indexes`` that carry a ``field`` label."""
    return [i for i in indexes if (rows[i].get(field) or "").strip()]


def _labels(rows, results, indexes, field: str) -> tuple[list[str], list[str]]:
    chosen = _labelled(rows, indexes, field)
    true = [rows[i][field].strip().lower() for i in chosen]
    predicted = [getattr(results[i], field).value for i in chosen]
    return true, predicted


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
