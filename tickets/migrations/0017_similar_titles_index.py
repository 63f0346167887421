"""A trigram GiST index on titles for "similar tickets": read in distance order (``title <-> %s``), one lookup
stops after the nearest few rows instead of ranking every match (PostgreSQL only; SQLite compares in Python).
Signatures of 256 bytes, not the default 12: short titles then keep inner pages apart, several times fewer pages
read per lookup at 1M tickets."""

from django.db import migrations

NAME = "ticket_title_trgm_gist_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON tickets_ticket USING gist (title gist_trgm_ops(siglen=256))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0016_canned_responses")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
