# The history records a new tracking link. The field's CHECK constraint is replaced online on PostgreSQL: added
# NOT VALID (a moment's lock), then validated in its own transaction, which reads the table without blocking writes.

from django.db import migrations, models

from tickets.migrations._frozen import AddCheckOnline

FIELDS = [
    "created", "status", "category", "priority", "title", "description", "submitter_email", "assignee", "sla",
    "tracking_link",
]
CHOICES = [
    ("created", "Created"), ("status", "Status"), ("category", "Category"), ("priority", "Priority"),
    ("title", "Title"), ("description", "Description"), ("submitter_email", "Submitter email"),
    ("assignee", "Assignee"), ("sla", "SLA due times"), ("tracking_link", "Tracking link"),
]


class Migration(migrations.Migration):
    atomic = False  # each statement commits on its own, so the validation holds no exclusive lock

    dependencies = [
        ("tickets", "0017_similar_titles_index"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ticketevent", name="ticketevent_field_valid"),
        migrations.AlterField(
            model_name="ticketevent",
            name="field",
            field=models.CharField(choices=CHOICES, max_length=16),
        ),
        AddCheckOnline(
            model_name="ticketevent",
            constraint=models.CheckConstraint(condition=models.Q(field__in=FIELDS), name="ticketevent_field_valid"),
        ),
    ]
