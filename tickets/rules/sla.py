"""SLA rules: due times from the priority's policy, and a ticket's state (ok, due soon, breached, met).

One definition, in forms that must agree (tests check them on the same tickets): ``sla_apply`` in Python sets a
ticket's columns and ``backfill_statement`` sets many in one SQL statement; ``sla_state`` reads one ticket's state
and ``sla_filter`` selects a state in the database, so a filter or a count at a million tickets reads an index
instead of computing states row by row. The columns:

- ``sla_due_at``: the next pending deadline (the first reply while none was sent, else the resolution); null
  once the ticket is resolved or closed. ``sla_warn_at``: when less than 20 % of that target's time is left.
- ``sla_breached``: a target was missed (a first reply after its due time, or a resolution after its).

A pending deadline that passes with no write is still breached: ``sla_due_at < now`` says so without a job.
Nothing here reads or writes the database: the targets come from ``selectors.sla_targets()``.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import F, Q

from tickets.models import DONE_STATUSES
from tickets.rules.calendar import CalendarError, WorkingCalendar, add_working_time

DUE_SOON_SHARE = 0.2
# The promises a new install starts with (minutes): first reply, resolution. Managers change them in the admin.
DEFAULT_POLICIES = {
    "critical": (60, 4 * 60),
    "high": (4 * 60, 24 * 60),
    "medium": (8 * 60, 3 * 24 * 60),
    "low": (24 * 60, 7 * 24 * 60),
}
STATES = ("ok", "due_soon", "breached", "met", "paused")
# How staff read each state (the changelist's column and filter).
LABELS = {
    "breached": "Breached",
    "due_soon": "Due soon",
    "ok": "On track",
    "met": "Met",
    "paused": "Waiting on customer",
}
# Most urgent first: the nearest pending deadline, tickets with none pending last.
MOST_URGENT_FIRST = (F("sla_due_at").asc(nulls_last=True), "-created_at", "-id")
# A wait on the customer: since when, and the working time of the waits that ended.
WAIT_FIELDS = ("waiting_since", "sla_paused")
SLA_FIELDS = (
    "resolution_clock_at",
    "first_response_due_at",
    "resolution_due_at",
    "sla_due_at",
    "sla_warn_at",
    "sla_breached",
)


class Target(NamedTuple):
    """A priority's promises: working time to the first reply and to the resolution, in ``calendar``'s working
    hours (None: around the clock)."""

    first: timedelta
    resolution: timedelta
    calendar: WorkingCalendar | None = None


Targets = dict[str, Target]


def targets_from(policies: dict[str, tuple[int, int] | tuple[int, int, WorkingCalendar | None]]) -> Targets:
    """{priority: Target} from minutes (and a calendar), the defaults under the given."""
    minutes = {**DEFAULT_POLICIES, **policies}
    return {
        priority: Target(timedelta(minutes=a), timedelta(minutes=b), rest[0] if rest else None)
        for priority, (a, b, *rest) in minutes.items()
    }


def sla_apply(ticket, targets: Targets, *, restart_resolution_at: datetime | None = None) -> None:
    """Set a ticket's due times and SLA columns from its priority, its replies and its status (nothing saved).

    ``restart_resolution_at``: a reopening starts the resolution clock again from that moment.
    """
    if ticket.priority not in targets:
        return
    first_target, resolution_target, calendar = targets[ticket.priority]
    if calendar is not None and not _works(calendar, ticket.created_at):
        calendar = None  # a calendar with no working time ahead (every day off): around the clock, never a failure
    if restart_resolution_at is not None or ticket.resolution_clock_at is None:
        ticket.resolution_clock_at = restart_resolution_at or ticket.created_at
    ticket.first_response_due_at = add_working_time(ticket.created_at, first_target, calendar)
    # The customer's waits (working time, ended ones) push the resolution back.
    paused = ticket.sla_paused or timedelta(0)
    ticket.resolution_due_at = add_working_time(ticket.resolution_clock_at, resolution_target + paused, calendar)

    done = ticket.status in DONE_STATUSES or ticket.waiting_since is not None  # waiting: nothing pending
    pending = []
    if not done and ticket.first_response_at is None:
        pending.append((ticket.first_response_due_at, ticket.created_at, first_target))
    if not done:
        pending.append((ticket.resolution_due_at, ticket.resolution_clock_at, resolution_target))
    if pending:
        due, started, target = min(pending)
        # "Due soon" once less than a fifth of the target's working time is left.
        warn = add_working_time(started, target * (1 - DUE_SOON_SHARE), calendar) if calendar else None
        ticket.sla_due_at, ticket.sla_warn_at = due, warn or due - target * DUE_SOON_SHARE
    else:
        ticket.sla_due_at = ticket.sla_warn_at = None
    late_reply = ticket.first_response_at is not None and ticket.first_response_at > ticket.first_response_due_at
    late_resolution = ticket.resolved_at is not None and ticket.resolved_at > ticket.resolution_due_at
    ticket.sla_breached = late_reply or late_resolution


def _works(calendar: WorkingCalendar, start: datetime) -> bool:
    try:
        add_working_time(start, timedelta(minutes=1), calendar)
    except CalendarError:
        return False
    return True


def sla_state(ticket, now: datetime) -> str | None:
    """ok, due_soon, breached or met; None for a ticket without due times (its priority has no policy)."""
    if ticket.sla_breached or (ticket.sla_due_at is not None and ticket.sla_due_at < now):
        return "breached"
    if ticket.waiting_since is not None:
        return "paused"
    if ticket.first_response_due_at is None:
        return None
    if ticket.sla_due_at is None:
        return "met"
    return "due_soon" if ticket.sla_warn_at <= now else "ok"


def sla_filter(state: str, now: datetime) -> Q:
    """The tickets in one SLA state, as a database condition (the same rule as ``sla_state``)."""
    breached = Q(sla_breached=True) | Q(sla_due_at__lt=now)
    return {
        "breached": breached,
        "due_soon": Q(sla_breached=False, sla_warn_at__lte=now, sla_due_at__gte=now),
        "ok": Q(sla_breached=False, sla_warn_at__gt=now),
        "met": Q(sla_breached=False, sla_due_at__isnull=True, first_response_due_at__isnull=False)
        & Q(waiting_since__isnull=True),
        "paused": Q(sla_breached=False, waiting_since__isnull=False),
    }[state]


# sla_apply for every ticket that has no due times yet (tickets that existed before SLAs, bulk loads), in one
# statement: the same rule, in SQL.
SLA_BACKFILL_SQL = """
UPDATE tickets_ticket t SET
    resolution_clock_at = d.clock,
    first_response_due_at = d.first_due,
    resolution_due_at = d.resolution_due,
    sla_due_at = CASE WHEN d.done THEN NULL
                      WHEN t.first_response_at IS NULL THEN LEAST(d.first_due, d.resolution_due)
                      ELSE d.resolution_due END,
    sla_warn_at = CASE WHEN d.done THEN NULL
                       WHEN t.first_response_at IS NULL AND d.first_due <= d.resolution_due
                           THEN d.first_due - d.first_target * %(share)s
                       ELSE d.resolution_due - d.resolution_target * %(share)s END,
    sla_breached = (t.first_response_at IS NOT NULL AND t.first_response_at > d.first_due)
                   OR (t.resolved_at IS NOT NULL AND t.resolved_at > d.resolution_due)
