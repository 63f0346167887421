"""The local model's versions: each one retrained from staff labels, what it learned from, how it scored against the
model in use, and whether it is the one in use. The model itself is stored in the row, so every process on every
host finds the promoted one in the database (tickets.classifier.local.store)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ModelState(models.TextChoices):
    ACTIVE = "active", "In use"
    CANDIDATE = "candidate", "Candidate (not used)"
    RETIRED = "retired", "Used before"


class RetrainTrigger(models.TextChoices):
    LABELS = "labels", "Enough new labels"
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Asked for"


class ClassifierVersion(models.Model):
    """One retrained local model. At most one is ``active``; none means the shipped model serves."""

    State = ModelState
    Trigger = RetrainTrigger

    version = models.CharField(max_length=40, unique=True)  # LocalModel.version: tickets record it as classified_by
    state = models.CharField(max_length=12, choices=ModelState.choices, default=ModelState.CANDIDATE)
    trigger = models.CharField(max_length=12, choices=RetrainTrigger.choices)
    trained_at = models.DateTimeField(default=timezone.now)
    # Every label given up to this moment was considered (the next retraining's labels are the ones after it).
    labels_until = models.DateTimeField()
    trained_on = models.PositiveIntegerField(default=0)  # the team's tickets it learned from (shipped examples aside)
    held_back = models.PositiveIntegerField(default=0)  # the newest confirmed tickets it was judged on
    # {"candidate": figures, "in_use": figures of the model in use then, on the same tickets, "in_use_version": ...}
    figures = models.JSONField(default=dict, blank=True)
    # {username: {"used": n, "left_out": n}}: who taught it, and whose labels past the per-user cap waited.
    teachers = models.JSONField(default=dict, blank=True)
    decision = models.TextField(blank=True)  # why it was promoted or kept as a candidate
    data = models.BinaryField()  # the model, as joblib wrote it (our own bytes; never from a user)
    size = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The version in use when this one was promoted (None: the shipped model): where a rollback returns to.
    replaced = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = "model version"
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(state="active"), name="classifierversion_one_active"),
            models.CheckConstraint(condition=Q(state__in=ModelState.values), name="classifierversion_state_valid"),
        ]

    def __str__(self) -> str:
        return self.version
