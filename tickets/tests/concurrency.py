"""Run test code from several threads at once, each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_together(work: Callable[[int], None], count: int) -> None:
    """Call ``work(0)`` ... ``work(count - 1)`` in threads released at the same moment; fail with what any
    of them raised (an assertion inside ``work`` included)."""
    barrier, errors = threading.Barrier(count), []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(n)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
