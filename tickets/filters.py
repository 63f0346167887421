"""The one FilterSet behind the REST list, the selectors and the CSV export."""

import re
from datetime import datetime, time, timedelta

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from unfold.utils import parse_date_str

from tickets.models import (
    VIEW_QUERY_MAX_LENGTH,
    Category,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    TicketTag,
    ai_unsure,
)
from tickets.roles import VIEW_ALL_TEAMS
from tickets.rules.sla import MOST_URGENT_FIRST, sla_filter
from tickets.rules.sla import STATES as SLA_STATES
from tickets.rules.tags import tag_name, tag_problem
from tickets.rules.tickets import ASSIGNEE_VALUE, TEAM_VALUE
from tickets.validators import validate_storable_text

SEARCH_MAX_LENGTH = 200


class TicketFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_storable_text],
        label="Search title and description (any part of a word, any case)",
    )

    assignee = django_filters.CharFilter(
        method="filter_assignee",
        label="me (yours), none (unassigned), or a staff member's id",
        validators=[RegexValidator(ASSIGNEE_VALUE, "Use me, none, or a staff member's id.")],
    )

    sla = django_filters.ChoiceFilter(
        choices=[(s, s) for s in SLA_STATES], method="filter_sla", label="SLA state: ok, due_soon, breached or met"
    )
    ai_unsure = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_ai_unsure",
        label="true: the AI's labels came with a confidence under AI_UNSURE_BELOW; false: the others",
    )
    tag = django_filters.CharFilter(
        method="filter_tag",
        max_length=500,
        validators=[validate_storable_text],
        label="Tickets with any of these tags (comma-separated names)",
    )
    tag_all = django_filters.CharFilter(
        method="filter_tag_all",
        max_length=500,
        validators=[validate_storable_text],
        label="Tickets with all of these tags (comma-separated names)",
    )
    team = django_filters.CharFilter(
        method="filter_team",
        label="mine (the asking agent's teams), none (no team), or a team's id",
        validators=[RegexValidator(TEAM_VALUE, "Use mine, none, or a team's id.")],
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("newest", "Newest first"), ("due", "Most urgent first (next SLA deadline)")],
        method="order",
        label="newest (default) or due",
    )

    class Meta:
        model = Ticket
        fields = [
            "category", "priority", "status", "search", "assignee", "sla", "ai_unsure", "tag", "tag_all", "team",
            "ordering",
        ]  # fmt: skip

    def filter_sla(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(sla_filter(value, timezone.now()))

    def filter_ai_unsure(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(ai_unsure()) if value == "true" else queryset.exclude(ai_unsure())

    def order(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.order_by(*MOST_URGENT_FIRST) if value == "due" else queryset

    def filter_assignee(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_assignee(queryset, value, user=getattr(self.request, "user", None))

    def filter_team(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_team(queryset, value, user=getattr(self.request, "user", None))

    def filter_tag(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_tags(queryset, value, every=False)

    def filter_tag_all(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_tags(queryset, value, every=True)

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return search_tickets(queryset, value)


# --- private teams: who sees which tickets ----------------------------------------------------------------------


def hidden_team_ids(user) -> list[int]:
    """The private teams whose tickets ``user`` may not see: every private team they are not a member of, none for
    a manager (``view_all_teams``). Teams are few; the ids go into the query as constants, so a list that hides
    nothing carries no condition at all."""
    if user is not None and user.is_active and user.has_perm(VIEW_ALL_TEAMS):
        return []
    if user is None or not user.is_authenticated:
        return sorted(Team.objects.filter(private=True).values_list("pk", flat=True))
    # Kept on the user object for the request, as Django keeps its permissions (a page asks several times).
    if not hasattr(user, "_hidden_team_ids"):
        private = Team.objects.filter(private=True).exclude(members=user.pk)
        user._hidden_team_ids = sorted(private.values_list("pk", flat=True))
    return user._hidden_team_ids


def visible_to(queryset: QuerySet[Ticket], user, *, hidden: list[int] | None = None) -> QuerySet[Ticket]:
    """``queryset`` without the tickets of the private teams ``user`` is not in: every staff read of tickets goes
    through here, so such a ticket is missing (a 404), never forbidden (a 403 that says it exists)."""
    hidden = hidden_team_ids(user) if hidden is None else hidden
    return queryset.exclude(team__in=hidden) if hidden else queryset


def ticket_visible(ticket: Ticket, user) -> bool:
    """Whether ``user`` may see ``ticket`` (``visible_to`` for one ticket already read)."""
    return ticket.team_id is None or ticket.team_id not in hidden_team_ids(user)


def search_tickets(queryset: QuerySet[Ticket], term: str) -> QuerySet[Ticket]:
    """Case-insensitive substring match over title and description, served by the trigram indexes."""
    term = term.strip()
    if not term:
        return queryset
    return queryset.filter(Q(title__icontains=term) | Q(description__icontains=term))


def filter_assignee(queryset: QuerySet[Ticket], value: str, *, user=None) -> QuerySet[Ticket]:
    """``me``: the asking user's tickets; ``none``: nobody's; a number: that staff member's."""
    if value == "none":
        return queryset.filter(assignee__isnull=True)
    if value == "me":
        return queryset.filter(assignee=user.pk if user is not None and user.is_authenticated else None)
    return queryset.filter(assignee=int(value))


def filter_team(queryset: QuerySet[Ticket], value: str, *, user=None) -> QuerySet[Ticket]:
    """``mine``: the asking agent's teams' tickets; ``none``: tickets of no team; a number: that team's."""
    if value == "none":
        return queryset.filter(team__isnull=True)
    if value == "mine":
        teams = list(user.teams.values_list("pk", flat=True)) if user is not None and user.is_authenticated else []
        return queryset.filter(team__in=teams)
    return queryset.filter(team=int(value))


def filter_tags(queryset: QuerySet[Ticket], value: str, *, every: bool) -> QuerySet[Ticket]:
    """Tickets carrying any (or every) of the comma-separated tags: one EXISTS per condition on the (ticket, tag)
    and (tag, ticket) indexes, so a tag filter reads like a category filter. Unknown tags match nothing."""
    names = sorted({tag_name(n) for n in value.split(",")} - {""})
    if not names:
        return queryset
    # The tags' ids first (one read on the unique name): the planner then sees which tag, and how common it is.
    ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    if not ids or (every and len(ids) < len(names)):
        return queryset.none()
    tagged = TicketTag.objects.filter(ticket=OuterRef("pk"))
    if not every:
        return queryset.filter(Exists(tagged.filter(tag_id__in=sorted(ids.values()))))
    for tag_id in sorted(ids.values()):
        queryset = queryset.filter(Exists(tagged.filter(tag_id=tag_id)))
    return queryset


# --- saved views: the changelist's own parameters --------------------------------------------------------------

# What a saved view keeps of the changelist's query string: its filters, its search and its ordering.
LABEL_PARAMETERS = {"status__exact": Status, "priority__exact": Priority, "category__exact": Category}
VIEW_PARAMETERS = (
    *LABEL_PARAMETERS, "assignee", "team", "sla", "ai_unsure", "tag", "created_at_from", "created_at_to", "q", "o",
)  # fmt: skip
# Left out of a view without a word: the page, and the admin's own bookkeeping.
VIEW_IGNORED = ("p", "_changelist_filters", "all", "e", "_facets")
_ORDERING = re.compile(r"^-?[0-9]{1,3}(\.-?[0-9]{1,3}){0,9}$")


def view_query(text: str) -> QueryDict:
    """The changelist query string ``text`` as a saved view keeps it (ignored keys dropped, keys sorted), or a
    ValidationError saying what cannot be kept."""
    if len(text) > VIEW_QUERY_MAX_LENGTH:
        raise ValidationError(f"A view's filters are at most {VIEW_QUERY_MAX_LENGTH} characters.")
    given = QueryDict(text.lstrip("?"))
    kept = QueryDict(mutable=True)
    problems = []
    for key in sorted(given):
        if key in VIEW_IGNORED:
            continue
        values = [v for v in given.getlist(key) if v != ""]
        if key not in VIEW_PARAMETERS:
            problems.append(f"\u201c{key[:40]}\u201d is not a filter a view can keep.")
        elif problem := _view_value_problem(key, values):
            problems.append(problem)
        elif values:
            kept.setlist(key, values)
    if problems:
        raise ValidationError(problems)
    return kept


def _view_value_problem(key: str, values: list[str]) -> str:
    if key in LABEL_PARAMETERS:
        bad = [v for v in values if v not in LABEL_PARAMETERS[key].values]
        return f"Unknown {key.split('__')[0]}: {', '.join(bad)[:80]}." if bad else ""
    if len(values) > 1:
        return f"{key} takes one value."
    value = values[0] if values else ""
    checks = {
        "assignee": lambda v: ASSIGNEE_VALUE.match(v),
        "team": lambda v: TEAM_VALUE.match(v),
        "sla": lambda v: v in SLA_STATES,
        "ai_unsure": lambda v: v in ("true", "false"),
        "tag": lambda v: all(not tag_problem(n) for n in v.split(",") if n.strip()),
        "created_at_from": lambda v: parse_date_str(v) is not None,
        "created_at_to": lambda v: parse_date_str(v) is not None,
        "q": lambda v: len(v) <= SEARCH_MAX_LENGTH and _storable(v),
        "o": lambda v: _ORDERING.match(v),
    }
    return "" if not value or checks[key](value) else f"{key}: \u201c{value[:60]}\u201d is not a value it takes."


def _storable(value: str) -> bool:
    try:
        validate_storable_text(value)
    except ValidationError:
        return False
    return True


def filter_view(queryset: QuerySet[Ticket], params: QueryDict, *, user) -> QuerySet[Ticket]:
    """The tickets the changelist shows for the (``view_query``-kept) ``params``: the same rules as its filters."""
    for key in LABEL_PARAMETERS:
        if values := params.getlist(key):
            queryset = queryset.filter(**{f"{key.split('__')[0]}__in": values})
    if value := params.get("assignee"):
        queryset = filter_assignee(queryset, value, user=user)
    if value := params.get("team"):
        queryset = filter_team(queryset, value, user=user)
    if value := params.get("sla"):
        queryset = queryset.filter(sla_filter(value, timezone.now()))
    if value := params.get("ai_unsure"):
        queryset = queryset.filter(ai_unsure()) if value == "true" else queryset.exclude(ai_unsure())
    if value := params.get("tag"):
        queryset = filter_tags(queryset, value, every=False)
    days = filter_days(queryset, "created_at", params.get("created_at_from"), params.get("created_at_to"))
    return search_tickets(queryset.none() if days is None else days, params.get("q", ""))


def filter_days(queryset: QuerySet, field: str, start: str | None, end: str | None) -> QuerySet | None:
    """Whole days in the server's time zone, both ends included; None for a date that does not parse."""
    bounds = {}
    for value, lookup, shift in ((start, "gte", 0), (end, "lt", 1)):
        if value in (None, ""):
            continue
        day = parse_date_str(value) if isinstance(value, str) else None
        if day is None:
            return None
        moment = datetime.combine(day + timedelta(days=shift), time.min)
        bounds[f"{field}__{lookup}"] = timezone.make_aware(moment)
    return queryset.filter(**bounds)
