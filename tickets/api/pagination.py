from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from tickets import selectors
from tickets.models import PAGE_SIZE


class KnownCountPaginator(Paginator):
    """Django's paginator, told its count instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, known_count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        return self.known_count


class TicketPagination(PageNumberPagination):
    """Page-number pagination whose ``count`` is exact for every label filter (kept by database counters) and
    exact up to selectors.SEARCH_COUNT_CAP (1,000) for a search, an SLA state or an owner; ``count_exact`` says
    which. Pages past a capped count are 404."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        count, self.count_exact = selectors.ticket_count(filters=request.query_params, queryset=queryset)
        self.django_paginator_class = lambda objects, per_page: KnownCountPaginator(
            objects, per_page, known_count=count
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.count_exact
        response.data["page_size"] = self.page.paginator.per_page
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when a search, SLA filter or owner filter matched more than "
            f"{selectors.SEARCH_COUNT_CAP:,} tickets and count is that cap.",
        }
        schema["properties"]["page_size"] = {
            "type": "integer",
            "description": "Tickets per page (the last may hold fewer).",
        }
        schema["required"] = [*schema.get("required", []), "count_exact", "page_size"]
        return schema
