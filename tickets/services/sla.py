"""SLA writes: a ticket's SLA columns refreshed before it is saved, and due times for many tickets at once.
The rules themselves are in tickets/rules/sla.py."""

from datetime import datetime

from tickets.models import DONE_STATUSES, Ticket
from tickets.rules.sla import SLA_FIELDS, Targets, backfill_statement, sla_apply
from tickets.selectors import sla_targets


def sla_refresh(
    ticket: Ticket, *, targets: Targets | None = None, restart_resolution_at: datetime | None = None
) -> None:
    """``sla_apply`` with the policies in force (one small query unless ``targets`` are given); nothing saved."""
    sla_apply(ticket, sla_targets() if targets is None else targets, restart_resolution_at=restart_resolution_at)


def sla_backfill(connection, targets: Targets | None = None) -> int:
    """Due times for every ticket without them (PostgreSQL, one statement); returns how many were filled."""
    sql, params = backfill_statement(sla_targets() if targets is None else targets)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def sla_refresh_many(rows: list[tuple[int, str]], status: str, now: datetime) -> None:
    """After a bulk move of (id, old status) rows to ``status``: the same rule as one by one (reopened tickets
    restart the resolution clock), written with one bulk update."""
    targets = sla_targets()
    reopened = {pk for pk, old in rows if old in DONE_STATUSES and status not in DONE_STATUSES}
    tickets = list(Ticket.objects.filter(pk__in=[pk for pk, _ in rows]))
    for ticket in tickets:
        sla_apply(ticket, targets, restart_resolution_at=now if ticket.pk in reopened else None)
    Ticket.objects.bulk_update(tickets, SLA_FIELDS, batch_size=1000)
