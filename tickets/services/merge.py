"""Merging a duplicate into the ticket it repeats: its request and messages join the target's thread, its files
follow, its submitter is kept as a contact, it closes pointing to the target, and every later answer to it (email
or tracking page) lands in the target. Both histories record what moved, by id, so the merge can be traced and
undone by hand."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tickets.models import (
    DESCRIPTION_MAX_LENGTH,
    Attachment,
    MessageKind,
    Status,
    Ticket,
    TicketContact,
    TicketEvent,
    TicketMessage,
)
from tickets.rules.tickets import acting_user
from tickets.services.tickets import ticket_update

MERGE_CHAIN_MAX = 10  # a duplicate of a duplicate of...: followed this far at most


def merge_target(ticket: Ticket) -> Ticket:
    """The ticket a (possibly merged) ticket's messages go to now: itself, or the end of its merge chain."""
    for _ in range(MERGE_CHAIN_MAX):
        if ticket.merged_into_id is None:
            return ticket
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def ticket_merge(*, duplicate: Ticket, target: Ticket, actor=None) -> Ticket:
    """Merge ``duplicate`` into ``target``; returns the target. A ValidationError says why a merge cannot be."""
    if duplicate.pk == target.pk:
        raise ValidationError({"into": ["A ticket cannot be merged into itself."]})
    with transaction.atomic():
        locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[duplicate.pk, target.pk])}
        if len(locked) != 2:  # noqa: PLR2004 (both tickets)
            raise ValidationError({"into": ["That ticket no longer exists."]})
        dup, into = locked[duplicate.pk], locked[target.pk]
        if dup.merged_into_id is not None:
            raise ValidationError({"into": [f"#{dup.pk} was already merged into #{dup.merged_into_id}."]})
        if into.merged_into_id is not None:
            raise ValidationError({"into": [f"#{into.pk} was itself merged into #{into.merged_into_id}: merge there."]})
        request = TicketMessage.objects.create(
            ticket=into,
            kind=MessageKind.CUSTOMER,
            body=f"[Merged from #{dup.pk}] {dup.title}\n\n{dup.description}"[:DESCRIPTION_MAX_LENGTH],
            created_at=dup.created_at,
        )
        message_ids = list(TicketMessage.objects.filter(ticket=dup).values_list("pk", flat=True))
        file_ids = list(Attachment.objects.filter(ticket=dup).values_list("pk", flat=True))
        TicketMessage.objects.filter(pk__in=message_ids).update(ticket=into)
        Attachment.objects.filter(ticket=dup, message__isnull=True).update(ticket=into, message=request)
        Attachment.objects.filter(ticket=dup).update(ticket=into)
        if dup.submitter_email and dup.submitter_email.lower() != into.submitter_email.lower():
            TicketContact.objects.get_or_create(
                ticket=into, email=dup.submitter_email, defaults={"note": f"submitter of #{dup.pk}, merged in"}
            )
        if dup.customer_replied and not into.customer_replied:
            Ticket.objects.filter(pk=into.pk).update(customer_replied=True)
        Ticket.objects.filter(pk=dup.pk).update(merged_into=into)
        moved = f"messages {_ids(message_ids)}; files {_ids(file_ids)}; request as message {request.pk}"
        who = acting_user(actor)
        merge = TicketEvent.Field.MERGE
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(ticket=dup, actor=who, field=merge, new_value=f"into #{into.pk} ({moved})"),
                TicketEvent(ticket=into, actor=who, field=merge, new_value=f"#{dup.pk} merged in ({moved})"),
            ]
        )
        dup.merged_into = into
        if dup.status != Status.CLOSED:
            ticket_update(ticket=dup, data={"status": Status.CLOSED}, actor=actor, notify=False)
    into.refresh_from_db()
    return into


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids)) or "none"
