"""The address a ticket's emails ask to be answered at: ``support+t<id>-<signature>@example.com``. The signature is
an HMAC of the ticket's id with SECRET_KEY, so the address threads only for the ticket it was made for: nobody can
write into another ticket by guessing numbers."""

import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings

SIGNATURE_LENGTH = 16
TAG = re.compile(r"^t(?P<id>[0-9]{1,18})-(?P<signature>[a-z0-9]{16})$")


def _signature(ticket_id: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"reply:{ticket_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def reply_address(ticket_id: int) -> str:
    """The ticket's reply address; "" when no EMAIL_REPLY_ADDRESS is set (replies then thread by header only)."""
    base = settings.EMAIL_REPLY_ADDRESS
    if "@" not in base:
        return ""
    local, domain = base.rsplit("@", 1)
    return f"{local}+t{ticket_id}-{_signature(ticket_id)}@{domain}"


def ticket_from_address(address: str) -> int | None:
    """The ticket id a reply address names, when its signature is right; None for anything else."""
    base = settings.EMAIL_REPLY_ADDRESS.lower()
    if "@" not in base or "@" not in address:
        return None
    local, domain = address.lower().rsplit("@", 1)
    base_local, base_domain = base.rsplit("@", 1)
    prefix = base_local + "+"
    if domain != base_domain or not local.startswith(prefix):
        return None
    match = TAG.match(local[len(prefix) :])
    if not match or not hmac.compare_digest(match["signature"], _signature(int(match["id"]))):
        return None
    return int(match["id"])


def mailbox(address: str) -> str:
    """The mailbox an address reaches, whatever its spelling: lower-case, "+tag" dropped (ann+1@ is ann@)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def mailbox_key(address: str) -> str:
    """One key per mailbox, not per spelling: case and a "+tag" (victim+1@, victim+2@) land in the same inbox (the
    per-address limits on confirmations and sign-in links count by it)."""
    return hashlib.sha256(mailbox(address).encode()).hexdigest()[:40]


def own_addresses() -> set[str]:
    """The addresses we send from and ask answers at: mail from them is our own coming back."""
    found = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(), settings.EMAIL_REPLY_ADDRESS.lower()}
    return {a for a in found if "@" in a}
