"""The customer's "My tickets": every ticket submitted from their address (any case), newest first, with the last
reply each got, from one index (the submitter's address lower-cased, then created_at)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Left, Lower

from tickets.models import MessageKind, Ticket, TicketMessage
from tickets.rules.tickets import page_within

LAST_REPLY_EXCERPT = 300


def customer_tickets(email: str) -> QuerySet[Ticket]:
    """The tickets whose submitter is ``email`` (compared lower-cased), newest first."""
    email = (email or "").strip().lower()
    return (
        Ticket.objects.exclude(submitter_email="")  # the index's own condition, so the planner may use it
        .alias(submitter=Lower("submitter_email"))
        .filter(submitter=email)
        .order_by("-created_at", "-id")
    )


def _newest_replies():
    """The replies of the ticket of the outer query (``OuterRef("pk")``), newest first."""
    return TicketMessage.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.REPLY).order_by("-created_at", "-id")


def newest_reply_excerpt(length: int) -> Subquery:
    """The start of each ticket's newest reply (null without one): one probe of the messages' ticket index a row
    ("My tickets", and the answers offered while a customer writes)."""
    return Subquery(_newest_replies().annotate(excerpt=Left("body", length)).values("excerpt")[:1])


@dataclass(frozen=True)
class CustomerPage:
    tickets: list[Ticket]  # each with last_reply (an excerpt, or None) and last_reply_at
    page: int
    pages: int
    total: int


def customer_ticket_page(email: str, *, page: int = 1) -> CustomerPage:
    """A page of the customer's tickets (PORTAL_PAGE_SIZE), each with its newest reply from us; a page past the last
    is the last."""
    size = settings.PORTAL_PAGE_SIZE
    tickets = customer_tickets(email)
    total = tickets.count()
    page, pages = page_within(total, size, page)
    rows = tickets.only("id", "title", "status", "created_at", "updated_at").annotate(
        last_reply=newest_reply_excerpt(LAST_REPLY_EXCERPT),
        last_reply_at=Subquery(_newest_replies().values("created_at")[:1]),
    )
    return CustomerPage(list(rows[(page - 1) * size : page * size]), page, pages, total)


def customer_ticket(email: str, ticket_id: int) -> Ticket | None:
    """One of the customer's own tickets, or None (another's, or none: alike)."""
    return customer_tickets(email).filter(pk=ticket_id).first()
