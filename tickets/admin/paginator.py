"""A changelist paginator that never runs COUNT(*) over the whole table."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tickets.db import estimated_rows
from tickets.selectors import SEARCH_COUNT_CAP, capped_count

# Below this many rows an exact count is cheap, and always right.
EXACT_COUNT_BELOW = 100_000


class EstimatedCountPaginator(Paginator):
    """Unfiltered: PostgreSQL's planner estimate (pg_class.reltuples). Filtered or searched: exact up to
    SEARCH_COUNT_CAP, so a search matching 300,000 tickets does not count them all on every page view."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if query.where:
            return capped_count(queryset, SEARCH_COUNT_CAP)[0]
        estimate = estimated_rows(queryset.model)
        if estimate is not None and estimate >= EXACT_COUNT_BELOW:
            return estimate
        return super().count
