"""Reads of tickets: the filtered list and its count, one ticket's thread, the tracking link's ticket, similar
titles, the staff a ticket can be assigned to."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils import timezone

from tickets.filters import TicketFilter, hidden_team_ids, visible_to
from tickets.models import (
    DONE_STATUSES,
    NEWEST_FIRST,
    PUBLIC_KINDS,
    Tag,
    Ticket,
    TicketCount,
    TicketEvent,
    TicketMessage,
)
from tickets.postgres import counters_kept, nearest_titles
from tickets.rules.tags import tag_name
from tickets.rules.tickets import page_within
from tickets.rules.tracking import TOKEN_PATTERN, token_hash
from tickets.selectors.portal import customer_tickets


def ticket_list(*, filters: Mapping[str, Any] | None = None, request=None) -> QuerySet[Ticket]:
    """The tickets ``request.user`` may see, newest first, narrowed by the FilterSet (``request`` also answers
    ``assignee=me``); invalid filter values raise ``ValidationError``."""
    queryset = Ticket.objects.select_related("assignee", "team").prefetch_related("tags").order_by(*NEWEST_FIRST)
    queryset = visible_to(queryset, getattr(request, "user", None))
    filterset = TicketFilter(filters or {}, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return filterset.qs


def tracking_find(token: str) -> Ticket | None:
    """The ticket a tracking token opens, or None: malformed, unknown, or closed longer than TRACKING_LINK_DAYS
    ago all look the same."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    ticket = Ticket.objects.filter(tracking_token_hash=token_hash(token)).first()
    if ticket is None:
        return None
    expired_before = timezone.now() - timedelta(days=settings.TRACKING_LINK_DAYS)
    if ticket.status in DONE_STATUSES and ticket.resolved_at and ticket.resolved_at < expired_before:
        return None
    return ticket


@dataclass(frozen=True)
class ThreadPage:
    """One page of a conversation: ``messages`` oldest first within the page; page 1 holds the newest."""

    messages: list[TicketMessage]
    page: int
    pages: int
    total: int


def ticket_thread_page(ticket: Ticket, *, public: bool, page: int = 1) -> ThreadPage:
    """A page of the thread (``public`` leaves out internal notes: what the submitter sees), newest page
    first (``THREAD_PAGE_SIZE`` messages), so a flooded ticket still opens at its latest messages with the reply
    box at hand. A page past the last one is the last (oldest) page."""
    size = settings.THREAD_PAGE_SIZE
    messages = ticket.messages.filter(kind__in=PUBLIC_KINDS) if public else ticket.messages.all()
    total = messages.count()
    page, pages = page_within(total, size, page)
    newest_first = (
        messages.select_related("author", "email").prefetch_related("attachments").order_by("-created_at", "-id")
    )
    chunk = list(newest_first[(page - 1) * size : page * size])
    return ThreadPage(messages=chunk[::-1], page=page, pages=pages, total=total)


def request_files(ticket: Ticket) -> QuerySet:
    """The files sent with the ticket's request itself (a message's files are listed with the message)."""
    return ticket.attachments.filter(message__isnull=True)


SIMILAR_SHOWN = 5
SIMILAR_MIN = 0.3  # pg_trgm's own default threshold for "similar"


def similar_tickets(ticket: Ticket, *, user) -> list[tuple[Ticket, float]]:
    """Up to five earlier tickets whose titles are most like this one's, resolved (or closed) ones first: an answer
    that worked is worth more than a twin still open. Near twins come from the titles' MinHash keys
    (tickets/postgres.py); those of private teams ``user`` is not in are left out."""
    hidden = set(hidden_team_ids(user))
    near = [
        (other, score)
        for other, score in nearest_titles(ticket.title, exclude_id=ticket.pk, near_id=ticket.pk)
        if score >= SIMILAR_MIN
        and (other.created_at, other.pk) < (ticket.created_at, ticket.pk)
        and other.team_id not in hidden
    ]
    near.sort(key=lambda pair: (pair[0].status not in DONE_STATUSES, -pair[1], -pair[0].pk))
    return near[:SIMILAR_SHOWN]


# The API's list counts a search, an SLA state or an owner filter up to this many matches: each one counted is a
# row rechecked, and a common word's 10,000 cost ~100 ms at 1M tickets, more than the page itself. Past it: the
# cap, and count_exact false. (The admin has its own, smaller cap: admin/paginator.py.)
SEARCH_COUNT_CAP = 1_000


def ticket_count(*, filters: Mapping[str, Any], queryset: QuerySet[Ticket], user=None) -> tuple[int, bool]:
    """(count, exact) for a filtered list. Label filters alone: exact, from the counters (less the rows of the
    private teams ``user`` may not see). With a search, an SLA state (it depends on the
    clock) or an owner (no counter per owner): exact up to ``SEARCH_COUNT_CAP`` matches, else the cap and
    ``exact=False``; an agent's 80,000 tickets were counted row by row on every page."""
    hidden = hidden_team_ids(user)
    search = (filters.get("search") or "").strip()
    labels = {name: filters[name] for name in ("category", "priority", "status") if filters.get(name)}
    tags = {tag_name(n) for n in (filters.get("tag") or "").split(",")} - {""}
    alone = not (
        search or labels or any(filters.get(name) for name in ("sla", "assignee", "tag_all", "ai_unsure", "team"))
    )
    if alone and len(tags) == 1 and counters_kept() and not hidden:
        # One tag and nothing else: its counter, kept by the database like the label counters.
        return Tag.objects.filter(name=tags.pop()).aggregate(n=Sum("ticket_count", default=0))["n"], True
    if search or any(filters.get(name) for name in ("sla", "assignee", "tag", "tag_all", "team", "ai_unsure")):
        return capped_count(queryset, SEARCH_COUNT_CAP)
    if counters_kept():
        counters = TicketCount.objects.filter(**labels).exclude(team__in=hidden)  # the counters know the team
        return counters.aggregate(n=Sum("n", default=0))["n"], True
    return queryset.count(), True


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """(count, exact): counts at most ``cap`` rows, so a query matching 300,000 rows stops early."""
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted <= cap


def active_staff():
    """Who a ticket can be assigned to: active staff accounts, by name."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


SUBMITTER_TICKETS_SHOWN = 5
HISTORY_SHOWN = 50


def submitter_tickets(ticket: Ticket, *, user) -> list[Ticket]:
    """The submitter's other tickets ``user`` may see, newest first (the side panel's "Their other tickets")."""
    if not ticket.submitter_email:
        return []
    others = visible_to(customer_tickets(ticket.submitter_email), user).exclude(pk=ticket.pk)
    return list(others.only("pk", "title", "status", "created_at")[:SUBMITTER_TICKETS_SHOWN])


def ticket_history(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's latest changes, oldest first within them, with who made each (the page's history timeline)."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("-created_at", "-id")
    return list(events[:HISTORY_SHOWN])[::-1]
