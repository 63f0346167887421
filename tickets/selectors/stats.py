"""Figures: the stats every API client reads, and the managers' dashboard around them; each a few grouped queries
at any table size (counters kept by triggers where a count would read the table)."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tickets.filters import hidden_team_ids, visible_to
from tickets.models import (
    AI_KEPT,
    NEWEST_FIRST,
    OPEN_STATUSES,
    Category,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    TicketCount,
    TicketTag,
    ai_unsure,
)
from tickets.postgres import counters_kept, median
from tickets.selectors.answers import deflection_figures
from tickets.selectors.satisfaction import satisfaction_figures


def _tickets(hidden: Sequence[int]):
    """Every ticket but those of the private teams ``hidden`` from the reader (filters.hidden_team_ids)."""
    return visible_to(Ticket.objects.all(), None, hidden=list(hidden))


def ticket_stats(user=None, *, hidden: list[int] | None = None) -> dict[str, Any]:
    """Totals, open tickets, average per day and both breakdowns, over the tickets ``user`` may see: two small
    queries at any table size (the counters keep each team's rows apart, so hidden private teams are left out).

    The counts come grouped by (status, priority, category), at most 80 rows, and are summed here: one aggregate
    with ten filtered sums gave the same figures, but building its SQL was two thirds of the request's CPU."""
    hidden = hidden_team_ids(user) if hidden is None else hidden
    labels = ("status", "priority", "category")
    if counters_kept():
        counters = TicketCount.objects.exclude(team__in=hidden)  # the hidden teams' rows left out
        groups = counters.values_list(*labels).annotate(Sum("n")).order_by()
    else:
        groups = _tickets(hidden).values_list(*labels).annotate(Count("id")).order_by()
    total = open_tickets = 0
    by_priority, by_category = dict.fromkeys(Priority.values, 0), dict.fromkeys(Category.values, 0)
    for status, priority, category, n in groups:
        total += n
        open_tickets += n if status == Status.OPEN else 0
        by_priority[priority] = by_priority.get(priority, 0) + n
        by_category[category] = by_category.get(category, 0) + n
    # The oldest ticket comes from the created_at index: one row read.
    first = _tickets(hidden).order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "total_tickets": total,
        "open_tickets": open_tickets,
        "avg_tickets_per_day": avg_per_day(total, first),
        "priority_breakdown": {p: by_priority[p] for p in Priority.values},
        "category_breakdown": {c: by_category[c] for c in Category.values},
    }


def avg_per_day(total: int, first_created_at) -> float:
    """Tickets per calendar day from the first ticket's date to today inclusive, in the server's time zone."""
    if not total or first_created_at is None:
        return 0.0
    first_day = timezone.localdate(first_created_at)
    days = max((timezone.localdate() - first_day).days + 1, 1)
    return round(total / days, 1)


BACKLOG_BUCKETS = (
    ("under 1 day", timedelta(0), timedelta(days=1)),
    ("1-3 days", timedelta(days=1), timedelta(days=3)),
    ("3-7 days", timedelta(days=3), timedelta(days=7)),
    ("7-30 days", timedelta(days=7), timedelta(days=30)),
    ("over 30 days", timedelta(days=30), None),
)


