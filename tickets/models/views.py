"""Saved views: a named changelist query (filters, search, ordering) in the agents' sidebar, and who is on a
ticket's page right now (the collision warning)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import Ticket

VIEW_NAME_MAX_LENGTH = 60
VIEW_QUERY_MAX_LENGTH = 1000


class SavedView(models.Model):
    """The changelist's query string under a name. ``owner`` null: shipped with Cootrack ("Mine", "Unassigned",
    "Breached"); ``shared``: every agent sees it in their sidebar, else only its owner."""

    name = models.CharField(max_length=VIEW_NAME_MAX_LENGTH)
    query = models.CharField(max_length=VIEW_QUERY_MAX_LENGTH, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shared = models.BooleanField(default=False, help_text="Every agent sees it in their sidebar.")
    position = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="savedview_name_not_blank"),
            models.CheckConstraint(condition=Q(shared=True) | Q(owner__isnull=False), name="savedview_owned_or_shared"),
        ]
        indexes = [models.Index("owner", "position", name="savedview_owner_idx")]

    def __str__(self) -> str:
        return self.name


class PresenceState(models.TextChoices):
    VIEWING = "viewing", "Viewing"
    REPLYING = "replying", "Replying"


class TicketPresence(models.Model):
    """An agent on a ticket's page, as of their page's last poll: one row per (ticket, agent), upserted every few
    seconds; UNLOGGED on PostgreSQL (losing it in a crash loses only a few seconds of "Ana is replying")."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=PresenceState.choices, default=PresenceState.VIEWING)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_ticket_user_unique")]
        indexes = [models.Index(fields=["seen_at"], name="presence_seen_idx")]  # the sweep of pages long closed

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} #{self.ticket_id}"
