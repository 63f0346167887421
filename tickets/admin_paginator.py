"""A changelist paginator that never runs COUNT(*) over the whole table."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap, and always right.
EXACT_COUNT_BELOW = 100_000


class EstimatedCountPaginator(Paginator):
    """Unfiltered: PostgreSQL's planner estimate (pg_class.reltuples). Filtered: the exact count."""

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
        return super().count
