"""Customer satisfaction: the submitter's "How did we do?" answer to one resolution of their ticket."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tickets.models.teams import Team
from tickets.models.tickets import Category, Ticket

RATING_COMMENT_MAX_LENGTH = 2000


class Rating(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"


class SatisfactionRating(models.Model):
    """One answer per resolution (the ticket and the moment it was resolved), changeable for a few days. Who owned
    the ticket, its team and its category are kept as they were when it was resolved: the figures per agent,
    team and category do not move when the ticket is handed on later."""

    Rating = Rating

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ratings")
    resolved_at = models.DateTimeField()
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.TextField(blank=True, max_length=RATING_COMMENT_MAX_LENGTH)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("ticket", "resolved_at", name="rating_one_per_resolution"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="rating_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="rating_category_valid"),
        ]
        indexes = [models.Index("created_at", name="rating_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} for #{self.ticket_id}"
