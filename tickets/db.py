"""Where Cootrack uses PostgreSQL's own strengths, each beside the plain fallback `make run`'s SQLite gets.

Callers ask these functions and never test the database vendor themselves:
- counters_kept: trigger-kept label counters (tickets_ticketcount) stand in for COUNT(*) scans;
- median: percentile_cont in one pass, or the middle rows;
- estimated_rows: the planner's row estimate of a table, or None (count it);
- csv_rows: COPY ... TO STDOUT streams a query as CSV, or a server-side cursor through the csv module;
- copy_rows: COPY ... FROM STDIN for bulk loads (PostgreSQL only: callers load through the ORM elsewhere);
- nearest_titles: a trigram index read in distance order (pg_trgm's GiST, ``<->``), or trigrams counted in Python
  over the newest tickets.
"""

import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.contrib.postgres.search import TrigramDistance
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Aggregate, DurationField, QuerySet, Value
from psycopg.errors import QueryCanceled

from tickets.models import Ticket

logger = logging.getLogger(__name__)

CSV_CHUNK_ROWS = 2000


def is_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


def counters_kept() -> bool:
    """PostgreSQL keeps tickets_ticketcount exact with triggers; elsewhere (SQLite for `make run`) rows are counted."""
    return is_postgresql()


class _Median(Aggregate):
    """PostgreSQL's exact median in one pass: percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def median(queryset: QuerySet, field: str) -> timedelta | None:
    """The exact median of a duration over ``queryset``; None when it is empty."""
    if is_postgresql(queryset.db):
        return queryset.order_by().aggregate(median=_Median(field))["median"]
    count = queryset.count()
    if not count:
        return None
    values = list(queryset.order_by(field).values_list(field, flat=True)[(count - 1) // 2 : count // 2 + 1])
    return sum(values, timedelta()) / len(values)


def estimated_rows(model) -> int | None:
    """PostgreSQL's estimate of a table's rows (pg_class.reltuples, kept by ANALYZE); None elsewhere."""
    if not is_postgresql():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row else None


def csv_rows(values: QuerySet) -> Iterator[bytes]:
    """The rows of a ``values_list`` queryset as CSV chunks (no header), memory flat however many rows."""
    db = connections[values.db]
    if db.vendor != "postgresql":
        yield from _python_csv(values)
        return
    import psycopg

    sql, params = values.query.sql_with_params()
    db.ensure_connection()
    raw = db.connection
    # COPY takes no bind parameters: psycopg's client-side binding quotes them safely into the statement.
    query = psycopg.ClientCursor(raw).mogrify(sql, params)
    with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:  # noqa: S608
        for chunk in copy:
            yield bytes(chunk)


def _python_csv(values: QuerySet) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, row in enumerate(values.iterator(chunk_size=CSV_CHUNK_ROWS), start=1):
        writer.writerow(["" if v is None else v.isoformat(sep=" ") if hasattr(v, "isoformat") else v for v in row])
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def copy_rows(raw_cursor, table: str, columns: Iterable[str], rows: Iterable) -> None:
    """COPY rows into a table (PostgreSQL): the fastest way in."""
    with raw_cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608 (constants)
        for row in rows:
            copy.write_row(row)


# How many of the nearest titles one lookup reads: enough to pick the resolved ones first among them.
NEAREST_TITLES = 50
# The index finds a title's twins in a few milliseconds; a title like no other makes it search far (hundreds of
# milliseconds at 1M tickets), so the lookup gives up after this long and shows none: a change page never waits.
NEAREST_TITLES_TIMEOUT_MS = 100
# Without pg_trgm (SQLite, `make run`): compare with this many of the newest tickets.
NEAREST_TITLES_SCAN = 5000


def nearest_titles(title: str, *, exclude_id: int | None) -> list[tuple[Ticket, float]]:
    """The ``NEAREST_TITLES`` tickets whose titles share the most trigrams with ``title``, nearest first, each with
    its similarity (0 to 1, pg_trgm's measure). On PostgreSQL one GiST index scan that stops at the limit."""
    tickets = Ticket.objects.exclude(pk=exclude_id).only("id", "title", "status", "created_at")
    if is_postgresql():
        rows = tickets.annotate(distance=TrigramDistance("title", Value(title))).order_by("distance")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Local to this transaction, or savepoint (whose rollback undoes it); then put back as it was.
                cursor.execute("SELECT current_setting('statement_timeout')")
                (before,) = cursor.fetchone()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(NEAREST_TITLES_TIMEOUT_MS)])
                found = [(ticket, 1.0 - ticket.distance) for ticket in rows[:NEAREST_TITLES]]
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
        except OperationalError as exc:
            if not isinstance(exc.__cause__, QueryCanceled):
                raise
            logger.info("similar titles: gave up after %s ms", NEAREST_TITLES_TIMEOUT_MS)
            return []
        return found
    wanted = trigrams(title)
    scored = [
        (ticket, similarity(wanted, trigrams(ticket.title))) for ticket in tickets.order_by("-id")[:NEAREST_TITLES_SCAN]
    ]
    return sorted(scored, key=lambda pair: -pair[1])[:NEAREST_TITLES]


_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before and one after."""
    grams = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
