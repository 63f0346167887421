"""Owners and first replies for seeded tickets, so benchmarks measure "Mine" and assignee filters on real shapes."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tickets import services
from tickets.management.commands._indexes import REBUILD_INDEXES_ABOVE, rebuild_indexes, set_indexes_aside
from tickets.models import Ticket
from tickets.roles import AGENT, ensure_roles


class Command(BaseCommand):
    help = "Assign two thirds of the tickets round-robin to AGENTS (created as support agents if missing) and reply."

    def add_arguments(self, parser):
        parser.add_argument("agents", nargs="+", help="usernames; existing users are used as they are")

    def handle(self, *args, agents, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_work writes in bulk with SQL and needs PostgreSQL (set DATABASE_URL).")
        if Ticket.objects.filter(assignee__isnull=False).exists():
            self.stdout.write("Tickets already have owners; nothing to do.")
            return
        User = get_user_model()
        ensure_roles(apps)
        group = Group.objects.get(name=AGENT)
        ids = []
        for name in agents:
            user, created = User.objects.get_or_create(username=name, defaults={"is_staff": True})
            if created:
                user.set_unusable_password()
                user.save()
                user.groups.add(group)
            ids.append(user.pk)
        # Owners for two thirds of the table: past REBUILD_INDEXES_ABOVE tickets, every index would take millions of
        # new entries one by one (an hour at 10 million tickets); set aside and built again, minutes.
        big = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        dropped = set_indexes_aside(["tickets_ticket"]) if big > REBUILD_INDEXES_ABOVE else []
        done = services.ticket_bulk_seed_work(agent_ids=ids)
        if dropped:
            self.stderr.write(f"rebuilding {len(dropped)} indexes...")
            rebuild_indexes(dropped)
        self.stdout.write(self.style.SUCCESS(f"{done['assigned']} tickets assigned, {done['replied']} replied to."))
