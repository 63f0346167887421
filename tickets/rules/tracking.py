"""The submitter's tracking link: an unguessable token that opens one ticket's public page.

The token is HMAC-SHA256(SECRET_KEY, a per-ticket salt of 128 random bits); the database keeps the salt and the
token's SHA-256, never the token, so a copy of the database opens no ticket, while the server can still put the
link in every email. A new salt makes a new link and ends the old one at once.
"""

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_for(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"tracking:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tracking_issue(ticket) -> str:
    """Give a ticket a new tracking salt and hash (nothing saved); returns the token, to show or send once."""
    ticket.tracking_salt = secrets.token_hex(16)
    token = token_for(ticket.tracking_salt)
    ticket.tracking_token_hash = token_hash(token)
    return token


def tracking_token(ticket) -> str | None:
    """The ticket's token again, for an email; None when the ticket has no tracking link."""
    return token_for(ticket.tracking_salt) if ticket.tracking_salt else None


def tracking_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/t/{token}"
