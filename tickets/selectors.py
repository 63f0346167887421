"""Reads that are more than a filter: the filtered list and the dashboard figures."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from tickets.filters import TicketFilter
from tickets.models import DONE_STATUSES, Category, Priority, Status, Ticket, TicketEvent


def ticket_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Ticket]:
    """Tickets newest first, narrowed by the FilterSet; invalid filter values raise ``ValidationError``."""
    filterset = TicketFilter(filters or {}, queryset=Ticket.objects.order_by("-created_at", "-id"))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return filterset.qs


def ticket_stats() -> dict[str, Any]:
    """Totals, open tickets, average per day and both breakdowns, in one aggregate query."""
    aggregates = {
        "total": Count("id"),
        "open": Count("id", filter=Q(status=Status.OPEN)),
        "first": Min("created_at"),
    }
    aggregates |= {f"priority_{p}": Count("id", filter=Q(priority=p)) for p in Priority.values}
    aggregates |= {f"category_{c}": Count("id", filter=Q(category=c)) for c in Category.values}
    row = Ticket.objects.order_by().aggregate(**aggregates)

    total = row["total"]
    return {
        "total_tickets": total,
        "open_tickets": row["open"],
        "avg_tickets_per_day": avg_per_day(total, row["first"]),
        "priority_breakdown": {p: row[f"priority_{p}"] for p in Priority.values},
        "category_breakdown": {c: row[f"category_{c}"] for c in Category.values},
    }


def avg_per_day(total: int, first_created_at) -> float:
    """Tickets per calendar day from the first ticket's date to today inclusive, in the server's time zone."""
    if not total or first_created_at is None:
        return 0.0
    first_day = timezone.localdate(first_created_at)
    days = max((timezone.localdate() - first_day).days + 1, 1)
    return round(total / days, 1)


def confirmed_training_rows() -> list[dict[str, str]]:
    """Tickets whose labels staff confirmed (resolved or closed them) or corrected (changed a label)."""
    relabelled = TicketEvent.objects.filter(
        ticket=OuterRef("pk"), field__in=[TicketEvent.Field.CATEGORY, TicketEvent.Field.PRIORITY], actor__isnull=False
    )
    return list(
        Ticket.objects.filter(Q(status__in=DONE_STATUSES) | Q(Exists(relabelled)))
        .order_by("pk")
        .values("title", "description", "category", "priority")
    )
