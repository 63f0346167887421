"""A changelist paginator that never runs COUNT(*) over the whole table."""

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tickets.postgres import estimated_rows
from tickets.selectors import capped_count

# Below this many rows an exact count is cheap, and always right.
EXACT_COUNT_BELOW = 100_000
# A filtered or searched list is counted up to this many tickets (20 pages), and past it reads "500+": each
# counted row of a broad search is rechecked against the pattern (a common word's 1,000 cost ~8 ms at 1M
# tickets, 500 ~3 ms). The API counts to selectors.SEARCH_COUNT_CAP for clients that page further.
CHANGELIST_COUNT_CAP = 500
# A count that reached the cap is remembered this long: only deleting tickets can take it below, and an agent
# paging through a broad search would otherwise recount it on every page. Counts below the cap are always fresh.
CAPPED_COUNT_SECONDS = 60


class AtLeast(int):
    """A count that stopped at its cap: it pages and compares as the cap, and reads "500+" wherever the
    changelist prints it (the page count, "500+ results", "Select all 500+ tickets")."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class EstimatedCountPaginator(Paginator):
    """Unfiltered: PostgreSQL's planner estimate (pg_class.reltuples). Filtered or searched: exact up to
    CHANGELIST_COUNT_CAP, so a search matching 300,000 tickets does not count them all on every page view."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if query.where:
            return self._capped_count(queryset)
        estimate = estimated_rows(queryset.model)
        if estimate is not None and estimate >= EXACT_COUNT_BELOW:
            return estimate
        return super().count

    @staticmethod
    def _capped_count(queryset):
        sql, params = queryset.query.sql_with_params()
        # With the clock in the query (an SLA state is "due before now") it is never asked twice: not kept.
        key = None
        if not any(isinstance(param, datetime) for param in params):
            digest = hashlib.sha256(repr((sql, params, CHANGELIST_COUNT_CAP)).encode()).hexdigest()
            key = f"changelist-capped-count:{digest}"
            if (known := cache.get(key)) is not None:
                return AtLeast(known)
        count, exact = capped_count(queryset, CHANGELIST_COUNT_CAP)
        if exact:
            return count
        if key:
            cache.set(key, count, CAPPED_COUNT_SECONDS)
        return AtLeast(count)
