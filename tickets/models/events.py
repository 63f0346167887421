"""A ticket's append-only history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import Ticket


class EventField(models.TextChoices):
    """What a history entry records (``TicketEvent.Field``)."""

    CREATED = "created", "Created"
    STATUS = "status", "Status"
    CATEGORY = "category", "Category"
    PRIORITY = "priority", "Priority"
    TITLE = "title", "Title"
    DESCRIPTION = "description", "Description"
    SUBMITTER_EMAIL = "submitter_email", "Submitter email"
    ASSIGNEE = "assignee", "Assignee"
    SLA = "sla", "SLA due times"
    TRACKING = "tracking_link", "Tracking link"
    TAGS = "tags", "Tags"
    TEAM = "team", "Team"
    MERGE = "merge", "Merge"


class TicketEvent(models.Model):
    """Append-only history of a ticket: its creation, every label and status move, and edits of its text."""

    Field = EventField

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(max_length=16, choices=Field.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index("ticket", "created_at", name="ticketevent_ticket_time_idx"),
            # The label events of every ticket by time: how many arrived since the last retraining, at any size.
            models.Index(
                fields=["created_at"],
                name="ticketevent_teaching_idx",
                condition=Q(field__in=["created", "category", "priority", "status"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(field__in=EventField.values), name="ticketevent_field_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value[:40] or '-'} -> {self.new_value[:40]}"
