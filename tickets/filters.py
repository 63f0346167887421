"""The one FilterSet behind the REST list, the selectors and the CSV export."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tickets.models import Category, Priority, Status, Ticket, TicketTag, ai_unsure
from tickets.rules.sla import MOST_URGENT_FIRST, sla_filter
from tickets.rules.sla import STATES as SLA_STATES
from tickets.rules.tags import tag_name
from tickets.rules.tickets import ASSIGNEE_VALUE
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
    ordering = django_filters.ChoiceFilter(
        choices=[("newest", "Newest first"), ("due", "Most urgent first (next SLA deadline)")],
        method="order",
        label="newest (default) or due",
    )

    class Meta:
        model = Ticket
        fields = [
            "category", "priority", "status", "search", "assignee", "sla", "ai_unsure", "tag", "tag_all", "ordering"
        ]  # fmt: skip

    def filter_sla(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(sla_filter(value, timezone.now()))

    def filter_ai_unsure(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(ai_unsure()) if value == "true" else queryset.exclude(ai_unsure())

    def order(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.order_by(*MOST_URGENT_FIRST) if value == "due" else queryset

    def filter_assignee(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_assignee(queryset, value, user=getattr(self.request, "user", None))

    def filter_tag(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_tags(queryset, value, every=False)

    def filter_tag_all(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return filter_tags(queryset, value, every=True)

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return search_tickets(queryset, value)


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


def filter_tags(queryset: QuerySet[Ticket], value: str, *, every: bool) -> QuerySet[Ticket]:
    """Tickets carrying any (or every) of the comma-separated tags: one EXISTS per condition on the (ticket, tag)
    and (tag, ticket) indexes, so a tag filter reads like a category filter. Unknown tags match nothing."""
    names = sorted({tag_name(n) for n in value.split(",")} - {""})
    if not names:
        return queryset
    tagged = TicketTag.objects.filter(ticket=OuterRef("pk"))
    if not every:
        return queryset.filter(Exists(tagged.filter(tag__name__in=names)))
    for name in names:
        queryset = queryset.filter(Exists(tagged.filter(tag__name=name)))
    return queryset
