"""Saved views: which an agent sees, how many open tickets each holds (the sidebar's badges), and the ticket after
this one in a view ("Send and next")."""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from tickets.filters import filter_view, hidden_team_ids, view_query, visible_to
from tickets.models import DONE_STATUSES, NEWEST_FIRST, SavedView, Status, Ticket, TicketMessage, TicketPresence
from tickets.selectors.tickets import capped_count

# A badge counts to this many open tickets, then reads "999+": a view matching 300,000 tickets stops early.
VIEW_COUNT_CAP = 999
# A badge is this many seconds old at most on a page; the sidebar's script asks for fresh ones every minute.
VIEW_COUNT_SECONDS = 30
NEXT_LOOKAHEAD = 200  # "Send and next" looks this far down a view for the ticket after the current one


def views_for(user) -> QuerySet[SavedView]:
    """The views in ``user``'s sidebar: the shared ones and their own, in order."""
    return SavedView.objects.filter(Q(shared=True) | Q(owner=user.pk)).order_by("position", "name", "pk")


def view_tickets(view_or_query, *, user) -> QuerySet[Ticket]:
    """The tickets a view (or a query string) shows ``user``: the changelist's filters and search, newest first."""
    query = view_or_query.query if isinstance(view_or_query, SavedView) else view_or_query
    tickets = visible_to(Ticket.objects.all(), user)
    return filter_view(tickets, view_query(query), user=user).order_by(*NEWEST_FIRST)


def view_open_tickets(view: SavedView, *, user) -> QuerySet[Ticket]:
    """What the badge counts: the view's tickets not yet resolved or closed, unless the view chose its statuses."""
    tickets = view_tickets(view, user=user)
    if "status__exact" in view.query:
        return tickets
    # Named, not "not done": an IN list is what the (status, ...) indexes serve.
    return tickets.filter(status__in=[s for s in Status.values if s not in DONE_STATUSES])


def view_counts(views, *, user, fresh: bool = False) -> dict[int, str]:
    """Each view's open count as its badge shows it ("12", "999+"), kept VIEW_COUNT_SECONDS per process (or shared
    cache); ``fresh`` counts again and keeps the new figures."""
    hidden = hidden_team_ids(user)
    keys = {view.pk: _count_key(view, user, hidden) for view in views}
    known = {} if fresh else cache.get_many(keys.values())
    counts, missing = {}, {}
    for view in views:
        if (count := known.get(keys[view.pk])) is None:
            count, exact = capped_count(view_open_tickets(view, user=user), VIEW_COUNT_CAP)
            count = str(count) if exact else f"{VIEW_COUNT_CAP}+"
            missing[keys[view.pk]] = count
        counts[view.pk] = count
    if missing:
        cache.set_many(missing, VIEW_COUNT_SECONDS)
    return counts


def _count_key(view: SavedView, user, hidden: list[int]) -> str:
    # "assignee=me" and "team=mine" differ by agent; every other view's count is the same for everyone who sees the
    # same teams.
    who = user.pk if "assignee=me" in view.query or "team=mine" in view.query else ""
    return "view-count:" + hashlib.sha256(f"{view.query}|{who}|{hidden}".encode()).hexdigest()


def next_in_view(query: str, *, user, after: Ticket) -> Ticket | None:
    """The ticket after ``after`` in the view ``query`` (newest first), else the view's first other ticket still
    open; None when the view holds nothing else."""
    tickets = view_tickets(query, user=user)
    ids = list(tickets.values_list("pk", flat=True)[:NEXT_LOOKAHEAD])
    if after.pk in ids:
        later = ids[ids.index(after.pk) + 1 :]
        if later:
            return Ticket.objects.get(pk=later[0])
    return tickets.exclude(pk=after.pk).exclude(status__in=DONE_STATUSES).first()


# An agent whose page has not polled for this long has left the ticket.
PRESENCE_FRESH_SECONDS = 30


def presence_others(ticket: Ticket, *, user) -> list[tuple[str, str]]:
    """Who else is on ``ticket``'s page now, and whether they are replying: (username, state), replying first."""
    since = timezone.now() - timedelta(seconds=PRESENCE_FRESH_SECONDS)
    rows = (
        TicketPresence.objects.filter(ticket=ticket, seen_at__gte=since)
        .exclude(user=user.pk)
        .order_by("-state", "user__username")  # "replying" sorts before "viewing"
        .values_list("user__username", "state")
    )
    return list(rows)


def messages_after(ticket: Ticket, *, after_id: int, user) -> list[TicketMessage]:
    """What others wrote on ``ticket`` after the message ``after_id`` (the newest the agent's page shows): replies,
    notes and the customer's messages, oldest first, at most a page's worth."""
    newer = TicketMessage.objects.filter(ticket=ticket, pk__gt=after_id).exclude(author=user.pk)
    return list(newer.select_related("author").order_by("pk")[:10])


RECENT_REPLY_MINUTES = 10  # "ana replied 3 minutes ago" on a page opened soon after


def recent_replies(ticket: Ticket, *, user) -> list[TicketMessage]:
    """Replies other agents sent on ``ticket`` in the last few minutes, newest first."""
    since = timezone.now() - timedelta(minutes=RECENT_REPLY_MINUTES)
    replies = ticket.messages.filter(kind="reply", created_at__gte=since, author__isnull=False).exclude(author=user.pk)
    return list(replies.select_related("author").order_by("-created_at")[:3])
