"""A bound on LLM calls in flight, so slow LLM answers can never hold every web worker.

Per process, a semaphore; across every process and replica, PostgreSQL session advisory locks (one per slot,
released by PostgreSQL itself if the process dies). A caller that finds no free slot does not wait: the local
model answers at once.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection

from tickets.postgres import is_postgresql

ADVISORY_LOCK_CLASS = 0x4C4C4D  # "LLM": this module's namespace among advisory locks

_process_slots: threading.BoundedSemaphore | None = None
_process_slots_size = 0
_lock = threading.Lock()


def _process_semaphore() -> threading.BoundedSemaphore:
    global _process_slots, _process_slots_size
    size = max(1, settings.CLASSIFIER_MAX_LLM_CALLS_PER_PROCESS)
    with _lock:
        if _process_slots is None or _process_slots_size != size:
            _process_slots, _process_slots_size = threading.BoundedSemaphore(size), size
        return _process_slots


@contextmanager
def llm_slot() -> Iterator[bool]:
    """Yields True with a slot held for the duration, or False at once when every slot is taken."""
    semaphore = _process_semaphore()
    if not semaphore.acquire(blocking=False):
        yield False
        return
    try:
        slot = _take_shared_slot()
        if slot == 0:
            yield False
            return
        try:
            yield True
        finally:
            _release_shared_slot(slot)
    finally:
        semaphore.release()


def _take_shared_slot() -> int:
    """The number of the shared slot taken (1..N), -1 where there is no shared bound, 0 when all are taken."""
    if not is_postgresql():
        return -1  # SQLite (`make run`): one process, the per-process bound is the bound
    total = settings.CLASSIFIER_MAX_LLM_CALLS
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT slot FROM generate_series(1, %s) AS slot WHERE pg_try_advisory_lock(%s, slot) LIMIT 1",
                [total, ADVISORY_LOCK_CLASS],
            )
            row = cursor.fetchone()
    except DatabaseError:
        return 0  # no database, no LLM call either: the local model answers
    return row[0] if row else 0


def _release_shared_slot(slot: int) -> None:
    if slot < 0:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_CLASS, slot])
    except DatabaseError:
        pass  # the connection is gone, and with it the lock
