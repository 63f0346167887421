"""A team's recent first replies from one index (the dashboard's teams card), built CONCURRENTLY: writes to the
tickets go on meanwhile (about 10 s at 10 million tickets)."""

from django.db import migrations, models

from tickets.migrations._frozen import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0030_ticket_count_teams")]

    operations = [
        AddIndexOnline(
            model_name="ticket",
            index=models.Index(
                fields=["team", "first_response_at"],
                include=["created_at"],
                condition=models.Q(first_response_at__isnull=False),
                name="ticket_team_first_response_idx",
            ),
        ),
    ]
