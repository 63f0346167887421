"""Counters kept by the database: ticket counts per label, and the throttle's request counts."""

from django.db import models


class TicketCount(models.Model):
    """How many tickets share one combination of labels: kept exact by PostgreSQL triggers on every write.

    The stats, the dashboard and the list's exact counts read these few rows instead of scanning
    a million tickets. ``ai`` is "none" (the AI never labelled it), "kept" (staff kept both of the
    AI's labels) or "changed". Each combination is spread over up to eight rows (``shard``, chosen by
    transaction in migration 0010's triggers), so concurrent writers rarely wait for one another's lock on a
    counter; readers sum them.
    """

    category = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    ai = models.CharField(max_length=8)
    # The tickets' team (0: none), so a list or the stats without a private team's tickets still come from here.
    team = models.IntegerField(default=0)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)  # one shard's count: it may be negative, the sum never is

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority", "status", "ai", "team", "shard"], name="ticketcount_team_shard_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.priority}/{self.status}/{self.ai}/team {self.team}#{self.shard}: {self.n}"


class RateCounter(models.Model):
    """Requests from one client to one throttled endpoint, in the current and the previous time window.

    Written by one upsert per request (``services.rate_counter_hit``); on PostgreSQL the table is UNLOGGED,
    so counting costs no WAL flush, and a crash only resets the counts.
    """

    key = models.CharField(primary_key=True, max_length=200)
    period = models.PositiveIntegerField()  # seconds
    started = models.BigIntegerField()  # the current window's start, in seconds since the epoch
    hits = models.PositiveIntegerField()
    previous = models.PositiveIntegerField()  # hits in the window before

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} (+{self.previous} before)"
