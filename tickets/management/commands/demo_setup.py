"""`make run`'s first-run setup: a demo staff login (printed once), a few hundred demo tickets over 90 days and
starter canned responses, so the first look at /admin/ shows what managers and agents will see."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from tickets import services
from tickets.models import Ticket
from tickets.seed import generate

DEMO_USERNAME = "demo"
DEMO_HISTORY = 300  # tickets over the last DEMO_DAYS days, with statuses, resolutions and AI agreement
DEMO_DAYS = 90

DEMO_TICKETS = [
    ("Charged twice this month", "My card was charged twice for the March invoice. Please refund one charge."),
    ("Website down for all users", "Our shop returns 502 errors for every customer since 8am. Nobody can order."),
    ("Reset my password", "The password reset email never arrives. I cannot log in to my account."),
    ("Opening hours", "What are your support opening hours during the holidays?"),
    ("Export to CSV is empty", "Exporting the monthly report to CSV gives an empty file; PDF works."),
    ("Invoice needs our VAT number", "Could you add our VAT number to future invoices?"),
    ("Remove a former employee", "A colleague left today; please remove her admin access immediately."),
    ("Dark mode, please", "Not urgent at all: a dark mode would be lovely for late shifts."),
]


class Command(BaseCommand):
    help = "Create the demo staff login and demo tickets if they do not exist yet."

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(DEMO_USERNAME, "demo@example.com", password)
            self.stdout.write(self.style.SUCCESS(f"Demo staff login: {DEMO_USERNAME} / {password}  (shown only once)"))
        else:
            self.stdout.write(
                f"Demo staff login: {DEMO_USERNAME} (password shown at first run; "
                f"`python manage.py changepassword {DEMO_USERNAME}` sets a new one)"
            )
        if not Ticket.objects.exists():
            now = timezone.now()
            loaded = services.ticket_bulk_load(
                tickets=generate(start=0, count=DEMO_HISTORY, days=DEMO_DAYS, now=now), classified_by="local:demo"
            )
            # Today's arrivals go through the classifier like any new ticket.
            for title, description in DEMO_TICKETS:
                services.ticket_create(title=title, description=description)
            self.stdout.write(f"Created {loaded + len(DEMO_TICKETS)} demo tickets over the last {DEMO_DAYS} days.")
        if added := services.canned_add_starters():
            self.stdout.write(f"Added {added} starter canned responses.")
        services.saved_view_defaults()  # Mine, Unassigned, Breached in the sidebar
        self.stdout.write("Pages: / (submit a ticket), /admin/ (staff), /api/docs/ (API).")
