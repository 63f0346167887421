"""Retrained local models as versions in the database (every process on every host follows the promoted one), the
managers' permission to read and promote them, and an index that counts the labels given since the last
retraining (built CONCURRENTLY: writes to the history go on meanwhile)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from tickets.migrations._frozen import MANAGER, AddIndexOnline, grant


def grant_managers(apps, schema_editor):
    grant(apps, {MANAGER: ["view_classifierversion", "change_classifierversion"]})


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0031_team_first_response_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClassifierVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.CharField(max_length=40, unique=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("active", "In use"),
                            ("candidate", "Candidate (not used)"),
                            ("retired", "Used before"),
                        ],
                        default="candidate",
                        max_length=12,
                    ),
                ),
                (
                    "trigger",
                    models.CharField(
                        choices=[("labels", "Enough new labels"), ("schedule", "Schedule"), ("manual", "Asked for")],
                        max_length=12,
                    ),
                ),
                ("trained_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("labels_until", models.DateTimeField()),
                ("trained_on", models.PositiveIntegerField(default=0)),
                ("held_back", models.PositiveIntegerField(default=0)),
                ("figures", models.JSONField(blank=True, default=dict)),
                ("teachers", models.JSONField(blank=True, default=dict)),
                ("decision", models.TextField(blank=True)),
                ("data", models.BinaryField()),
                ("size", models.PositiveIntegerField(default=0)),
                ("promoted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "promoted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "replaced",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tickets.classifierversion",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "model version", "ordering": ["-trained_at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="classifierversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "active")), fields=("state",), name="classifierversion_one_active"
            ),
        ),
        migrations.AddConstraint(
            model_name="classifierversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["active", "candidate", "retired"])),
                name="classifierversion_state_valid",
            ),
        ),
        AddIndexOnline(
            model_name="ticketevent",
            index=models.Index(
                fields=["created_at"],
                condition=models.Q(("field__in", ["created", "category", "priority", "status"])),
                name="ticketevent_teaching_idx",
            ),
        ),
        migrations.RunPython(grant_managers, migrations.RunPython.noop),
    ]
