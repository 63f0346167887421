"""Throttle counters in their own table, UNLOGGED on PostgreSQL: one upsert per request, no WAL flush."""

from django.db import migrations, models


def set_unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tickets_ratecounter SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_resolved_index")]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("period", models.PositiveIntegerField()),
                ("started", models.BigIntegerField()),
                ("hits", models.PositiveIntegerField()),
                ("previous", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(set_unlogged, migrations.RunPython.noop, elidable=False),
    ]
