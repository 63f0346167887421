"""Similar tickets: each title's MinHash band keys (frozen in _frozen.py; tickets/titles.py is the live copy), computed for the tickets already there,
and on PostgreSQL a GIN index on them, so a lookup reads only the titles sharing a key with the ticket's: near
twins, found in milliseconds at 1M tickets however common the title's words (SQLite compares in Python)."""

from django.db import migrations, models, transaction

from tickets.migrations._frozen import title_sketch

INDEX = "ticket_title_sketch_idx"
SKETCH_FIELD = models.TextField(blank=True, db_default="", default="", editable=False)
CHUNK = 5000


def fill_sketches(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as reader, connection.cursor() as writer:
        last_id = 0
        while True:
            reader.execute("SELECT id, title FROM tickets_ticket WHERE id > %s ORDER BY id LIMIT %s", [last_id, CHUNK])
            rows = reader.fetchall()
            if not rows:
                break
            ids, sketches = [i for i, _ in rows], [title_sketch(t) for _, t in rows]
            with transaction.atomic(using=connection.alias):
                if connection.vendor == "postgresql":  # one statement per chunk
                    writer.execute(
                        "UPDATE tickets_ticket t SET title_sketch = v.sketch"
                        " FROM unnest(%s::bigint[], %s::text[]) AS v(id, sketch) WHERE t.id = v.id",
                        [ids, sketches],
                    )
                else:
                    writer.executemany(
                        "UPDATE tickets_ticket SET title_sketch = %s WHERE id = %s", list(zip(sketches, ids))
                    )
            last_id = rows[-1][0]
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket USING gin (string_to_array(title_sketch, ' '))"
        )
        # Statistics on the keys at once: without them the planner guesses that a lookup matches 8 % of the
        # table and reads it whole instead of the index (autovacuum would only catch up later).
        schema_editor.execute("ANALYZE tickets_ticket")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # a million rows: each chunk commits on its own
    dependencies = [("tickets", "0016_canned_responses")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="ticket", name="title_sketch", field=SKETCH_FIELD)],
            # What AddField writes for this field on PostgreSQL, said directly: on SQLite, AddField would rebuild
            # the table with every index of the model's state, among them 0015's NULLS LAST index, which SQLite
            # cannot create; a plain ADD COLUMN with a constant default needs no rebuild on either.
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE tickets_ticket ADD COLUMN title_sketch text NOT NULL DEFAULT ''",
                    "ALTER TABLE tickets_ticket DROP COLUMN title_sketch",
                )
            ],
        ),
        migrations.RunPython(fill_sketches, drop_index, elidable=False),
    ]
