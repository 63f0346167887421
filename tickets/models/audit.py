"""The audit log of bulk exports and imports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import NEWEST_FIRST


class AuditAction(models.TextChoices):
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"


class AuditEntry(models.Model):
    """Who moved tickets in or out in bulk, and when: every export and import, with its filters and row count."""

    Action = AuditAction

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=dict, blank=True)  # filters and search, file name, format, counts

    class Meta:
        ordering = list(NEWEST_FIRST)
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="auditentry_action_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of {self.rows} ticket(s) by {self.actor or 'nobody'}"
