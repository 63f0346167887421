"""The throttle's request counters: one upsert per request."""

import random

from django.db import connection

from tickets.rules.rates import sliding_count

RATE_COUNTER_UPSERT = """
INSERT INTO tickets_ratecounter AS c (key, period, started, hits, previous) VALUES (%s, %s, %s, 1, 0)
ON CONFLICT (key) DO UPDATE SET
    previous = CASE WHEN c.started = excluded.started THEN c.previous
                    WHEN c.started = excluded.started - excluded.period THEN c.hits ELSE 0 END,
    hits = CASE WHEN c.started = excluded.started THEN c.hits + 1 ELSE 1 END,
    started = excluded.started,
    period = excluded.period
RETURNING hits, previous
"""
RATE_COUNTER_PRUNE_CHANCE = 0.001


def rate_counter_allows(*, key: str, limit: int, period: int, now: float) -> bool:
    """Count one event for ``key``; True while the last ``period`` seconds hold at most ``limit`` of them."""
    hits, previous = rate_counter_hit(key=key, period=period, now=now)
    return sliding_count(hits, previous, now=now, period=period) <= limit


def rate_counter_hit(*, key: str, period: int, now: float) -> tuple[int, int]:
    """Count one request for ``key`` in fixed windows of ``period`` seconds: (hits in the current window,
    this one included; hits in the window before).

    One statement, so it is its own transaction and one round trip: concurrent requests from every worker
    are counted exactly (the row lock orders them). Now and then, windows nobody needs any more are deleted.
    """
    started = int(now // period) * period
    with connection.cursor() as cursor:
        cursor.execute(RATE_COUNTER_UPSERT, [key, period, started])
        hits, previous = cursor.fetchone()
        if random.random() < RATE_COUNTER_PRUNE_CHANCE:  # noqa: S311 (housekeeping, not security)
            cursor.execute("DELETE FROM tickets_ratecounter WHERE started + 2 * period <= %s", [int(now)])
    return hits, previous
