"""SLA writes: a ticket's SLA columns refreshed before it is saved, and due times for many tickets at once.
The rules themselves are in tickets/rules/sla.py."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tickets.models import DONE_STATUSES, BusinessCalendar, Ticket
from tickets.rules.calendar import working_time_between
from tickets.rules.sla import SLA_FIELDS, WAIT_FIELDS, Targets, backfill_statement, sla_apply
from tickets.selectors import sla_targets
from tickets.selectors.sla import public_holidays


def sla_refresh(
    ticket: Ticket, *, targets: Targets | None = None, restart_resolution_at: datetime | None = None
) -> None:
    """``sla_apply`` with the policies in force and the ticket's team's hours (a query or two unless ``targets``
    are given); nothing saved."""
    targets = sla_targets(ticket.team_id) if targets is None else targets
    sla_apply(ticket, targets, restart_resolution_at=restart_resolution_at)


def sla_wait_end(ticket: Ticket) -> None:
    """End a wait on the customer (nothing saved): its working time, in the priority's calendar, is added to the
    ticket's paused time, which pushes the resolution due time back."""
    if ticket.waiting_since is None:
        return
    target = sla_targets(ticket.team_id).get(ticket.priority)
    waited = working_time_between(ticket.waiting_since, timezone.now(), target.calendar if target else None)
    ticket.sla_paused = (ticket.sla_paused or timedelta(0)) + waited
    ticket.waiting_since = None


BACKFILL_BATCH = 2000


def sla_backfill(connection, targets: Targets | None = None) -> int:
    """Due times for every ticket without them; returns how many were filled. Around-the-clock priorities in one
    statement (PostgreSQL); priorities counted in working hours by the same rule as one ticket, in batches."""
    targets = sla_targets() if targets is None else targets
    sql, params = backfill_statement(targets)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        filled = cursor.rowcount if params else 0
    working = [priority for priority, target in targets.items() if target.calendar is not None]
    while working:
        batch = list(Ticket.objects.filter(first_response_due_at__isnull=True, priority__in=working)[:BACKFILL_BATCH])
        if not batch:
            break
        for ticket in batch:
            sla_apply(ticket, targets)
        Ticket.objects.bulk_update(batch, SLA_FIELDS, batch_size=BACKFILL_BATCH)
        filled += len(batch)
    return filled


def sla_status_moved(ticket: Ticket, *, reopened: bool) -> None:
    """A status move's effect on a wait on the customer (nothing saved): resolving or closing ends the wait; a
    reopening starts a new resolution clock, with no waits yet."""
    if ticket.status in DONE_STATUSES:
        sla_wait_end(ticket)
    if reopened:
        ticket.sla_paused, ticket.waiting_since = timedelta(0), None


def sla_refresh_many(rows: list[tuple[int, str]], status: str, now: datetime) -> None:
    """After a bulk move of (id, old status) rows to ``status``: the same rule as one by one (reopened tickets
    restart the resolution clock), written with one bulk update."""
    reopened = {pk for pk, old in rows if old in DONE_STATUSES and status not in DONE_STATUSES}
    tickets = list(Ticket.objects.filter(pk__in=[pk for pk, _ in rows]))
    by_team = {team: sla_targets(team) for team in {t.team_id for t in tickets}}
    for ticket in tickets:
        targets = by_team[ticket.team_id]
        sla_status_moved(ticket, reopened=ticket.pk in reopened)
        sla_apply(ticket, targets, restart_resolution_at=now if ticket.pk in reopened else None)
    Ticket.objects.bulk_update(tickets, [*SLA_FIELDS, *WAIT_FIELDS], batch_size=1000)


def calendar_save(*, calendar: BusinessCalendar) -> BusinessCalendar:
    """A business calendar as the admin's form checked it; tickets get its working hours on their next write."""
    with transaction.atomic():
        calendar.save()
    public_holidays.cache_clear()
    return calendar
