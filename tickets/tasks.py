"""Background jobs (django-tasks; run by `manage.py db_worker`)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from tickets import services

# A request classifies at most a page of tickets itself with the local model (~2 ms each), and only a few when
# an LLM answers (up to CLASSIFIER_TIMEOUT_S each); more go to a background job, never a long request.
INLINE_CLASSIFY_LIMIT = 25
INLINE_CLASSIFY_LIMIT_WITH_LLM = 5


def inline_classify_limit() -> int:
    from tickets.classifier.client import llm_configured

    return INLINE_CLASSIFY_LIMIT_WITH_LLM if llm_configured() else INLINE_CLASSIFY_LIMIT


@task()
def classify_tickets(ticket_ids: list[int], overwrite: bool = True, actor_id: int | None = None) -> int:
    """Classify each ticket and apply the result; returns how many were classified."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.ticket_classify_many(ticket_ids=ticket_ids, overwrite=overwrite, actor=actor)


@task()
def send_ticket_email(email_id: int) -> str:
    """Send one email from the outbox; returns its state (sent, or queued for a retry, or failed)."""
    return services.email_send(email_id=email_id).status


@task()
def send_sign_in_link(email: str) -> bool:
    """Email a one-time "My tickets" link to the address if it has tickets; returns whether one was sent."""
    return services.portal_link_send(email=email)


@task()
def retrain_classifier(trigger: str = "schedule", actor_id: int | None = None) -> str:
    """Retrain the local model from staff labels when due (always when asked for); returns what happened."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.classifier_retrain(trigger=trigger, actor=actor).message
