"""Read replicas: reads that tolerate a few seconds of lag go to a streaming standby, everything else to the primary.

Which reads tolerate lag is said here, by view (REPLICA_VIEWS): lists, searches, counts, dashboards, stats, exports,
similar tickets. The application's code knows nothing of replicas: the middleware chooses a replica for the request
and the router sends the ORM's reads there. Everything else (writes, a ticket's page an agent is about to edit,
the worker's tasks) reads the primary.

- Read-your-writes: a request that may write (any method but GET/HEAD/OPTIONS) reads the primary, and so does the
  same client for DATABASE_READ_YOUR_WRITES_S seconds after it, so an agent never saves and then sees the old
  value in a list: a browser by a cookie, an API client by its credentials (a marker in the shared cache, keyed
  by a hash of its Authorization header, read from the primary).
- Each process checks a replica's lag at most every DATABASE_REPLICA_CHECK_S seconds; one that is down, not
  streaming from the primary, or behind by more than DATABASE_REPLICA_MAX_LAG_S is skipped until a later check
  finds it well (each change logged once). A replica that fails during a request costs nothing but time: the
  request is answered again from the primary (views chosen here only read).
"""

import hashlib
import itertools
import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# Views (namespace:name) whose reads may lag by seconds. Only their GETs, but for the admin's CSV export: a POST
# of a form that only reads (and audits the export, which the router writes to the primary).
REPLICA_VIEWS = frozenset(
    {
        "ticket-list",
        "ticket-stats",
        "ticket-similar",
        "admin:index",
        "admin:tickets_ticket_changelist",
        "admin:tickets_ticket_view_counts",
        "admin:tickets_ticket_export",
        "admin:tickets_ticket_export_xlsx",
        "dashboards:stats",
    }
)
REPLICA_POSTS = frozenset({"admin:tickets_ticket_export"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WROTE_COOKIE = "cootrack_wrote"

_reads_from: ContextVar[str | None] = ContextVar("reads_from", default=None)

LAG_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != "default"]


class ReplicaRouter:
    """Reads go where the middleware chose for this request (the primary when it chose nothing); an object read
    from a replica keeps reading its relations there; every write, and every migration, is the primary's."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return _reads_from.get()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class _Health:
    """Each replica's last known health in this process: checked at most every DATABASE_REPLICA_CHECK_S seconds,
    on the checking thread's own connection to it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state: dict[str, tuple[bool | None, float]] = {}  # alias -> (usable, monotonic time of the check)
        self._turn = itertools.count()

    def pick(self) -> str | None:
        aliases = replica_aliases()
        start = next(self._turn)
        for n in range(len(aliases)):
            alias = aliases[(start + n) % len(aliases)]
            if self.usable(alias):
                return alias
        return None

    def usable(self, alias: str) -> bool:
        with self._lock:
            # Never checked: None, so that a first check finding a problem says so (was False would hide it).
            usable, checked = self._state.get(alias, (None, float("-inf")))
            if time.monotonic() - checked < settings.DATABASE_REPLICA_CHECK_S:
                return bool(usable)
            self._state[alias] = (usable, time.monotonic())  # one thread checks; the others keep the last answer
        problem = _check(alias)
        self.record(alias, problem)
        return problem is None

    def record(self, alias: str, problem: str | None) -> None:
        with self._lock:
            was, _ = self._state.get(alias, (None, 0.0))
            self._state[alias] = (problem is None, time.monotonic())
        if problem is not None and was is not False:
            logger.warning("replica %s skipped, reads go to the primary: %s", alias, problem)
        elif problem is None and was is False:
            logger.warning("replica %s back in use", alias)

    def forget(self) -> None:
        with self._lock:
            self._state.clear()


health = _Health()


def _check(alias: str) -> str | None:
    """Why the replica cannot serve reads now, or None."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, streaming, lag = cursor.fetchone()
    except DatabaseError as error:
        connection.close()
        return f"unreachable ({str(error).strip() or type(error).__name__})"
    if not in_recovery:
        return "not a standby (pg_is_in_recovery() is false)"
    if not streaming:
        return "not streaming from the primary"
    if lag > settings.DATABASE_REPLICA_MAX_LAG_S:
        return f"{lag:.1f} s behind (DATABASE_REPLICA_MAX_LAG_S={settings.DATABASE_REPLICA_MAX_LAG_S:g})"
    return None


class ReplicaReadsMiddleware:
    """Chooses the database a request reads (see the module's description); installed only with replicas."""

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        request.reads_from = "default"
        try:
            response = self.get_response(request)
            alias = request.reads_from
            if alias != "default" and connections[alias].errors_occurred:
                # The replica failed during the request (it stopped, or cancelled a query): mark it and answer again
                # from the primary. The view only read, so running it twice is safe.
                health.record(alias, "failed during a request")
                connections[alias].close()
                request.reads_from = "default"
                _reads_from.set(None)
                response = self.get_response(request)
        finally:
            _reads_from.set(None)
        if request.method not in SAFE_METHODS:
            if key := _credentials_key(request):
                cache.set(key, 1, settings.DATABASE_READ_YOUR_WRITES_S)
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.DATABASE_READ_YOUR_WRITES_S,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        if settings.SERVER_TIMING:  # the benchmark and the replica tests read where a request read
            response["X-Read-From"] = request.reads_from
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.reads_from != "default" or not self._tolerates_lag(request):
            return None
        alias = health.pick()
        if alias is not None:
            request.reads_from = alias
            _reads_from.set(alias)
        return None

    @staticmethod
    def _tolerates_lag(request) -> bool:
        match = request.resolver_match
        if match is None or match.view_name not in REPLICA_VIEWS or WROTE_COOKIE in request.COOKIES:
            return False
        if request.method not in SAFE_METHODS and match.view_name not in REPLICA_POSTS:
            return False
        return not ((key := _credentials_key(request)) and cache.get(key))


def _credentials_key(request) -> str | None:
    """The cache key of a client that signs its requests (an API token), or None for one that does not."""
    credentials = request.META.get("HTTP_AUTHORIZATION", "")
    return f"wrote:{hashlib.sha256(credentials.encode()).hexdigest()[:32]}" if credentials else None
