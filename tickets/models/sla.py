"""Service-level targets per priority: how soon a ticket gets its first reply and its resolution."""

from django.db import models
from django.db.models import Q

from tickets.models.tickets import Priority


class SLAPolicy(models.Model):
    """One row per priority, editable by managers; the defaults are written by a migration."""

    priority = models.CharField(max_length=16, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(help_text="Time to the first reply to the submitter.")
    resolution_minutes = models.PositiveIntegerField(help_text="Time to resolve (again from a reopening).")

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["resolution_minutes"]
        constraints = [
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="slapolicy_priority_valid"),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0, resolution_minutes__gt=0), name="slapolicy_targets_positive"
            ),
        ]

    def __str__(self) -> str:
        reply, resolve = self.first_response_minutes, self.resolution_minutes
        return f"{self.get_priority_display()}: reply in {reply} min, resolve in {resolve} min"
