"""Queue the local model's retraining for the worker when it is due (CLASSIFIER_RETRAIN_AFTER_LABELS new staff
labels, or CLASSIFIER_RETRAIN_EVERY_H since the last one): once, or every CLASSIFIER_RETRAIN_CHECK_S seconds
(``--loop``: what bin/start-worker runs beside the task worker). The task checks again under its lock, so two
schedulers on two hosts queue at most a retraining that does nothing."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tickets import selectors
from tickets.tasks import retrain_classifier

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue the local classifier's retraining when enough new staff labels arrived or the schedule says so."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="check every CLASSIFIER_RETRAIN_CHECK_S seconds")
        parser.add_argument("--rounds", type=int, default=None, help="with --loop: stop after this many checks")

    def handle(self, *args, loop=False, rounds=None, **options):
        done = 0
        while True:
            try:
                self._check()
            except Exception:  # noqa: BLE001  the database is away: the next check tries again
                logger.exception("could not check whether the classifier's retraining is due")
            done += 1
            if not loop or (rounds is not None and done >= rounds):
                return
            time.sleep(settings.CLASSIFIER_RETRAIN_CHECK_S)
            close_old_connections()  # a long-lived loop: a connection the database dropped is opened afresh

    def _check(self) -> None:
        due = selectors.retraining_due()
        if due.due:
            retrain_classifier.enqueue(trigger=due.trigger)
            self.stdout.write(f"Retraining queued ({due.reason}).")
        else:
            self.stdout.write(f"No retraining due ({due.reason}).")
