"""The customer's sign-in to "My tickets": a one-time link by email. The request only asks for a link (the same
answer whether or not the address has tickets, at most PORTAL_LINKS_PER_ADDRESS_PER_HOUR an address); the worker
makes the link and sends it, so the token is never in a request's or a job's data, and only its hash is stored."""

import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from tickets.mail.addresses import mailbox_key
from tickets.models import CustomerSignIn
from tickets.rules.tracking import token_hash
from tickets.selectors.portal import customer_tickets
from tickets.services.throttle import rate_counter_allows

logger = logging.getLogger(__name__)
SIGN_IN_KEEP_DAYS = 1  # used and expired links are deleted after this long


def portal_link_request(*, email: str) -> None:
    """Ask for a sign-in link to ``email``: the worker sends one if the address has tickets. Past the address's
    hourly share nothing more is sent (the caller answers the same)."""
    email = email.strip().lower()
    if not rate_counter_allows(
        key=f"signin:{mailbox_key(email)}",
        limit=settings.PORTAL_LINKS_PER_ADDRESS_PER_HOUR,
        period=3600,
        now=time.time(),
    ):
        logger.info("sign-in link not sent: the address had its hourly share")
        return
    from tickets.tasks import send_sign_in_link  # the accepted circle: a service enqueues its task

    transaction.on_commit(lambda: send_sign_in_link.enqueue(email))


def portal_link_send(*, email: str) -> bool:
    """Make and email a one-time sign-in link, if ``email`` has tickets (run by the worker); True when sent."""
    now = timezone.now()
    CustomerSignIn.objects.filter(expires_at__lt=now - timedelta(days=SIGN_IN_KEEP_DAYS)).delete()
    if not customer_tickets(email).exists():
        return False
    token = secrets.token_urlsafe(32)
    CustomerSignIn.objects.create(
        email=email,
        token_hash=token_hash(token),
        expires_at=now + timedelta(minutes=settings.PORTAL_LINK_MINUTES),
    )
    link = f"{settings.SITE_URL.rstrip('/')}/my-tickets#signin={token}"
    body = (
        "Hello,\n\nto see all your requests to us, open this link:\n"
        f"{link}\n\n"
        f"It works once, within {settings.PORTAL_LINK_MINUTES} minutes. If you did not ask for it, ignore this "
        "email: nobody can sign in without it.\n\n-- The support team\n"
    )
    message = EmailMessage(
        subject="Your sign-in link",
        body=body,
        to=[email],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"Auto-Submitted": "auto-generated"},
    )
    with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
        connection.send_messages([message])
    return True


def portal_sign_in(*, token: str) -> str | None:
    """Use a sign-in link: the address it was sent to, once. None for an unknown, used or expired link, alike."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:  # noqa: PLR2004
        return None
    now = timezone.now()
    with transaction.atomic():
        link = (
            CustomerSignIn.objects.select_for_update()
            .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link.email
