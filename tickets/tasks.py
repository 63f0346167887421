"""Background jobs (django-tasks; run by `manage.py db_worker`)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from tickets import services
from tickets.classifier import classify
from tickets.models import Ticket

# A request classifies at most this many tickets itself; more go to a background job.
INLINE_CLASSIFY_LIMIT = 25


@task()
def classify_tickets(ticket_ids: list[int], overwrite: bool = True, actor_id: int | None = None) -> int:
    """Classify each ticket and apply the result; returns how many were classified.

    Idempotent per ticket: a retried job classifies again and applies the same kind of result.
    """
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    done = 0
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).order_by("pk").iterator(chunk_size=200):
        result = classify(ticket.title, ticket.description)
        services.ticket_apply_classification(ticket=ticket, classification=result, overwrite=overwrite, actor=actor)
        done += 1
    return done
