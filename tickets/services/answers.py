"""The submission form's offered answers, counted: how many a form showed, and whether its customer then still
submitted (the dashboard's deflection)."""

import secrets

from django.db import transaction
from django.db.models.functions import Greatest

from tickets.models import AnswerSuggestion, Ticket

KEY_LENGTH = 22  # secrets.token_urlsafe(16)


def answers_shown(*, key: str | None, shown: int) -> str:
    """Count that a form showed ``shown`` answers; its key (a new one for a form's first). An unknown or malformed
    key starts a new count: the key is the page's, nothing else."""
    with transaction.atomic():
        if key and len(key) == KEY_LENGTH:
            updated = AnswerSuggestion.objects.filter(key=key, ticket__isnull=True).update(
                shown=Greatest("shown", shown)
            )
            if updated:
                return key
        key = secrets.token_urlsafe(16)
        AnswerSuggestion.objects.create(key=key, shown=shown)
        return key


def answers_followed_by(*, key: str, ticket: Ticket) -> None:
    """The form whose answers were shown was submitted anyway: its count gets the ticket (once)."""
    if key and len(key) == KEY_LENGTH:
        AnswerSuggestion.objects.filter(key=key, ticket__isnull=True).update(ticket=ticket)
