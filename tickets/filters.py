"""The one FilterSet behind the REST list, the selectors and the CSV export."""

import django_filters
from django.db.models import Q, QuerySet

from tickets.models import Category, Priority, Status, Ticket
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

    class Meta:
        model = Ticket
        fields = ["category", "priority", "status", "search"]

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return search_tickets(queryset, value)


def search_tickets(queryset: QuerySet[Ticket], term: str) -> QuerySet[Ticket]:
    """Case-insensitive substring match over title and description, served by the trigram indexes."""
    term = term.strip()
    if not term:
        return queryset
    return queryset.filter(Q(title__icontains=term) | Q(description__icontains=term))
