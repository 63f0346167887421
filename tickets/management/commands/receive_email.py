"""One raw RFC 5322 message on standard input, from the mail server (Postfix `pipe`, Exim, procmail,
`fetchmail --mda`). Exit status 0 when the message is stored or deliberately ignored (or kept aside), 75
(EX_TEMPFAIL) when the database cannot be reached, so the mail server keeps the message and tries again."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from tickets import services
from tickets.models import Transport

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one email read from standard input (a mail server's pipe)."

    def handle(self, *args, **options):
        # A message past the limit is kept aside as too large: reading one byte more is enough to know.
        raw = sys.stdin.buffer.read(settings.EMAIL_MAX_BYTES + 1)
        try:
            inbound = services.mail_receive(raw=raw, transport=Transport.PIPE)
        except DatabaseError as problem:
            self.stderr.write(f"The database is unreachable ({type(problem).__name__}): try again later.")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{inbound.get_state_display()}: {inbound.reason or inbound.subject}")