FROM (
    SELECT t2.id,
           t2.status IN ('resolved', 'closed') AS done,
           COALESCE(t2.resolution_clock_at, t2.created_at) AS clock,
           t2.created_at + p.first_response_minutes * interval '1 minute' AS first_due,
           COALESCE(t2.resolution_clock_at, t2.created_at) + p.resolution_minutes * interval '1 minute'
               AS resolution_due,
           p.first_response_minutes * interval '1 minute' AS first_target,
           p.resolution_minutes * interval '1 minute' AS resolution_target
    FROM tickets_ticket t2 JOIN (VALUES {values}) AS p (priority, first_response_minutes, resolution_minutes)
        ON p.priority = t2.priority
    WHERE t2.first_response_due_at IS NULL
) d
WHERE t.id = d.id
"""


def backfill_statement(targets: Targets) -> tuple[str, dict]:
    """``SLA_BACKFILL_SQL`` with the targets as parameters: (sql, params) for one cursor.execute. Only the
    around-the-clock targets: working time is counted in Python (``services.sla_backfill``)."""
    params = {"share": DUE_SOON_SHARE}
    values = []
    clock = sorted((p, t) for p, t in targets.items() if t.calendar is None)
    if not clock:
        return "SELECT 0", {}
    for i, (priority, (first, resolution, _)) in enumerate(clock):
        params |= {f"p{i}": priority, f"f{i}": first.total_seconds() / 60, f"r{i}": resolution.total_seconds() / 60}
        values.append(f"(%(p{i})s, %(f{i})s::float, %(r{i})s::float)")
    return SLA_BACKFILL_SQL.replace("{values}", ", ".join(values)), params
