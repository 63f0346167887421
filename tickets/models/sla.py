"""Service-level targets per priority: how soon a ticket gets its first reply and its resolution."""

from django.db import models
from django.db.models import Q

from tickets.models.tickets import Priority


class BusinessCalendar(models.Model):
    """When the desk works: hours per weekday in a time zone, less holidays (a country's public holidays, and
    dates listed or imported from an iCalendar file). The rules are in tickets/rules/calendar.py."""

    name = models.CharField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="As the tz database names it: Europe/Paris.")
    mon = models.CharField("Monday", max_length=100, blank=True, help_text="09:00-18:00, or 09:00-12:00, 13:00-18:00")
    tue = models.CharField("Tuesday", max_length=100, blank=True)
    wed = models.CharField("Wednesday", max_length=100, blank=True)
    thu = models.CharField("Thursday", max_length=100, blank=True)
    fri = models.CharField("Friday", max_length=100, blank=True)
    sat = models.CharField("Saturday", max_length=100, blank=True, help_text="Empty: closed all day.")
    sun = models.CharField("Sunday", max_length=100, blank=True)
    holiday_country = models.CharField(
        max_length=8, blank=True, help_text="A country code (DE, US, FR...): its public holidays are days off."
    )
    holiday_subdivision = models.CharField(max_length=8, blank=True, help_text="A state or region code, if any.")
    holidays = models.TextField(blank=True, help_text="More days off, one per line: 2026-12-24 Christmas Eve.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SLAPolicy(models.Model):
    """One row per priority, editable by managers; the defaults are written by a migration."""

    priority = models.CharField(max_length=16, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(help_text="Time to the first reply to the submitter.")
    resolution_minutes = models.PositiveIntegerField(help_text="Time to resolve (again from a reopening).")
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Count the targets in this calendar's working hours; empty: around the clock.",
    )

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
