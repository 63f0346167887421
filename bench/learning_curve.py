"""The learning curve of README "A model that learns the team's labels": the local model after N = 0, 50, 200 and
1,000 tickets confirmed by a team with labelling habits of its own (tickets/classifier/data/team_habits.py), with
this checkout's settings (CLASSIFIER_TEAM_WEIGHT, CLASSIFIER_HELD_BACK). No database; a minute on one core.

    .venv/bin/python bench/learning_curve.py [--sizes 0,50,200,1000] [--weight 3]

"Other register": the dev set's email rows (../shared/data/tickets-dev.csv, 120 rows as the floor test reads them),
which the shipped model already handles; skipped when the file is absent.
"""

import argparse
import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from tickets.classifier import local  # noqa: E402
from tickets.classifier.curve import NEXT, learning_curve  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "tickets-dev.csv"


def email_rows() -> list[local.Example]:
    if not DEV.is_file():
        return []
    with DEV.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source"].startswith("tobi-bueck/")][:120]
    return [local.Example(r["title"], r["description"], r["category"].lower(), r["priority"].lower()) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,50,200,1000")
    parser.add_argument("--weight", type=float, default=settings.CLASSIFIER_TEAM_WEIGHT)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    other = email_rows()
    rows = learning_curve(sizes, team_weight=args.weight, held_back=settings.CLASSIFIER_HELD_BACK, other=other)
    print(f"team weight {args.weight}, held back {settings.CLASSIFIER_HELD_BACK:.0%}; each next: {NEXT} tickets")
    head = "| N confirmed | learned from | next: category | habits | ordinary | priority macro-F1 | new wordings |"
    print(head + (" other register |" if other else ""))
    print("| ---: " * (7 + bool(other)) + "|")
    for r in rows:
        nxt, new = r["next"], r["new_wording"]
        line = (
            f"| {r['n']:,} | {r['learned_from']:,} | {nxt['category']:.1%} | {nxt['habits']:.1%} | "
            f"{nxt['ordinary']:.1%} | {nxt['priority_f1']:.3f} | {new['category']:.1%} |"
        )
        print(line + (f" {r['other']['category']:.1%} |" if other else ""))


if __name__ == "__main__":
    main()
