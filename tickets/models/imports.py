"""Large CSV imports, checked and written by the background worker while staff watch their progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import NEWEST_FIRST


class ImportState(models.TextChoices):
    CHECKING = "checking", "Checking every row"
    INVALID = "invalid", "Errors found: nothing written"
    READY = "ready", "Valid: waiting for confirmation"
    WRITING = "writing", "Writing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing written"


class ImportJob(models.Model):
    """One uploaded file too large to check inside a request. The text is kept until the job ends."""

    State = ImportState

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.TextField(blank=True)  # the file as text; emptied once imported
    state = models.CharField(max_length=16, choices=ImportState.choices, default=ImportState.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"line": 12, "field": "title", "message": "..."}]
    preview = models.JSONField(default=list, blank=True)  # the first rows, as read
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # what went wrong with the file as a whole, in plain words
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = list(NEWEST_FIRST)
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="importjob_state_valid"),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_state_display()})"

    @property
    def running(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.WRITING)
