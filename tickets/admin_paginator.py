"""A changelist paginator that never runs COUNT(*) over the whole table."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap, and always right.
EXACT_COUNT_BELOW = 100_000


# A filtered or searched changelist counts at most this far ("10000" then means "10000 or more").
FILTERED_COUNT_CAP = 10_000


class EstimatedCountPaginator(Paginator):
    """Unfiltered: PostgreSQL's planner estimate (pg_class.reltuples). Filtered or searched: exact up to
    FILTERED_COUNT_CAP, so a search matching 300,000 tickets does not count them all on every page view."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            estimate = row[0] if row else -1
            if estimate is not None and estimate >= EXACT_COUNT_BELOW:
                return estimate
        if query is not None and query.where:
            return queryset.order_by().values("pk")[:FILTERED_COUNT_CAP].count()
        return super().count
