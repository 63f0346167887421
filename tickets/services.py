"""Every write: tickets, their history and the throttle counters. Views, admin, importers, tasks and commands
call these; none writes on its own."""

import random
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from tickets.classifier import Classification, classify
from tickets.models import DONE_STATUSES, TICKET_FIELDS, Status, Ticket, TicketEvent

UPDATABLE_FIELDS = frozenset({"title", "description", "category", "priority", "status", "submitter_email"})
TRACKED_FIELDS = (TicketEvent.Field.STATUS, TicketEvent.Field.CATEGORY, TicketEvent.Field.PRIORITY)

User = AbstractBaseUser | None


class StaleTicket(Exception):
    """The ticket changed after the caller read it (optimistic concurrency: If-Match / updated_at)."""

    def __init__(self, current: Ticket):
        super().__init__(f"Ticket {current.pk} changed at {current.updated_at.isoformat()}")
        self.current = current


def _clean_text(value: str) -> str:
    return value.strip() if isinstance(value, str) else value


def ticket_create(
    *,
    title: str,
    description: str,
    category: str | None = None,
    priority: str | None = None,
    submitter_email: str = "",
    actor: User = None,
    classify_ticket: bool = True,
    classification: Classification | None = None,
) -> Ticket:
    """Create an open ticket. Missing labels are filled by the classifier, whose own answer is kept beside them.

    The classifier runs before the transaction opens, so a slow LLM never holds a database lock. A caller
    that already classified the ticket (an import preview, say) passes ``classification``.
    """
    ticket = Ticket(
        title=_clean_text(title),
        description=_clean_text(description),
        category=category or "",
        priority=priority or "",
        submitter_email=_clean_text(submitter_email or ""),
        status=Status.OPEN,
    )
    # Refuse bad input before spending a classification on it.
    _validate(ticket, exclude=[f for f in ("category", "priority") if not getattr(ticket, f)])

    if classification is None and (classify_ticket or not (ticket.category and ticket.priority)):
        classification = classify(ticket.title, ticket.description)
    if classification is not None:
        _set_suggestion(ticket, classification, fill_missing=True)

    with transaction.atomic():
        _validate(ticket)
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, actor=_user(actor), field=TicketEvent.Field.CREATED, new_value=ticket.status
        )
    return ticket


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    data: Mapping[str, Any],
    actor: User = None,
    classification: Classification | None = None,
    expected_version: str | None = None,
) -> Ticket:
    """Apply a partial update under a row lock; status, category and priority changes are written to history.

    ``classification``, when given, is recorded as the AI's suggestion in the same transaction.
    ``expected_version`` (a ``ticket_version``) makes a stale update raise ``StaleTicket`` instead of
    silently overwriting someone else's change.
    """
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Fields that cannot be updated: {sorted(unknown)}")

    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and expected_version != ticket_version(locked):
        raise StaleTicket(locked)
    old_status = locked.status
    events = []
    changed = False
    for field, value in data.items():
        value = _clean_text(value)
        old = getattr(locked, field)
        if old == value:
            continue
        changed = True
        setattr(locked, field, value)
        if field in TRACKED_FIELDS:
            events.append(TicketEvent(ticket=locked, actor=_user(actor), field=field, old_value=old, new_value=value))
    if classification is not None:
        _set_suggestion(locked, classification, fill_missing=False)
        changed = True
    if not changed:
        return locked
    if locked.status != old_status:
        locked.resolved_at = _resolved_at(old_status, locked.status, locked.resolved_at)

    _validate(locked)
    locked.save()
    TicketEvent.objects.bulk_create(events)
    return locked


def ticket_version(ticket: Ticket) -> str:
    """An opaque version of a ticket's stored state, used as its ETag."""
    return f"{ticket.pk}-{ticket.updated_at.timestamp():.6f}"


def ticket_change_status(*, ticket: Ticket, status: str, actor: User = None) -> Ticket:
    return ticket_update(ticket=ticket, data={"status": status}, actor=actor)


@transaction.atomic
def ticket_bulk_change_status(*, ticket_ids: Iterable[int], status: Status, actor: User = None) -> int:
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
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=pk,
            actor=_user(actor),
            field=TicketEvent.Field.STATUS,
            old_value=old,
            new_value=status,
            created_at=now,
        )
        for pk, old in rows
    )
    return len(rows)


@transaction.atomic
def ticket_delete(*, ticket_ids: Iterable[int]) -> int:
    """Delete tickets and their history; returns how many tickets were deleted."""
    deleted = Ticket.objects.filter(pk__in=list(ticket_ids)).delete()[1]
    return deleted.get(Ticket._meta.label, 0)