def tickets_per_day(*, days: int = 30, hidden: Sequence[int] = ()) -> list[tuple[date, int]]:
    """New tickets per calendar day (server time zone) for the last ``days`` days, today included, zeros filled."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    counts = dict(
        _tickets(hidden)
        .filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("created_at"))
        .order_by()
        .values_list("day", "n")
    )
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]


def open_backlog_by_age(*, hidden: Sequence[int] = ()) -> dict[str, int]:
    """Open and in-progress tickets by how long ago they were opened, in one aggregate query."""
    now = timezone.now()
    aggregates = {}
    for i, (_, younger, older) in enumerate(BACKLOG_BUCKETS):
        condition = Q(created_at__lte=now - younger)
        if older is not None:
            condition &= Q(created_at__gt=now - older)
        # Counting created_at (in the status index) lets PostgreSQL answer from the index alone.
        aggregates[f"bucket_{i}"] = Count("created_at", filter=condition)
    row = _tickets(hidden).filter(status__in=OPEN_STATUSES).order_by().aggregate(**aggregates)
    return {label: row[f"bucket_{i}"] for i, (label, _, _) in enumerate(BACKLOG_BUCKETS)}


def open_by_assignee(*, hidden: Sequence[int] = ()) -> list[tuple[str, int]]:
    """Open and in-progress tickets per owner, most first, unassigned ("" as the name) always listed."""
    rows = (
        _tickets(hidden)
        .filter(status__in=OPEN_STATUSES)
        .values("assignee")
        .annotate(n=Count("*"))  # COUNT(*): answered from the (status, assignee) index alone
        .order_by()
    )
    counts = {row["assignee"]: row["n"] for row in rows}
    names = dict(get_user_model().objects.filter(pk__in=[pk for pk in counts if pk]).values_list("pk", "username"))
    result = [(names.get(pk, ""), n) for pk, n in counts.items() if pk]
    result.sort(key=lambda item: (-item[1], item[0]))
    return [*result, ("", counts.get(None, 0))]


def median_resolution_time(*, days: int = 90, hidden: Sequence[int] = ()) -> timedelta | None:
    """Median time from creation to resolution of tickets resolved in the last ``days`` days."""
    resolved = (
        _tickets(hidden)
        .filter(resolved_at__isnull=False, resolved_at__gte=timezone.now() - timedelta(days=days))
        .annotate(duration=ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField()))
    )
    # On PostgreSQL served by ticket_resolved_idx (resolved_at, created_at) without touching the table.
    return median(resolved, "duration")


def ai_agreement_by_category(*, hidden: Sequence[int] = ()) -> dict[str, dict[str, Any]]:
    """Per final category: how many tickets the AI labelled, and how often staff kept both of its labels."""
    if counters_kept():
        rows = (
            TicketCount.objects.exclude(ai="none")
            .exclude(team__in=hidden)
            .values("category")
            .annotate(total=Sum("n"), kept=Sum("n", filter=Q(ai="kept"), default=0))
            .order_by()
        )
    else:
        rows = (
            _tickets(hidden)
            .exclude(ai_category="")
            .exclude(ai_priority="")
            .values("category")
            .annotate(total=Count("id"), kept=Count("id", filter=AI_KEPT))
            .order_by()
        )
    found = {row["category"]: row for row in rows}
    result = {}
    for category in Category.values:
        total = found.get(category, {}).get("total") or 0
        kept = found.get(category, {}).get("kept") or 0
        result[category] = {"total": total, "kept": kept, "rate": round(kept / total, 3) if total else None}
    return result


AI_UNSURE_SAMPLE = 2000


def ai_unsure_changes(*, hidden: Sequence[int] = ()) -> dict[str, dict[str, Any]]:
    """Of the newest AI-labelled tickets (at most AI_UNSURE_SAMPLE, read newest first from the index): how many
    were "AI unsure" or sure, and how often staff changed the labels of each, so the threshold can be judged."""
    newest = _tickets(hidden).exclude(ai_category="").exclude(ai_priority="").order_by(*NEWEST_FIRST)
    sample = _tickets(hidden).filter(pk__in=newest.values("pk")[:AI_UNSURE_SAMPLE])
    unsure, changed = ai_unsure(), ~AI_KEPT
    counts = sample.aggregate(
        unsure=Count("pk", filter=unsure),
        unsure_changed=Count("pk", filter=unsure & changed),
        sure=Count("pk", filter=~unsure),
        sure_changed=Count("pk", filter=~unsure & changed),
    )
    return {
        kind: {
            "total": counts[kind],
            "changed": counts[f"{kind}_changed"],
            "rate": round(counts[f"{kind}_changed"] / counts[kind], 3) if counts[kind] else None,
        }
        for kind in ("unsure", "sure")
    }


def first_reply_waits(tickets):
    """``tickets`` with ``wait``: how long each waited for its first reply."""
    return tickets.annotate(
        wait=ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    )


def sla_dashboard(*, days: int = 30, hidden: Sequence[int] = ()) -> dict[str, Any]:
    """SLA figures: of tickets resolved in the last ``days`` days, how many met or missed a target, per priority;
    the median time to a first reply over replies in that window; and open tickets past a deadline now."""
    now = timezone.now()
    since = now - timedelta(days=days)
    rows = (
        _tickets(hidden)
        .filter(resolved_at__gte=since)
        .values("priority")
        .annotate(
            breached=Count("resolved_at", filter=Q(sla_breached=True)),
            met=Count("resolved_at", filter=Q(sla_breached=False)),
        )
        .order_by()
    )
    found = {row["priority"]: row for row in rows}
    compliance = {
        p: {"met": found.get(p, {}).get("met", 0), "breached": found.get(p, {}).get("breached", 0)}
        for p in Priority.values
    }
    replied = first_reply_waits(_tickets(hidden).filter(first_response_at__gte=since))
    return {
        "sla_compliance": compliance,
        "median_first_response": median(replied, "wait"),
        "breaching_now": _tickets(hidden).filter(sla_due_at__lt=now).count(),
    }


TOP_TAGS = 10


def top_tags(limit: int = TOP_TAGS, *, hidden: Sequence[int] = ()) -> list[tuple[str, str, int]]:
    """The most used tags (name, colour, tickets carrying it), from the tags' counters: one small read at any size."""
    if counters_kept() and not hidden:
        tags = (
            Tag.objects.filter(ticket_count__gt=0)
            .order_by("-ticket_count", "name")
            .values_list("name", "colour", "ticket_count")
        )
    else:
        used = (
            TicketTag.objects.exclude(ticket__team__in=hidden)
            .values_list("tag__name", "tag__colour")
            .annotate(n=Count("pk"))
        )
        tags = used.order_by("-n", "tag__name")
    return list(tags[:limit])


