"""Waiting on the customer: when the wait began, and the working time of the waits that ended."""

import datetime

from django.conf import settings
from django.db import migrations, models

PAUSED = models.DurationField(db_default=datetime.timedelta(0), default=datetime.timedelta(0), editable=False)


def add_paused(apps, schema_editor):
    # What AddField writes, said directly: on SQLite AddField of a NOT NULL column rebuilds the table with every
    # index of the model's state, among them 0015's NULLS LAST index, which SQLite cannot create (see 0017).
    kind = (
        "interval NOT NULL DEFAULT '0'"
        if schema_editor.connection.vendor == "postgresql"
        else "bigint NOT NULL DEFAULT 0"
    )
    schema_editor.execute(f"ALTER TABLE tickets_ticket ADD COLUMN sla_paused {kind}")


def drop_paused(apps, schema_editor):
    schema_editor.execute("ALTER TABLE tickets_ticket DROP COLUMN sla_paused")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0022_business_calendars"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="ticket", name="sla_paused", field=PAUSED)],
            database_operations=[migrations.RunPython(add_paused, drop_paused)],
        ),
        migrations.AddField(
            model_name="ticket",
            name="waiting_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("waiting_since__isnull", False)),
                fields=["waiting_since"],
                name="ticket_waiting_idx",
            ),
        ),
    ]
