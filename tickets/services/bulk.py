"""Writes of many tickets at once: a status move in a few statements, and bulk loads of validated tickets with
their history in one transaction, through PostgreSQL COPY (or, on the SQLite of `make run`, bulk_create)."""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from tickets.models import DONE_STATUSES, TICKET_FIELDS, Status, Ticket, TicketEvent
from tickets.postgres import copy_rows, is_postgresql
from tickets.rules.tickets import acting_user
from tickets.selectors import sla_targets
from tickets.services.email import email_resolved
from tickets.services.sla import sla_backfill, sla_refresh, sla_refresh_many
from tickets.titles import title_sketch

BULK_CHUNK = 20_000
EVENT_COPY_COLUMNS = ("ticket_id", "field", "old_value", "new_value", "created_at")
TICKET_COPY_COLUMNS = (*TICKET_FIELDS, "title_sketch")  # TICKET_FIELDS ends with classified_by


@transaction.atomic
def ticket_bulk_load(*, tickets: Iterable, classified_by: str, progress=None) -> int:
    """Load many already-validated tickets with their status history in one transaction (PostgreSQL COPY).

    For seeding and migrations of old data, where row-by-row creation would take hours. Each item has the
    fields of ``TICKET_FIELDS`` (except ``id`` and ``classified_by``) and ``history``: tuples of
    (old status, new status, when). The CHECK constraints still guard every row; the counters triggers
    still keep the stats exact. Returns how many tickets were loaded.
    """
    if not is_postgresql():
        return _orm_load(tickets, classified_by, progress)
    with connection.cursor() as cursor:
        # New ids are taken in one block; concurrent writers wait for this load to commit.
        cursor.execute("LOCK TABLE tickets_ticket IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_id = next_id = cursor.fetchone()[0] + 1
        for chunk in _batched(tickets, BULK_CHUNK):
            rows, events = [], []
            for t in chunk:
                given = (getattr(t, c) for c in TICKET_FIELDS[1:-1])
                rows.append((next_id, *given, classified_by, title_sketch(t.title)))
                events.append((next_id, "created", "", "open", t.created_at))
                events.extend((next_id, "status", old, new, when) for old, new, when in t.history)
                next_id += 1
            copy_rows(cursor.cursor, "tickets_ticket", TICKET_COPY_COLUMNS, rows)
            copy_rows(cursor.cursor, "tickets_ticketevent", EVENT_COPY_COLUMNS, events)
            if progress is not None:
                progress(len(rows))
        cursor.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), GREATEST(%s, 1))", [next_id - 1])
    sla_backfill(connection)  # due times for the loaded tickets, in one statement
    return next_id - first_id


def _orm_load(tickets: Iterable, classified_by: str, progress) -> int:
    loaded, targets = 0, sla_targets()
    for chunk in _batched(tickets, BULK_CHUNK):
        fields = TICKET_FIELDS[1:-1]
        made = [
            Ticket(
                **{c: getattr(t, c) for c in fields}, classified_by=classified_by, title_sketch=title_sketch(t.title)
            )
            for t in chunk
        ]
        for ticket in made:
            sla_refresh(ticket, targets=targets)
            ticket.title_sketch = title_sketch(ticket.title)  # bulk_create skips save()
        made = Ticket.objects.bulk_create(made)
        TicketEvent.objects.bulk_create(
            event
            for ticket, t in zip(made, chunk, strict=True)
            for event in [
                TicketEvent(ticket=ticket, field="created", new_value="open", created_at=t.created_at),
                *(
                    TicketEvent(ticket=ticket, field="status", old_value=old, new_value=new, created_at=when)
                    for old, new, when in t.history
                ),
            ]
        )
        loaded += len(made)
        if progress is not None:
            progress(len(made))
    return loaded


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def ticket_bulk_seed_work(*, agent_ids: list[int], unassigned_every: int = 3, replied_every: int = 10) -> dict:
    """Give seeded tickets owners and first replies in a few statements (benchmarks and demos): every ticket but
    each ``unassigned_every``-th goes round-robin to ``agent_ids``; each ``replied_every``-th owned one gets a
    reply from its owner two hours after it arrived. Tickets that already have an owner are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET assignee_id = (%s::bigint[])[1 + id %% %s] "
            "WHERE assignee_id IS NULL AND id %% %s <> 0",
            [agent_ids, len(agent_ids), unassigned_every],
        )
        assigned = cursor.rowcount
        cursor.execute(
            "INSERT INTO tickets_ticketmessage (ticket_id, kind, body, author_id, created_at) "
            "SELECT t.id, 'reply', 'Thanks for writing in: we are looking into it.', t.assignee_id, "
            "t.created_at + interval '2 hours' FROM tickets_ticket t "
            "WHERE t.assignee_id IS NOT NULL AND t.first_response_at IS NULL AND t.id %% %s = 0",
            [replied_every],
        )
        replied = cursor.rowcount
        cursor.execute(
            "UPDATE tickets_ticket t SET first_response_at = m.created_at FROM tickets_ticketmessage m "
            "WHERE m.ticket_id = t.id AND m.kind = 'reply' AND t.first_response_at IS NULL"
        )
    return {"assigned": assigned, "replied": replied}


@transaction.atomic
def ticket_bulk_change_status(*, ticket_ids: Iterable[int], status: Status, actor=None) -> int:
    """Move many tickets to one status in a few statements; returns how many changed."""
    status = Status(status)
    rows = list(
        Ticket.objects.select_for_update()
        .filter(pk__in=list(ticket_ids))
        .exclude(status=status)
        .order_by("pk")
        .values_list("pk", "status")
    )
    if not rows:
        return 0
    now = timezone.now()
    if status in DONE_STATUSES:
        # Keep the first resolution time when moving between resolved and closed.
        resolved_at = Case(When(status__in=DONE_STATUSES, then=F("resolved_at")), default=Value(now))
    else:
        resolved_at = Value(None)
    Ticket.objects.filter(pk__in=[pk for pk, _ in rows]).update(status=status, updated_at=now, resolved_at=resolved_at)
    sla_refresh_many(rows, status, now)
    if status == Status.RESOLVED:
        newly_resolved = [pk for pk, old in rows if old not in DONE_STATUSES]
        email_resolved(Ticket.objects.filter(pk__in=newly_resolved).exclude(submitter_email=""))
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=pk,
            actor=acting_user(actor),
            field=TicketEvent.Field.STATUS,
            old_value=old,
            new_value=status,
            created_at=now,
        )
        for pk, old in rows
    )
    return len(rows)
