"""`migrate`, one process at a time: web replicas starting together take turns (a PostgreSQL advisory lock held in
a transaction of its own, so it also holds through a pooler: tickets.postgres.held_lock)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tickets.postgres import held_lock

LOCK_CLASS = 0x436F6F74  # "Coot"
MIGRATE_KEY = 1


class Command(BaseCommand):
    help = "Apply migrations while holding a database-wide lock, so concurrent starts do not race."

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_true", dest="no_input")

    def handle(self, *args, no_input=False, **options):
        with held_lock(LOCK_CLASS, [MIGRATE_KEY], wait=True, keep=False):
            call_command("migrate", interactive=not no_input)
