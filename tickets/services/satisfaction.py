"""The submitter's "How did we do?": one answer per resolution, stored or changed while its link is open; a bad
answer with a comment flags the ticket for its team (the "bad-rating" tag, which a shared saved view lists)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import RATING_COMMENT_MAX_LENGTH, Rating, SatisfactionRating, Ticket
from tickets.services.tickets import ticket_tags_change
from tickets.validators import validate_storable_text

BAD_RATING_TAG = "bad-rating"


def rating_record(*, ticket: Ticket, resolved_at: datetime, rating: str, comment: str = "") -> SatisfactionRating:
    """Store the answer to the resolution at ``resolved_at``, or change the one given before. Who owned the ticket,
    its team and its category are kept from the first answer (the figures then stay with whoever resolved it)."""
    if rating not in Rating.values:
        raise ValidationError({"rating": [f"Choose one of: {', '.join(Rating.values)}."]})
    comment = (comment or "").strip()
    if len(comment) > RATING_COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": [f"At most {RATING_COMMENT_MAX_LENGTH} characters."]})
    validate_storable_text(comment)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)  # two answers at once: one after the other
        answer, created = SatisfactionRating.objects.get_or_create(
            ticket=locked,
            resolved_at=resolved_at,
            defaults={
                "rating": rating,
                "comment": comment,
                "agent_id": locked.assignee_id,
                "team_id": locked.team_id,
                "category": locked.category,
            },
        )
        if not created and (answer.rating, answer.comment) != (rating, comment):
            answer.rating, answer.comment, answer.changed_at = rating, comment, timezone.now()
            answer.save(update_fields=["rating", "comment", "changed_at"])
        if rating == Rating.BAD and comment:
            ticket_tags_change(ticket_ids=[locked.pk], add=[BAD_RATING_TAG])
    return answer
