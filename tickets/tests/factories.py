"""Test data built the way the application builds it: through ``services.ticket_create``, so every ticket has its
history, its SLA due times and its counters as a real one would.

A test may still stage what the services never produce by themselves: ``created_at`` in the past (the SLA due
times are then recomputed from it, as if the ticket had arrived then) and any other column given (an AI
suggestion, a due time already passed), written after creation exactly as given."""

import io

import factory
import openpyxl

from tickets import services
from tickets.models import Category, Priority, Status, Ticket
from tickets.rules.sla import SLA_FIELDS

# What ticket_create takes; anything else given to the factory is staged on the stored row afterwards.
CREATE_ARGS = ("title", "description", "category", "priority", "submitter_email", "status", "assignee")


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket number {n}")
    description = factory.Faker("paragraph")
    category = factory.Iterator(Category.values)
    priority = factory.Iterator(Priority.values)
    status = Status.OPEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created = {name: kwargs.pop(name) for name in CREATE_ARGS if name in kwargs}
        ticket = services.ticket_create(**created, classify_ticket=False, notify=False)
        created_at = kwargs.pop("created_at", None)
        if created_at is not None:
            ticket.created_at = created_at
            ticket.resolution_clock_at = None  # the resolution clock starts at the staged arrival
            services.sla_refresh(ticket)
            kwargs = {
                "created_at": created_at,
                **{f: getattr(ticket, f) for f in SLA_FIELDS},
                **kwargs,
            }
        if kwargs:
            model_class.objects.filter(pk=ticket.pk).update(**kwargs)
            ticket.refresh_from_db()
        return ticket

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        pass  # nothing to save again: the services stored it


def xlsx_bytes(rows) -> bytes:
    """An Excel workbook whose first sheet holds ``rows``, as Excel would save it."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
