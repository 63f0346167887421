"""Where Cootrack uses PostgreSQL's own strengths, each beside the plain fallback `make run`'s SQLite gets.

Application code asks these functions instead of testing the database vendor (the seeding and locking commands,
which need PostgreSQL, check it themselves and say so):
- counters_kept: trigger-kept label counters (tickets_ticketcount) stand in for COUNT(*) scans;
- median: percentile_cont in one pass, or the middle rows;
- estimated_rows: the planner's row estimate of a table, or None (count it);
- csv_rows: COPY ... TO STDOUT streams a query as CSV, or a server-side cursor through the csv module;
- copy_rows: COPY ... FROM STDIN for bulk loads (PostgreSQL only: callers load through the ORM elsewhere);
- nearest_titles: near twins by MinHash band keys (a GIN index), or the newest tickets compared in Python;
- held_lock: one process at a time across every host, by advisory locks that a connection pooler cannot break;
- apply_planner_settings: the planner's settings kept on the role, where every connection finds them.
"""

import atexit
import csv
import io
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Aggregate, DurationField, Func, Max, QuerySet, TextField

from tickets.models import Ticket
from tickets.titles import similarity, sketch_keys, trigrams

CSV_CHUNK_ROWS = 2000

logger = logging.getLogger(__name__)
# How often a process waiting for held_lock(wait=True) tries again.
WAIT_RETRY_S = 0.2


def is_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


def counters_kept() -> bool:
    """PostgreSQL keeps tickets_ticketcount exact with triggers; elsewhere (SQLite for `make run`) rows are counted."""
    return is_postgresql()


class JoinedNames(Aggregate):
    """The group's names in order, joined by ", ": PostgreSQL's string_agg, SQLite's group_concat."""

    function = "string_agg"
    template = "%(function)s(%(expressions)s, ', ' ORDER BY %(expressions)s)"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, function="group_concat", template="%(function)s(%(expressions)s, ', ')"
        )


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


# Tickets sharing a sketch key with the title read per lookup: enough to hold its near twins (few others share one).
SKETCH_CANDIDATES = 200
# Without the sketch index (SQLite, `make run`): compare with this many of the newest tickets.
NEAREST_TITLES_SCAN = 5000
# The sketch index files each key under the million of ticket ids it belongs to (migration 0033).
TITLE_KEY_BUCKET = 1_000_000


class _TitleKeys(Func):
    """The expression the GIN index is built on (migration 0033), written out so the planner matches it."""

    template = "ticket_title_keys(title_sketch, id)"
    output_field = ArrayField(TextField())


def title_keys(keys: Sequence[str], buckets: Iterable[int]) -> list[str]:
    """The index's entries for these band keys in these millions of ticket ids."""
    return [f"{key}/{bucket}" for bucket in buckets for key in keys]


def nearest_titles(title: str, *, exclude_id: int | None, near_id: int | None = None) -> list[tuple[Ticket, float]]:
    """Tickets whose titles are most like ``title``, most alike first, each with its similarity (0 to 1,
    pg_trgm's measure). On PostgreSQL the candidates are those sharing a MinHash band key with it (a GIN index:
    near twins), read first among the million ticket ids of ``near_id`` (the newest ticket's when None) and the
    million before, then, when those hold fewer than ``SKETCH_CANDIDATES``, among the older ones: a common title's
    lookup reads as much at 10 million tickets as at one. Elsewhere the newest tickets."""
    tickets = Ticket.objects.only("id", "title", "status", "created_at", "team_id")
    if is_postgresql():
        keys = sketch_keys(title)
        if not keys:
            return []
        if near_id is None:
            near_id = tickets.aggregate(newest=Max("id"))["newest"] or 0
        newest = near_id // TITLE_KEY_BUCKET
        recent = range(max(newest - 1, 0), newest + 1)
        candidates = _sharing_keys(tickets, title_keys(keys, recent), SKETCH_CANDIDATES)
        if len(candidates) < SKETCH_CANDIDATES and recent.start > 0:
            older = title_keys(keys, range(recent.start))
            candidates += _sharing_keys(tickets, older, SKETCH_CANDIDATES - len(candidates))
    else:
        candidates = list(tickets.order_by("-id")[:NEAREST_TITLES_SCAN])
    # The ticket itself is left out here, not in SQL: a condition on the id invites a scan of the primary key.
    candidates, wanted, scores = [t for t in candidates if t.pk != exclude_id], trigrams(title), {}
    for ticket in candidates:  # twins often share a title word for word: each distinct one is measured once
        if ticket.title not in scores:
            scores[ticket.title] = similarity(wanted, trigrams(ticket.title))
    return sorted(((ticket, scores[ticket.title]) for ticket in candidates), key=lambda pair: -pair[1])


