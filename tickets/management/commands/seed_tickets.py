"""Fill the database with realistic tickets, fast (COPY), for benchmarks and demos."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from tickets import services
from tickets.management.commands._indexes import REBUILD_INDEXES_ABOVE, rebuild_indexes, set_indexes_aside
from tickets.models import Ticket
from tickets.seed import generate

SEED_MARK = "local:seed"
TABLES = ("tickets_ticket", "tickets_ticketevent")


class Command(BaseCommand):
    help = "Make the database hold COUNT seeded tickets (idempotent: only the missing ones are added)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--days", type=int, default=730, help="spread creation dates over this many days")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, count, days, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_tickets loads with COPY and needs PostgreSQL (set DATABASE_URL).")
        if count < 0 or days < 1:
            raise CommandError("--count must be >= 0 and --days >= 1")
        have = Ticket.objects.filter(classified_by=SEED_MARK).count()
        missing = count - have
        if missing <= 0:
            self.stdout.write(f"{have} seeded tickets already present; nothing to do.")
            return
        started = time.monotonic()
        dropped = set_indexes_aside(TABLES) if missing > REBUILD_INDEXES_ABOVE else []
        progress = _Progress(missing, self.stderr)
        loaded = services.ticket_bulk_load(
            tickets=generate(start=have, count=missing, days=days, now=timezone.now(), seed=seed),
            classified_by=SEED_MARK,
            progress=progress.step,
        )
        progress.done()
        if dropped:
            self.stderr.write(f"rebuilding {len(dropped)} indexes...")
            rebuild_indexes(dropped)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {loaded} tickets ({have + loaded} seeded) in {time.monotonic() - started:.0f} s."
            )
        )


class _Progress:
    """A plain progress bar on stderr: count, percentage and rate."""

    def __init__(self, total: int, out):
        self.total, self.out, self.n = total, out, 0
        self.started = self.last = time.monotonic()
        self.tty = getattr(sys.stderr, "isatty", lambda: False)()

    def step(self, k: int) -> None:
        self.n += k
        now = time.monotonic()
        if now - self.last >= (0.5 if self.tty else 10) or self.n == self.total:
            self.last = now
            rate = self.n / max(now - self.started, 1e-6)
            bar = "#" * int(30 * self.n / self.total)
            self.out.write(
                f"\r[{bar:<30}] {self.n}/{self.total} {100 * self.n / self.total:5.1f}% {rate:,.0f}/s", ending=""
            )
            self.out.flush()

    def done(self) -> None:
        self.out.write("")
