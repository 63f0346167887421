"""Spread each counter over eight rows, chosen by transaction id, so concurrent creates stop queueing for one row.

Every create of the same labels used to update the same counter row and hold its lock until commit: with
eight clients, PostgreSQL spent much of its time in lock waits. Readers already sum the rows they match.
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("tickets.migrations.0007_ticket_count_triggers")

SHARDS = 8
APPLY_DELTA = f"""
    INSERT INTO tickets_ticketcount (category, priority, status, ai, shard, n)
    SELECT category, priority, status, ai, mod(txid_current(), {SHARDS})::smallint, SUM(d) FROM ({{deltas}}) AS delta
    GROUP BY category, priority, status, ai
    HAVING SUM(d) <> 0
    ORDER BY category, priority, status, ai
    ON CONFLICT (category, priority, status, ai, shard) DO UPDATE SET n = tickets_ticketcount.n + EXCLUDED.n;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.count_functions(APPLY_DELTA))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Fold the shards back into one row per combination before the old functions return.
        schema_editor.execute("""
            CREATE TEMPORARY TABLE folded ON COMMIT DROP AS
                SELECT category, priority, status, ai, SUM(n) AS n FROM tickets_ticketcount
                GROUP BY category, priority, status, ai;
            DELETE FROM tickets_ticketcount;
            INSERT INTO tickets_ticketcount (category, priority, status, ai, shard, n)
                SELECT category, priority, status, ai, 0, n FROM folded WHERE n <> 0;
        """)
        schema_editor.execute(triggers.count_functions(triggers.APPLY_DELTA))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_rate_counter")]

    operations = [
        migrations.AddField(
            model_name="ticketcount",
            name="shard",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="ticketcount",
            constraint=models.UniqueConstraint(
                fields=("category", "priority", "status", "ai", "shard"), name="ticketcount_key_shard_unique"
            ),
        ),
        migrations.RemoveConstraint(model_name="ticketcount", name="ticketcount_key_unique"),
        # Last, so that going back folds the shards before the old unique constraint returns.
        migrations.RunPython(forward, backward),
    ]
