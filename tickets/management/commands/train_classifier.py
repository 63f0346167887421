"""Retrain the local model from tickets whose labels staff confirmed or corrected."""

import random

from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import accuracy_score

from tickets.classifier import local
from tickets.selectors import confirmed_training_rows


class Command(BaseCommand):
    help = (
        "Train the local classifier on the shipped examples plus staff-confirmed tickets, report accuracy on a "
        "held-back part of those tickets, and replace the model only if it is at least as good."
    )

    def add_arguments(self, parser):
        parser.add_argument("--holdout", type=float, default=0.2, help="share of confirmed tickets held back (0-0.5)")
        parser.add_argument("--min-tickets", type=int, default=20, help="refuse to train on fewer confirmed tickets")
        parser.add_argument("--force", action="store_true", help="replace the model even if it scores lower")
        parser.add_argument("--dry-run", action="store_true", help="report only; keep the current model")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, holdout, min_tickets, force, dry_run, seed, **options):
        if not 0 < holdout <= 0.5:
            raise CommandError("--holdout must be between 0 and 0.5")
        confirmed = [local.Example(**row) for row in confirmed_training_rows()]
        if len(confirmed) < min_tickets:
            raise CommandError(
                f"Only {len(confirmed)} staff-confirmed tickets (resolved/closed, or relabelled by staff); "
                f"need at least {min_tickets}."
            )
        random.Random(seed).shuffle(confirmed)  # noqa: S311 (a reproducible split, not a secret)
        cut = max(1, int(len(confirmed) * holdout))
        held_back, train_part = confirmed[:cut], confirmed[cut:]

        current = local.get_model()
        candidate = local.train(local.shipped_examples() + train_part)
        scores = {"current": _score(current, held_back), "candidate": _score(candidate, held_back)}
        for name, (cat, pri) in scores.items():
            self.stdout.write(f"{name:9} model: category accuracy {cat:.1%}, priority accuracy {pri:.1%}")
        self.stdout.write(f"trained on {len(train_part)} confirmed tickets, evaluated on {len(held_back)} held back")

        better = scores["candidate"] >= scores["current"]
        if dry_run:
            self.stdout.write("dry run: model not replaced")
            return
        if not (better or force):
            self.stdout.write(self.style.WARNING("candidate scored lower: model not replaced (use --force)"))
            return
        # The final model learns from every confirmed ticket, held-back ones included.
        final = local.train(local.shipped_examples() + confirmed)
        path = local.save_model(final)
        local.set_model(final)
        self.stdout.write(self.style.SUCCESS(f"model {final.version} written to {path}"))


def _score(model: local.LocalModel, examples: list[local.Example]) -> tuple[float, float]:
    predictions = model.predict_many([e.text for e in examples])
    category = accuracy_score([e.category for e in examples], [p[0].value for p in predictions])
    priority = accuracy_score([e.priority for e in examples], [p[1].value for p in predictions])
    return round(category, 4), round(priority, 4)
