"""Writes of the tracking link: a new link when the old one leaked (the old one stops at once), sent by email."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from tickets.models import Ticket, TicketEvent
from tickets.rules.tickets import acting_user
from tickets.rules.tracking import tracking_issue, tracking_url
from tickets.services.email import email_queue


@transaction.atomic
def tracking_reissue(*, ticket: Ticket, actor: AbstractBaseUser | None = None, send: bool = True) -> str:
    """Give the ticket a new tracking link: the old one opens nothing from this commit on. With ``send`` and an
    address, the new link is emailed to the submitter. Recorded in the history; returns the new token."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    token = tracking_issue(locked)
    locked.save(update_fields=["tracking_salt", "tracking_token_hash", "updated_at"])
    emailed = send and bool(locked.submitter_email)
    if emailed:
        email_queue(ticket=locked, subject="Your new link to follow your request", body=new_link_body(token))
    TicketEvent.objects.create(
        ticket=locked,
        actor=acting_user(actor),
        field=TicketEvent.Field.TRACKING,
        old_value="the earlier link no longer opens the ticket",
        new_value="new link issued" + (f", emailed to {locked.submitter_email}" if emailed else ""),
    )
    return token


def new_link_body(token: str) -> str:
    return (
        "Hello,\n\nhere is a new link to follow your request, read our replies and answer. The link you had "
        f"before no longer works.\n\n{tracking_url(token)}\n\n"
        "Keep this link to yourself: anyone who has it can read the conversation.\n\n-- The support team\n"
    )
