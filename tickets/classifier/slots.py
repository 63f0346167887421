"""A bound on LLM calls in flight, so slow LLM answers can never hold every web worker.

Per process, a semaphore; across every process and host, PostgreSQL advisory locks, one per slot, held in a
transaction of their own for the call (``tickets.postgres.held_lock``: safe behind a pooler, released by PostgreSQL
itself if the process dies). A caller that finds no free slot does not wait: the local model answers at once.
"""

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import DatabaseError

from tickets.postgres import held_lock

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
        with ExitStack() as held:
            try:
                slot = held.enter_context(
                    held_lock(ADVISORY_LOCK_CLASS, range(1, settings.CLASSIFIER_MAX_LLM_CALLS + 1))
                )
            except DatabaseError:
                slot = None  # no database, no LLM call either: the local model answers
            yield slot is not None
    finally:
        semaphore.release()
