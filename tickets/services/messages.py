"""The conversation: staff replies (emailed to the submitter), internal notes, and the submitter's messages."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from tickets.mail.parse import ParsedAttachment
from tickets.models import DONE_STATUSES, MessageKind, Status, Ticket, TicketEvent, TicketMessage
from tickets.rules.files import upload_problems
from tickets.rules.sla import SLA_FIELDS, WAIT_FIELDS
from tickets.services.attachments import attachments_add
from tickets.services.email import email_queue, reply_body
from tickets.services.merge import merge_target
from tickets.services.sla import sla_refresh
from tickets.services.tickets import ticket_customer_answered, ticket_update

STAFF_KINDS = (MessageKind.REPLY, MessageKind.NOTE)


class TooManyWaiting(Exception):
    """The submitter already left ``CUSTOMER_MESSAGES_WAITING_MAX`` messages that no reply has answered yet."""

    def __init__(self, limit: int):
        super().__init__(
            f"You have sent {limit} messages we have not answered yet. We will reply soon; "
            "you can write again after our answer."
        )


def _waiting_customer_messages(ticket: Ticket, limit: int) -> int:
    """How many of the newest public messages are the submitter's, after the last reply (looked at most ``limit``)."""
    newest = ticket.messages.filter(kind__in=(MessageKind.REPLY, MessageKind.CUSTOMER)).order_by("-created_at", "-id")
    kinds = list(newest.values_list("kind", flat=True)[:limit])
    return next((i for i, kind in enumerate(kinds) if kind != MessageKind.CUSTOMER), len(kinds))


@transaction.atomic
def message_add(
    *,
    ticket: Ticket,
    kind: str,
    body: str,
    author: AbstractBaseUser | None = None,
    waiting_cap: bool = True,
    files: Sequence[ParsedAttachment] = (),
) -> TicketMessage:
    """Append one message to a ticket's thread.

    A reply is emailed to the submitter (when there is an address) and sets the first-response time once; a
    note stays on the staff side, never shown or sent to the submitter; a customer message (``author`` None)
    flags the ticket "customer replied" and opens a resolved or closed ticket again, in the history; past
    ``CUSTOMER_MESSAGES_WAITING_MAX`` of them unanswered, the next raises ``TooManyWaiting`` and nothing is stored
    (``waiting_cap=False``: an emailed answer, which is always kept; its sender's mail is limited at the door).
    ``files`` are stored with the message (and sent with a reply); past the upload limits nothing is stored.
    """
    kind = MessageKind(kind) if kind in MessageKind.values else kind
    if kind in STAFF_KINDS and not getattr(author, "is_staff", False):
        raise ValidationError({"kind": ["Only staff write replies and notes."]})
    if kind == MessageKind.CUSTOMER and author is not None:
        raise ValidationError({"kind": ["A customer message has no staff author."]})
    if isinstance(body, str):
        body = body.replace("\r\n", "\n").strip()  # browsers post CRLF; emails and the thread use one newline
    message = TicketMessage(ticket=ticket, kind=kind, body=body, author=author)
    message.full_clean(exclude=["ticket", "author"])
    if problems := upload_problems([(f.name, len(f.data)) for f in files]):
        raise ValidationError({"attachments": problems})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)  # also orders concurrent customer messages
    if locked.merged_into_id is not None:  # a merged duplicate: its conversation goes on in the ticket it joined
        locked = Ticket.objects.select_for_update().get(pk=merge_target(locked).pk)
    limit = settings.CUSTOMER_MESSAGES_WAITING_MAX
    if waiting_cap and kind == MessageKind.CUSTOMER and _waiting_customer_messages(locked, limit) >= limit:
        raise TooManyWaiting(limit)
    message.ticket = locked
    message.save()
    attachments_add(ticket=locked, message=message, files=list(files))

    changes = []
    if kind == MessageKind.REPLY:
        if locked.first_response_at is None:
            locked.first_response_at = message.created_at
            sla_refresh(locked)
            changes += ["first_response_at", *SLA_FIELDS]
        if locked.customer_replied:
            locked.customer_replied = False
            changes.append("customer_replied")
        if locked.submitter_email:
            email_queue(
                ticket=locked, subject=f"Re: {locked.title}", body=reply_body(locked, message.body), message=message
            )
    elif kind == MessageKind.CUSTOMER:
        locked.customer_replied = True
        changes.append("customer_replied")
        if events := ticket_customer_answered(locked):  # a wait on them ends: the SLA clock runs again
            TicketEvent.objects.bulk_create(events)
            changes += [*SLA_FIELDS, *WAIT_FIELDS]
    if changes:
        locked.save(update_fields=[*dict.fromkeys([*changes, "updated_at"])])
    if kind == MessageKind.CUSTOMER and locked.status in DONE_STATUSES:
        ticket_update(ticket=locked, data={"status": Status.OPEN})
    return message
