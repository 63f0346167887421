"""The labelled examples the shipped model learns from (data/training.csv), read as ``Example`` rows."""

import csv
from pathlib import Path

from tickets.classifier.local.text import Example

TRAINING_CSV = Path(__file__).parents[1] / "data" / "training.csv"


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
