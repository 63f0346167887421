"""Retrain the local model from staff-confirmed tickets now, in this process (the worker does it on its own when
due: ``schedule_retraining``): the same training, judging and promotion, recorded as a model version."""

import json

from django.core.management.base import BaseCommand, CommandError

from tickets import services
from tickets.models import RetrainTrigger


class Command(BaseCommand):
    help = (
        "Retrain the local classifier on the shipped examples plus staff-confirmed tickets, judge it against the "
        "model in use on the newest confirmed tickets, and promote it only if it is not worse on either field."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="train and judge; record and promote nothing")

    def handle(self, *args, dry_run=False, **options):
        result = services.classifier_retrain(trigger=RetrainTrigger.MANUAL, dry_run=dry_run)
        if result.version is None and not dry_run:
            raise CommandError(f"No model version recorded: {result.message}")
        self.stdout.write(result.message)
        version = result.version
        if version is not None:
            for name in ("candidate", "in_use"):
                f = version.figures[name]
                self.stdout.write(
                    f"{name:9} category accuracy {f['category_accuracy']:.1%}, priority macro-F1 "
                    f"{f['priority_macro_f1']:.3f} on {f['n']} held-back tickets"
                )
            self.stdout.write(f"trained on {version.trained_on} confirmed tickets; state: {version.state}")
            self.stdout.write(json.dumps({"version": version.version, "state": version.state, **version.figures}))
