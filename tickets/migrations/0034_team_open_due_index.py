"""A team's open tickets past a deadline (the dashboard's teams card) counted from one index, built CONCURRENTLY:
writes to the tickets go on meanwhile (8 s at 10 million tickets)."""

from django.db import migrations, models

from tickets.migrations._frozen import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0033_title_keys_by_million")]

    operations = [
        AddIndexOnline(
            model_name="ticket",
            index=models.Index(
                fields=["team", "sla_due_at"],
                include=["sla_breached"],
                condition=(models.Q(status="open") | models.Q(status="in_progress")) & models.Q(team__isnull=False),
                name="ticket_team_open_due_idx",
            ),
        ),
    ]
