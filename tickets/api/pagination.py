from django.core.paginator import Paginator
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
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
        count, self.count_exact = selectors.ticket_count(
            filters=request.query_params, queryset=queryset, user=request.user
        )
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


THREAD_PAGE = OpenApiParameter(
    "page", int, required=False, description="Page of the conversation: 1 (the default) holds the newest messages."
)


def thread_page_number(request) -> int:
    """``?page=`` of a conversation: a positive number, else 400."""
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise ValidationError({"page": ["A page is a number from 1."]})
    return int(raw)


def thread_headers(response, request, thread) -> None:
    """Where the rest of a conversation is: ``Link`` to the older (next) and newer (prev) pages, and the totals."""
    links = [
        f'<{request.build_absolute_uri(f"{request.path}?page={number}")}>; rel="{rel}"'
        for number, rel in ((thread.page + 1, "next"), (thread.page - 1, "prev"))
        if 1 <= number <= thread.pages
    ]
    if links:
        response["Link"] = ", ".join(links)
    response["X-Total-Count"] = str(thread.total)
    response["X-Page-Count"] = str(thread.pages)