def team_figures(*, days: int = 30, hidden: Sequence[int] = ()) -> list[dict[str, Any]]:
    """Per team: open tickets, how many of them are past a deadline now, and the median time to a first reply over
    replies in the last ``days`` days (None without any). Teams without tickets are listed too, with zeros."""
    now = timezone.now()
    teams_open = _tickets(hidden).filter(team__isnull=False, status__in=OPEN_STATUSES)
    if counters_kept():  # the open tickets per team from the counters; only those past a deadline are read
        opened = TicketCount.objects.filter(status__in=OPEN_STATUSES).exclude(team__in=[0, *hidden])
        open_counts = dict(opened.values_list("team").annotate(n=Sum("n")).order_by())
    else:
        open_counts = dict(teams_open.values_list("team").annotate(n=Count("pk")).order_by())
    late = teams_open.filter(Q(sla_breached=True) | Q(sla_due_at__lt=now))  # read from ticket_team_open_due_idx
    breached_counts = dict(late.values_list("team").annotate(n=Count("*")).order_by())
    replied = first_reply_waits(
        _tickets(hidden).filter(team__isnull=False, first_response_at__gte=now - timedelta(days=days))
    )
    teams = list(Team.objects.exclude(pk__in=hidden).order_by("name"))
    medians = {team.pk: median(replied.filter(team=team.pk), "wait") for team in teams}  # one small read a team
    return [
        {
            "team": team,
            "open": open_counts.get(team.pk, 0),
            "breached": breached_counts.get(team.pk, 0),
            "median_first_response": medians.get(team.pk),
        }
        for team in teams
    ]


def ticket_dashboard(user=None, *, days: int = 30) -> dict[str, Any]:
    """Everything the managers' dashboard shows, over the tickets ``user`` may see (a manager sees every team); the
    headline figures are exactly ``ticket_stats(user)``, read live from the counters like every other figure that
    has one. The figures over the window's tickets (new per day, backlog, medians, SLA, owners, teams) cost in
    proportion to them (~400,000 tickets in 30 days at 10 million): each process keeps them for
    ``DASHBOARD_CACHE_S`` seconds per set of visible teams; ``windows_at`` says when they were read."""
    hidden = hidden_team_ids(user)
    return {
        **ticket_stats(hidden=hidden),
        **_window_figures(days, hidden),
        "ai_agreement": ai_agreement_by_category(hidden=hidden),
        "ai_unsure_changes": ai_unsure_changes(hidden=hidden),
        "top_tags": top_tags(hidden=hidden),
        "satisfaction": satisfaction_figures(hidden=hidden),
        "deflection": deflection_figures(days=days),
    }


def _window_figures(days: int, hidden: Sequence[int]) -> dict[str, Any]:
    ttl = settings.DASHBOARD_CACHE_S
    key = f"dashboard-windows:{days}:{','.join(map(str, sorted(hidden)))}"
    if ttl > 0 and (kept := cache.get(key)) is not None:
        return kept
    figures = {
        "per_day": tickets_per_day(days=days, hidden=hidden),
        "backlog_by_age": open_backlog_by_age(hidden=hidden),
        "median_resolution_time": median_resolution_time(days=days, hidden=hidden),
        "open_by_assignee": open_by_assignee(hidden=hidden),
        "teams": team_figures(days=days, hidden=hidden),
        **sla_dashboard(days=days, hidden=hidden),
        "windows_at": timezone.now(),
    }
    if ttl > 0:
        cache.set(key, figures, ttl)
    return figures