def _sharing_keys(tickets: QuerySet[Ticket], entries: list[str], limit: int) -> list[Ticket]:
    """Up to ``limit`` tickets with any of these index entries, unordered: the first the index gives. For a title
    with thousands of twins the planner would rather read the table until it has enough, building every row's
    entries on the way: the index is the only way in for this one query, then the setting is put back."""
    query = tickets.alias(keys=_TitleKeys()).filter(keys__overlap=entries).order_by()[:limit]
    with transaction.atomic(using=query.db), connections[query.db].cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        candidates = list(query)
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])
    return candidates


@contextmanager
def held_lock(lock_class: int, keys: Sequence[int], *, wait: bool = False, keep: bool = True) -> Iterator[int | None]:
    """Holds the first free advisory lock (``lock_class``, key) of ``keys`` for the block and yields its key; None at
    once when every one is taken (``wait``: tries again until one is free).

    The lock is transaction-scoped, in a transaction left open on a connection of its own: a pooler in transaction
    mode (PgBouncer) keeps a transaction on one server connection, where a session lock would stay behind on a
    server connection the next client gets. The ORM's own connection stays free to commit in between; the lock ends
    with the block, or with the process (its connection closes, the transaction rolls back). Elsewhere (SQLite,
    `make run`: one process) the first key is yielded at once. ``keep``: False closes the connection afterwards
    instead of keeping it for the next lock (migrate's lock: its session predates the role settings migrate
    writes, and a pooler would hand that session to others)."""
    if not is_postgresql():
        yield keys[0]
        return
    own = _lock_connection()
    try:
        with own.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT key FROM unnest(%s::int[]) WITH ORDINALITY AS k (key, n) "
                    "WHERE pg_try_advisory_xact_lock(%s, key) ORDER BY n LIMIT 1",
                    [list(keys), lock_class],
                )
                row = cursor.fetchone()
                if row or not wait:
                    break
                # Waiting in pg_advisory_xact_lock would hold a snapshot the whole time, and CREATE INDEX
                # CONCURRENTLY (a migration the holder runs) waits for every older snapshot: the two would wait
                # for each other unseen. Between tries this transaction holds none.
                own.rollback()
                time.sleep(WAIT_RETRY_S)
        yield row[0] if row else None
    finally:
        _release(own, keep=keep)


# Lock connections kept between locks, per process: an LLM call or a mailbox poll takes a lock each time, and
# opening a connection (and a server process) for each cost more than the rest of the lock. A few are kept idle
# (a transaction-mode pooler hands their server connection to others meanwhile); a lock taken while another is
# held, here or in another thread, takes another.
IDLE_LOCK_CONNECTIONS = 2
_idle: list = []
_idle_pid: int | None = None  # the process the idle ones belong to: a forked child never uses its parent's
_idle_guard = threading.Lock()


def _lock_connection():
    global _idle_pid
    with _idle_guard:
        if _idle_pid != os.getpid():
            _idle.clear()
            _idle_pid = os.getpid()
        own = _idle.pop() if _idle else None
    if own is not None and (_where(own) != _where(connections["default"]) or not own.is_usable()):
        own.close()  # the database's settings changed (tests), or the server restarted or dropped it
        own = None
    if own is None:
        own = connections.create_connection("default")
        own.inc_thread_sharing()  # kept for any thread of the process, one at a time
        own.set_autocommit(False)
    return own


def _where(wrapper) -> tuple:
    return tuple(wrapper.settings_dict.get(key) for key in ("HOST", "PORT", "NAME", "USER"))


def _release(own, *, keep: bool) -> None:
    """End the lock's transaction, and the lock with it; keep the connection idle for the next lock, or close it
    (PostgreSQL then ends its transaction)."""
    if not keep:
        own.close()
        return
    try:
        own.rollback()
    except DatabaseError:
        own.close()
        return
    with _idle_guard:
        if _idle_pid == os.getpid() and len(_idle) < IDLE_LOCK_CONNECTIONS:
            _idle.append(own)
            return
    own.close()


@atexit.register
def _close_idle() -> None:
    with _idle_guard:
        if _idle_pid == os.getpid():
            for own in _idle:
                own.close()
        _idle.clear()


def apply_planner_settings(using: str = "default") -> None:
    """Keep ``settings.RANDOM_PAGE_COST`` as this role's default in this database (empty: the server's own), so that
    every new connection starts with it: through a pooler too, which refuses settings sent at connection time.
    Run after each ``migrate``; a role not allowed to (it must own itself) keeps the server's setting, with a
    warning."""
    if not is_postgresql(using):
        return
    value = settings.RANDOM_PAGE_COST
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_database())")
        (database,) = cursor.fetchone()
        try:
            if value:
                cursor.execute(f"ALTER ROLE CURRENT_USER IN DATABASE {database} SET random_page_cost = %s", [value])
                # This connection too (migrate's later work, a test database's tests): the same value as the role's,
                # so a pooled server connection that keeps it is no different from a fresh one.
                cursor.execute("SELECT set_config('random_page_cost', %s, false)", [value])
            else:
                cursor.execute(f"ALTER ROLE CURRENT_USER IN DATABASE {database} RESET random_page_cost")
        except DatabaseError as error:
            logger.warning("random_page_cost not kept on the role: %s", error)
