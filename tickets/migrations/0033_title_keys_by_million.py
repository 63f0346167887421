"""Similar tickets: each title's band keys indexed under the million of ticket ids it belongs to.

A lookup reads the keys of the ticket's own million and of the one before it first, and the older ones only when
those hold too few near twins. At 10 million tickets a seeded title's keys were shared by ten times as many
tickets as at one million, and the GIN index builds its whole bitmap before the first candidate is taken (103 ms);
now a common title's posting lists are as long as at one million tickets however large the table grows, and a
rare title's are short everywhere. The index is built CONCURRENTLY (writes go on), then 0017's is dropped
CONCURRENTLY. tickets/postgres.py (TITLE_KEY_BUCKET, nearest_titles) reads it."""

from django.db import migrations

OLD_INDEX, INDEX = "ticket_title_sketch_idx", "ticket_title_keys_idx"
# 1,000,000: tickets.postgres.TITLE_KEY_BUCKET (the function and the lookups must agree).
FUNCTION = """
CREATE OR REPLACE FUNCTION ticket_title_keys(sketch text, id bigint) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(SELECT key || '/' || (id / 1000000) FROM unnest(string_to_array(sketch, ' ')) AS key)
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")  # left invalid by an interrupted build
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY {INDEX} ON tickets_ticket USING gin (ticket_title_keys(title_sketch, id))"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")
    schema_editor.execute("ANALYZE tickets_ticket")  # the new expression's statistics, as 0017 did for its own


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD_INDEX} ON tickets_ticket "
        "USING gin (string_to_array(title_sketch, ' '))"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ticket_title_keys(text, bigint)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0032_classifier_versions")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
