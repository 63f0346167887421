"""`migrate`, one process at a time: web replicas starting together take turns (PostgreSQL advisory lock)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

LOCK_KEY = 0x436F6F74  # "Coot"


class Command(BaseCommand):
    help = "Apply migrations while holding a database-wide lock, so concurrent starts do not race."

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_true", dest="no_input")

    def handle(self, *args, no_input=False, **options):
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=not no_input)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                call_command("migrate", interactive=not no_input)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
