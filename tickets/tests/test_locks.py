"""The advisory locks that keep one process at a time across hosts (LLM slots, the mailbox poller, the model's
retraining, migrations): a lock ends with its block, a process keeps its lock connections rather than opening one
per lock, a connection the server dropped is replaced, and a nested lock stands on its own."""

import threading

import pytest
from django.db import connection

from tickets.postgres import held_lock

pytestmark = pytest.mark.django_db

LOCKS = 0x54455354  # "TEST"


def backend_pid(lock_key):
    """The server process holding the advisory lock (LOCKS, lock_key), or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
            [LOCKS, lock_key],
        )
        row = cursor.fetchone()
    return row and row[0]


def taken_elsewhere(keys) -> int | None:
    """What another thread (another connection) gets when it asks for one of ``keys`` now."""
    got = []
    thread = threading.Thread(target=lambda: got.append(_try(keys)))
    thread.start()
    thread.join(10)
    return got[0]


def _try(keys):
    with held_lock(LOCKS, keys) as key:
        return key


def test_a_process_keeps_its_lock_connection_and_each_lock_ends_with_its_block():
    with held_lock(LOCKS, [1, 2]) as key:
        assert key == 1
        first = backend_pid(1)
        assert first and taken_elsewhere([1, 2]) == 2 and taken_elsewhere([1]) is None
    assert backend_pid(1) is None and taken_elsewhere([1]) == 1
    with held_lock(LOCKS, [1]):
        assert backend_pid(1) == first  # the same server process: no new connection per lock


def test_a_nested_lock_has_a_connection_of_its_own():
    with held_lock(LOCKS, [1]), held_lock(LOCKS, [3]) as inner:
        assert inner == 3 and backend_pid(1) != backend_pid(3)
    assert backend_pid(1) is None and backend_pid(3) is None


def test_a_connection_the_server_dropped_is_replaced():
    with held_lock(LOCKS, [1]):
        dropped = backend_pid(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [dropped])  # returns once it is gone
    with held_lock(LOCKS, [1]) as key:
        assert key == 1 and backend_pid(1) not in (None, dropped)
