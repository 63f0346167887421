"""Email in: the one service every door (IMAP, the pipe, a provider's webhook) hands its raw bytes to.

Exactly once: a message is keyed by its Message-ID (a hash of its bytes when it has none), and the row with that
key is written first in the transaction that stores everything else, so a second delivery (two polls, a retried
pipe, IMAP and a webhook together) waits for the first and then finds it. The door marks its copy done only
after this returns. A message that is too large or cannot be read is kept aside with its bytes and the reason;
auto-replies, bounces, bulk mail and our own mail are recorded and left unanswered; anything else becomes a new
ticket (classified, SLA clock started, confirmed) or the next customer message of the ticket it answers.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction

from tickets import selectors
from tickets.classifier import classify
from tickets.mail.addresses import own_addresses
from tickets.mail.loops import automatic_reason
from tickets.mail.parse import ParsedMail, Unreadable, parse, raw_key
from tickets.models import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    InboundEmail,
    InboundState,
    MessageKind,
    Ticket,
    TicketEmail,
)
from tickets.services.attachments import attachments_add
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create

logger = logging.getLogger(__name__)

NO_TEXT = "(The email had no text; see its attachments.)"
CUT = "\n\n[Cut at {limit:,} characters: staff can download the whole email.]"


def mail_receive(*, raw: bytes, transport: str) -> InboundEmail:
    """Store one arriving message exactly once; returns its record (the earlier one for a repeated delivery)."""
    try:
        mail = parse(raw)
    except Unreadable as problem:
        return _keep(raw, transport, key=raw_key(raw), state=InboundState.UNREADABLE, reason=str(problem))
    key = mail.key(raw)
    if (earlier := InboundEmail.objects.filter(key=key).first()) is not None:
        return earlier
    if len(raw) > settings.EMAIL_MAX_BYTES:
        reason = f"{len(raw):,} bytes; the limit is {settings.EMAIL_MAX_BYTES:,} (EMAIL_MAX_BYTES)."
        return _keep(raw, transport, key=key, state=InboundState.TOO_LARGE, reason=reason, mail=mail)
    reason = automatic_reason(mail, own_addresses=own_addresses(), own_domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
    if reason:
        return _keep(raw, transport, key=key, state=InboundState.IGNORED, reason=reason, mail=mail)
    ticket, how = selectors.mail_thread(mail)
    # A new request is classified before the transaction opens: a slow LLM never holds the key's row lock.
    classification = None if ticket else classify(_title(mail), _text(mail, whole=True))
    try:
        return _store(raw, transport, key, mail, ticket, how, classification)
    except ValidationError as problem:  # e.g. a From address no email field accepts: kept aside, said why
        reason = "Could not be stored: " + "; ".join(problem.messages)
        return _keep(raw, transport, key=key, state=InboundState.UNREADABLE, reason=reason, mail=mail)
    except DatabaseError:
        raise  # the database itself: the door keeps its copy and tries again later
    except Exception as problem:  # noqa: BLE001  one message must never stop the mailbox: kept aside, logged
        logger.exception("mail %s could not be stored", key)
        reason = f"Could not be stored ({type(problem).__name__}); the server log has the details."
        return _keep(raw, transport, key=key, state=InboundState.UNREADABLE, reason=reason, mail=mail)


def mail_retry(*, inbound: InboundEmail) -> InboundEmail:
    """Read a message kept aside as unreadable again (after a fix): its record is replaced by what it becomes, in
    one transaction, so a failure leaves the kept record as it was. The old copy of the bytes goes after commit."""
    with inbound.raw.open("rb") as kept:
        raw = kept.read()
    old_file, storage = inbound.raw.name, inbound.raw.storage
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk, state=InboundState.UNREADABLE).delete()
        result = mail_receive(raw=raw, transport=inbound.transport)
        transaction.on_commit(lambda: storage.delete(old_file))
    return result


def _store(raw, transport, key, mail: ParsedMail, ticket: Ticket | None, how: str, classification) -> InboundEmail:
    with transaction.atomic():
        inbound, claimed = _claim(raw, transport, key, mail, InboundState.STORED)
        if not claimed:
            return inbound  # another delivery of the same message got here first
        left_out = []
        if ticket is None:
            ticket = ticket_create(
                title=_title(mail),
                description=_text(mail, whole=True),
                submitter_email=mail.sender,
                classification=classification,
                tracking=True,
                addresses=mail.recipients,  # a routing rule may send mail to billing@ to the billing team
            )
            message = None
            inbound.created_ticket = True
            if not TicketEmail.objects.filter(ticket=ticket).exists():
                left_out.append("no confirmation sent: this sender had the day's share")
        else:
            message = message_add(ticket=ticket, kind=MessageKind.CUSTOMER, body=_text(mail), waiting_cap=False)
            ticket = message.ticket  # a merged duplicate's answer lands in the ticket it joined
            left_out.append(how)
        left_out += attachments_add(ticket=ticket, message=message, files=mail.attachments)[1]
        inbound.ticket, inbound.message, inbound.reason = ticket, message, "; ".join(left_out)
        inbound.save(update_fields=["ticket", "message", "reason", "created_ticket"])
    return inbound


def _keep(raw, transport, *, key: str, state: str, reason: str, mail: ParsedMail | None = None) -> InboundEmail:
    with transaction.atomic():
        inbound, claimed = _claim(raw, transport, key, mail, state)
        if claimed:
            inbound.reason = reason[:2000]
            inbound.save(update_fields=["reason"])
    return inbound


def _claim(raw, transport, key: str, mail: ParsedMail | None, state: str) -> tuple[InboundEmail, bool]:
    """(the message's row, whether this call wrote it). Written first in its transaction: a concurrent delivery
    of the same key waits here for that transaction, then finds its row."""
    inbound = InboundEmail(
        key=key[:255],
        transport=transport,
        size=len(raw),
        sender=(mail.sender if mail else "")[:254],
        subject=(mail.subject if mail else "")[:255],
        state=state,
    )
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        inbound.raw.delete(save=False)
        return InboundEmail.objects.get(key=key[:255]), False
    return inbound, True


def _title(mail: ParsedMail) -> str:
    return (mail.subject or "(no subject)")[:TITLE_MAX_LENGTH]


def _text(mail: ParsedMail, *, whole: bool = False) -> str:
    """A new request keeps its whole text (a forwarded message is the point of it); an answer on a thread keeps
    only what the sender wrote this time (quoted history and signature cut: the agent has read them)."""
    text = (mail.full_text if whole else mail.text) or NO_TEXT
    if len(text) > DESCRIPTION_MAX_LENGTH:
        note = CUT.format(limit=DESCRIPTION_MAX_LENGTH)
        text = text[: DESCRIPTION_MAX_LENGTH - len(note)] + note
    return text
