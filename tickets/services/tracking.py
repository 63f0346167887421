"""The submitter's tracking link: an unguessable token that opens one ticket's public page.

The token is HMAC-SHA256(SECRET_KEY, a per-ticket salt of 128 random bits); the database keeps the salt and the
token's SHA-256, never the token, so a copy of the database opens no ticket, while the server can still put the
link in every email. Anything wrong with a token (malformed, unknown, expired) looks exactly the same: None.
"""

import base64
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tickets.models import DONE_STATUSES, Ticket

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _token(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"tracking:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tracking_issue(ticket: Ticket) -> str:
    """Give an unsaved ticket its tracking salt and hash; returns the token (shown once to the submitter)."""
    ticket.tracking_salt = secrets.token_hex(16)
    token = _token(ticket.tracking_salt)
    ticket.tracking_token_hash = _hash(token)
    return token


def tracking_token(ticket: Ticket) -> str | None:
    """The ticket's token again, for an email; None when the ticket has no tracking link."""
    return _token(ticket.tracking_salt) if ticket.tracking_salt else None


def tracking_find(token: str) -> Ticket | None:
    """The ticket this token opens, or None: malformed, unknown, or closed longer than TRACKING_LINK_DAYS ago."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    ticket = Ticket.objects.filter(tracking_token_hash=_hash(token)).first()
    if ticket is None:
        return None
    expired_before = timezone.now() - timedelta(days=settings.TRACKING_LINK_DAYS)
    if ticket.status in DONE_STATUSES and ticket.resolved_at and ticket.resolved_at < expired_before:
        return None
    return ticket
