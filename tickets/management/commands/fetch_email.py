"""Fetch the IMAP mailbox at EMAIL_INBOX_URL once (for cron), or keep polling it every EMAIL_INBOX_POLL_S
seconds (``--loop``: what bin/start-worker runs beside the task worker when a mailbox is set)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tickets import inbox


class Command(BaseCommand):
    help = "Fetch new email from the IMAP mailbox (EMAIL_INBOX_URL) and store it."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep polling every EMAIL_INBOX_POLL_S seconds")
        parser.add_argument("--rounds", type=int, default=None, help="with --loop: stop after this many polls")

    def handle(self, *args, loop=False, rounds=None, **options):
        if not settings.EMAIL_INBOX_URL:
            raise CommandError("EMAIL_INBOX_URL is not set: there is no mailbox to fetch.")
        if loop:
            inbox.poll_forever(every_s=settings.EMAIL_INBOX_POLL_S, rounds=rounds)
            return
        result = inbox.poll()
        if result.skipped:
            self.stdout.write("Another poller is fetching this mailbox now: nothing done.")
        else:
            self.stdout.write(f"{result.fetched} message(s) fetched, {result.stored} stored as tickets or messages.")
