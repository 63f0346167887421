"""Satisfaction: the rating a link opens, and the dashboard's CSAT (good answers / all answers) per team, agent
and category over 30 and 90 days, with the comments of bad answers."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from tickets.models import DONE_STATUSES, Category, Rating, SatisfactionRating, Team, Ticket
from tickets.rules.satisfaction import rating_open_until, rating_token, rating_token_read

CSAT_PERIODS = (30, 90)
BAD_COMMENTS_SHOWN = 10


@dataclass(frozen=True)
class RatingRequest:
    """What a rating link opens: the ticket, which resolution, the answer given so far, until when it may change."""

    ticket: Ticket
    resolved_at: datetime
    answer: SatisfactionRating | None
    open_until: datetime


def rating_request(token: str) -> RatingRequest | None:
    """The resolution a "How did we do?" link names, or None for a forged, mangled or expired link, or a ticket
    since deleted: all alike."""
    found = rating_token_read(token)
    if found is None:
        return None
    ticket_id, resolved_at = found
    ticket = Ticket.objects.filter(pk=ticket_id).only("id", "title", "status").first()
    if ticket is None:
        return None
    answer = SatisfactionRating.objects.filter(ticket=ticket, resolved_at=resolved_at).first()
    return RatingRequest(ticket, resolved_at, answer, rating_open_until(resolved_at))


def rating_token_open(ticket: Ticket) -> str | None:
    """The rating link's token for the ticket's resolution while it may be rated (resolved or closed, within
    SATISFACTION_DAYS), else None: the tracking page asks "How did we do?" only then."""
    if ticket.status not in DONE_STATUSES or ticket.resolved_at is None:
        return None
    if rating_open_until(ticket.resolved_at) <= timezone.now():
        return None
    return rating_token(ticket.pk, ticket.resolved_at)


def _rate(good: int, total: int) -> dict[str, Any]:
    return {"good": good, "total": total, "rate": round(good / total, 3) if total else None}


def satisfaction_figures(*, hidden: Sequence[int] = ()) -> dict[str, Any]:
    """CSAT over each of CSAT_PERIODS, overall and per team, agent and category (as they were when the customer
    answered), each with its number of answers; and the latest bad answers' comments. Private teams ``hidden``
    from the reader are left out. A few grouped queries over the last 90 days' answers (the created_at index)."""
    now = timezone.now()
    longest = max(CSAT_PERIODS)
    answers = SatisfactionRating.objects.filter(created_at__gte=now - timedelta(days=longest))
    if hidden:
        answers = answers.exclude(ticket__team__in=hidden)
    aggregates = {}
    for days in CSAT_PERIODS:
        recent = Q(created_at__gte=now - timedelta(days=days))
        aggregates[f"good_{days}"] = Count("pk", filter=recent & Q(rating=Rating.GOOD))
        aggregates[f"total_{days}"] = Count("pk", filter=recent)

    def rates(row) -> dict[int, dict[str, Any]]:
        return {days: _rate(row[f"good_{days}"], row[f"total_{days}"]) for days in CSAT_PERIODS}

    def grouped(field: str) -> dict:
        return {row[field]: rates(row) for row in answers.values(field).annotate(**aggregates).order_by()}

    teams, agents, categories = grouped("team"), grouped("agent"), grouped("category")
    team_names = dict(Team.objects.filter(pk__in=[pk for pk in teams if pk]).values_list("pk", "name"))
    agent_names = dict(
        get_user_model().objects.filter(pk__in=[pk for pk in agents if pk]).values_list("pk", "username")
    )
    bad = (
        answers.filter(rating=Rating.BAD)
        .exclude(comment="")
        .select_related("ticket", "team", "agent")
        .order_by("-changed_at")[:BAD_COMMENTS_SHOWN]
    )
    return {
        "periods": CSAT_PERIODS,
        "overall": rates(answers.aggregate(**aggregates)),
        "by_team": sorted(((team_names.get(pk, "No team"), r) for pk, r in teams.items()), key=lambda x: x[0]),
        "by_agent": sorted(((agent_names.get(pk, "Nobody"), r) for pk, r in agents.items()), key=lambda x: x[0]),
        "by_category": [(Category(c).label, categories[c]) for c in Category.values if c in categories],
        "bad_comments": list(bad),
    }
