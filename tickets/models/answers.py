"""Answers offered before a ticket is written: the submission form's "Does one of these answer your question?",
one row per form (a random key the page keeps), so the dashboard can say how often a customer still submitted."""

from django.db import models
from django.utils import timezone

from tickets.models.tickets import Ticket


class AnswerSuggestion(models.Model):
    key = models.CharField(max_length=32, unique=True)
    shown = models.PositiveSmallIntegerField(default=0, help_text="The most answers the form showed at once.")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="answersuggestion_created_idx")]

    def __str__(self) -> str:
        return f"{self.shown} answer(s) shown" + (f", then #{self.ticket_id}" if self.ticket_id else "")