@transaction.atomic
def ticket_apply_classification(
    *, ticket: Ticket, classification: Classification, overwrite: bool = False, actor: User = None
) -> Ticket:
    """Record the AI's suggestion; fill the labels when missing, or replace them when ``overwrite``."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = {f: getattr(locked, f) for f in ("category", "priority")}
    _set_suggestion(locked, classification, fill_missing=True, overwrite=overwrite)
    _validate(locked)
    locked.save()
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=locked, actor=_user(actor), field=f, old_value=old, new_value=getattr(locked, f))
        for f, old in before.items()
        if old and old != getattr(locked, f)
    )
    return locked


def _validate(ticket: Ticket, exclude=()) -> None:
    """Every field rule (choices, lengths, storable text) in Python. The CHECK constraints are enforced by
    PostgreSQL on write, so Django's one-SELECT-per-constraint validation is skipped: it cost ~20 ms a save."""
    ticket.full_clean(exclude=list(exclude) or None, validate_unique=False, validate_constraints=False)


def _set_suggestion(ticket: Ticket, result: Classification, *, fill_missing: bool, overwrite: bool = False) -> None:
    ticket.ai_category = result.category
    ticket.ai_priority = result.priority
    ticket.ai_confidence = round(result.confidence, 4)
    ticket.classified_by = result.classified_by[:120]
    if overwrite or (fill_missing and not ticket.category):
        ticket.category = result.category
    if overwrite or (fill_missing and not ticket.priority):
        ticket.priority = result.priority


def _resolved_at(old_status: str, new_status: str, resolved_at):
    if new_status not in DONE_STATUSES:
        return None
    if old_status in DONE_STATUSES and resolved_at:
        return resolved_at
    return timezone.now()


def _user(actor: User):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


BULK_CHUNK = 20_000
EVENT_COPY_COLUMNS = ("ticket_id", "field", "old_value", "new_value", "created_at")
TICKET_COPY_COLUMNS = TICKET_FIELDS


@transaction.atomic
def ticket_bulk_load(*, tickets: Iterable, classified_by: str, progress=None) -> int:
    """Load many already-validated tickets with their status history in one transaction (PostgreSQL COPY).

    For seeding and migrations of old data, where row-by-row creation would take hours. Each item has the
    fields of ``TICKET_COPY_COLUMNS`` (except ``id`` and ``classified_by``) and ``history``: tuples of
    (old status, new status, when). The CHECK constraints still guard every row; the counters triggers
    still keep the stats exact. Returns how many tickets were loaded.
    """
    with connection.cursor() as cursor:
        # New ids are taken in one block; concurrent writers wait for this load to commit.
        cursor.execute("LOCK TABLE tickets_ticket IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_id = next_id = cursor.fetchone()[0] + 1
        for chunk in _batched(tickets, BULK_CHUNK):
            rows, events = [], []
            for t in chunk:
                rows.append((next_id, *(getattr(t, c) for c in TICKET_COPY_COLUMNS[1:-1]), classified_by))
                events.append((next_id, "created", "", "open", t.created_at))
                events.extend((next_id, "status", old, new, when) for old, new, when in t.history)
                next_id += 1
            _copy(cursor.cursor, "tickets_ticket", TICKET_COPY_COLUMNS, rows)
            _copy(cursor.cursor, "tickets_ticketevent", EVENT_COPY_COLUMNS, events)
            if progress is not None:
                progress(len(rows))
        cursor.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), GREATEST(%s, 1))", [next_id - 1])
    return next_id - first_id


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _copy(raw_cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with raw_cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608 (constants)
        for row in rows:
            copy.write_row(row)


RATE_COUNTER_UPSERT = """
INSERT INTO tickets_ratecounter AS c (key, period, started, hits, previous) VALUES (%s, %s, %s, 1, 0)
ON CONFLICT (key) DO UPDATE SET
    previous = CASE WHEN c.started = excluded.started THEN c.previous
                    WHEN c.started = excluded.started - excluded.period THEN c.hits ELSE 0 END,
    hits = CASE WHEN c.started = excluded.started THEN c.hits + 1 ELSE 1 END,
    started = excluded.started,
    period = excluded.period
RETURNING hits, previous
"""
RATE_COUNTER_PRUNE_CHANCE = 0.001


def rate_counter_hit(*, key: str, period: int, now: float) -> tuple[int, int]:
    """Count one request for ``key`` in fixed windows of ``period`` seconds: (hits in the current window,
    this one included; hits in the window before).

    One statement, so it is its own transaction and one round trip: concurrent requests from every worker
    are counted exactly (the row lock orders them). Now and then, windows nobody needs any more are deleted.
    """
    started = int(now // period) * period
    with connection.cursor() as cursor:
        cursor.execute(RATE_COUNTER_UPSERT, [key, period, started])
        hits, previous = cursor.fetchone()
        if random.random() < RATE_COUNTER_PRUNE_CHANCE:  # noqa: S311 (housekeeping, not security)
            cursor.execute("DELETE FROM tickets_ratecounter WHERE started + 2 * period <= %s", [int(now)])
    return hits, previous
