"""Email to a ticket's submitter: queued in the outbox (``TicketEmail``) inside the transaction that causes it,
sent by the background worker after commit, retried with back-off, its state kept on the row."""

import logging
import time
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from tickets.mail.addresses import mailbox_key, reply_address
from tickets.models import Rating, Ticket, TicketEmail, TicketMessage
from tickets.rules.satisfaction import rating_token, rating_url
from tickets.rules.tracking import tracking_token, tracking_url
from tickets.services.throttle import rate_counter_allows
from tickets.validators import one_line

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5
EMAIL_RETRY_FIRST_S = 30  # then doubled each time: 30 s, 1 min, 2 min, 4 min


def _link_lines(ticket: Ticket) -> str:
    token = tracking_token(ticket)
    online = f"Or read the whole conversation and answer here:\n{tracking_url(token)}\n" if token else ""
    return f"To answer, reply to this email.\n{online}\n"


def email_queue(*, ticket: Ticket, subject: str, body: str, message: TicketMessage | None = None) -> TicketEmail:
    """Put one email to the ticket's submitter in the outbox; the worker sends it once the transaction commits."""
    email = TicketEmail.objects.create(
        ticket=ticket,
        message=message,
        to=ticket.submitter_email,
        subject=one_line(f"[Ticket #{ticket.pk}] {subject}")[:255],  # a header: one line, or the send fails
        body=body,
        header_id=make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN),
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int, *, delay_s: float = 0) -> None:
    from tickets.tasks import send_ticket_email

    if delay_s and send_ticket_email.get_backend().supports_defer:
        send_ticket_email.using(run_after=timezone.now() + timedelta(seconds=delay_s)).enqueue(email_id)
    elif not delay_s:
        send_ticket_email.enqueue(email_id)
    # A backend that cannot defer (tests) leaves a failed attempt queued for email_retry.


def email_confirmation(*, ticket: Ticket, token: str) -> TicketEmail | None:
    """The confirmation of a submission, with its tracking link; None when the address had its share today.

    Anyone can type anyone's address into the public form, so the confirmation quotes nothing the submitter wrote
    (a title such as "WIN 1000 EUR at http://..." would go out from our domain), and one address gets at most
    ``CONFIRMATIONS_PER_ADDRESS_PER_DAY`` of them: the tickets past that are stored, just not confirmed.
    """
    if not rate_counter_allows(
        key=f"confirm:{mailbox_key(ticket.submitter_email)}",
        limit=settings.CONFIRMATIONS_PER_ADDRESS_PER_DAY,
        period=24 * 3600,
        now=time.time(),
    ):
        logger.info("ticket %s: confirmation not sent, the address had its daily share", ticket.pk)
        return None
    return email_queue(ticket=ticket, subject="We received your request", body=confirmation_body(ticket, token))


def email_resolved(tickets) -> None:
    """Resolving a ticket tells its submitter, by email, like a reply."""
    for ticket in tickets:
        if ticket.submitter_email:
            email_queue(ticket=ticket, subject=f"Resolved: {ticket.title}", body=resolved_body(ticket))


def email_retry(*, email: TicketEmail) -> None:
    """Send a queued or failed email again now (an admin action, or after the mail server came back)."""
    TicketEmail.objects.filter(pk=email.pk).exclude(status=TicketEmail.Status.SENT).update(
        status=TicketEmail.Status.QUEUED
    )
    _enqueue(email.pk)


def email_send(*, email_id: int) -> TicketEmail:
    """Send one outbox email through Django's email backend (EMAIL_URL); record sent, or the error and a retry."""
    email = TicketEmail.objects.select_related("ticket").get(pk=email_id)
    if email.status == TicketEmail.Status.SENT:
        return email  # a retried job after a successful send: nothing to do
    earlier = list(
        TicketEmail.objects.filter(
            ticket=email.ticket_id, status=TicketEmail.Status.SENT, created_at__lt=email.created_at
        )
        .order_by("created_at", "id")
        .values_list("header_id", flat=True)
    )
    headers = {"Message-ID": email.header_id}
    if earlier:
        # Mail clients put every email about one ticket in one thread.
        headers |= {"In-Reply-To": earlier[-1], "References": " ".join(earlier)}
    if email.message_id is None:
        # A confirmation, a resolution notice, a new link: no person wrote it, so no auto-responder answers it.
        headers["Auto-Submitted"] = "auto-generated"
    reply_to = reply_address(email.ticket_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers=headers,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=[reply_to] if reply_to else None,
    )
    email.attempts += 1
    if email.message_id is not None:
        for attachment in email.message.attachments.all():  # a reply's files go as real attachments
            with attachment.file.open("rb") as data:
                message.attach(attachment.name, data.read(), attachment.content_type)
    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            connection.send_messages([message])
    except Exception as exc:  # noqa: BLE001  any SMTP, network or DNS failure: keep the email and try later
        email.error = f"{type(exc).__name__}: {exc}"[:2000]
        final = email.attempts >= EMAIL_MAX_ATTEMPTS
        email.status = TicketEmail.Status.FAILED if final else TicketEmail.Status.QUEUED
        email.save(update_fields=["attempts", "error", "status"])
        if not final:
            _enqueue(email.pk, delay_s=EMAIL_RETRY_FIRST_S * 2 ** (email.attempts - 1))
        return email
    email.status, email.sent_at, email.error = TicketEmail.Status.SENT, timezone.now(), ""
    email.save(update_fields=["attempts", "error", "status", "sent_at"])
    return email


def confirmation_body(ticket: Ticket, token: str) -> str:
    return (
        f"Hello,\n\nwe received your request (ticket #{ticket.pk}) and will answer as soon as we can.\n\n"
        "To add something, reply to this email. To follow it and read our replies online:\n"
        f"{tracking_url(token)}\n\n"
        "Keep this link to yourself: anyone who has it can read the conversation.\n\n"
        "If you did not write to us, ignore this email: nothing more will be sent unless you answer.\n\n"
        "-- The support team\n"
    )


def reply_body(ticket: Ticket, body: str) -> str:
    return f"{body}\n\n--\nYour request \u201c{ticket.title}\u201d (ticket #{ticket.pk}).\n{_link_lines(ticket)}"


def resolved_body(ticket: Ticket) -> str:
    return (
        f"Hello,\n\nyour request \u201c{ticket.title}\u201d is resolved. If something is still wrong, answer "
        f"through the link and the ticket opens again.\n\n{_link_lines(ticket)}{_rating_lines(ticket)}"
        "-- The support team\n"
    )


def _rating_lines(ticket: Ticket) -> str:
    """ "How did we do?": one link per answer, each a click from here (the page then offers a comment)."""
    if ticket.resolved_at is None:
        return ""
    token = rating_token(ticket.pk, ticket.resolved_at)
    return (
        "How did we do? One click tells us:\n"
        f"Good: {rating_url(token, Rating.GOOD)}\n"
        f"Bad: {rating_url(token, Rating.BAD)}\n\n"
    )
