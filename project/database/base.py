"""PostgreSQL through Django's own backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection before a request's first query by sending it
``SELECT 1``: a round trip to the server on every request, one in five of a ticket creation's statements. A
server that closed the connection (restarted, ``pg_terminate_backend``, an idle timeout) has already said so on it
(its last message, then the end of the stream), so the check here looks at the connection without writing to it:
libpq's state, and whether anything is waiting to be read. An idle connection that is sent nothing is healthy;
one with anything to read is closed and opened again, which is what a failed ``SELECT 1`` led to. A connection
whose server vanished without a word (a cut network) passes both checks and fails at its first query, as it
could right after a ``SELECT 1``.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq

_UNFINISHED = {pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS}  # an aborted transaction fails SELECT 1 too


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status not in _UNFINISHED:
            return False
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, self.Database.Error):
            return False
