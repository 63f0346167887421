"""Tags: free-form labels agents put on tickets (created as they are first used), each with a colour managers set."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.tickets import Ticket

TAG_MAX_LENGTH = 50


class TagColour(models.TextChoices):
    GREY = "grey", "Grey"
    RED = "red", "Red"
    ORANGE = "orange", "Orange"
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    PURPLE = "purple", "Purple"


class Tag(models.Model):
    """A label, by its normalised name (tickets.rules.tags): lower-case, one line, letters, digits, - and _."""

    Colour = TagColour

    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)
    colour = models.CharField(max_length=16, choices=TagColour.choices, default=TagColour.GREY)
    created_at = models.DateTimeField(default=timezone.now)
    # Tickets carrying it: kept by PostgreSQL triggers on tickets_tickettag (migration 0021), so a list filtered by
    # one tag is counted like a list filtered by category, from one row.
    ticket_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(colour__in=TagColour.values), name="tag_colour_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="tag_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    """A tag on a ticket. Indexed both ways: a ticket's tags, and a tag's tickets (the list's tag filter)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="tickettag_unique")]
        indexes = [models.Index("tag", "ticket", name="tickettag_tag_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.tag_id} on #{self.ticket_id}"
