"""A ticket's life through the services: created (labels filled, nothing half-written), updated (every change in
the history), moved between statuses one by one and in bulk, classified."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import services
from tickets.classifier import Classification
from tickets.models import Category, Priority, Status, Ticket, TicketEvent
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_create_fills_missing_labels_and_records_the_suggestion():
    ticket = services.ticket_create(title="Refund", description="Please refund the duplicate charge on my card.")
    assert ticket.category == ticket.ai_category == Category.BILLING
    assert ticket.priority == ticket.ai_priority
    assert 0 <= ticket.ai_confidence <= 1
    assert list(ticket.events.values_list("field", "new_value")) == [("created", "open")]


def test_create_with_invalid_data_writes_nothing():
    with pytest.raises(ValidationError) as excinfo:
        services.ticket_create(title="", description="x", category="nope")
    assert {"title", "category"} <= set(excinfo.value.error_dict)
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_create_without_classification_needs_labels():
    ticket = services.ticket_create(
        title="Imported", description="row", category="general", priority="low", classify_ticket=False
    )
    assert ticket.classified_by == ""
    assert ticket.ai_category == ""


def test_update_records_each_tracked_change_with_actor(django_user_model):
    agent = django_user_model.objects.create_user("agent", is_staff=True)
    ticket = TicketFactory(status=Status.OPEN, category="billing", priority="low")
    services.ticket_update(
        ticket=ticket, data={"status": "in_progress", "priority": "high", "title": "Renamed"}, actor=agent
    )
    events = {e.field: (e.old_value, e.new_value, e.actor) for e in ticket.events.exclude(field__in=["sla", "created"])}
    assert events == {
        "status": ("open", "in_progress", agent),
        "priority": ("low", "high", agent),
        "title": (ticket.title, "Renamed", agent),
    }
    # The priority moved the promises; the history says so, and why.
    assert "(priority low -> high)" in ticket.events.get(field="sla").new_value


def test_update_without_change_writes_no_history():
    ticket = TicketFactory(status=Status.OPEN)
    services.ticket_update(ticket=ticket, data={"status": "open"})
    assert not ticket.events.exclude(field="created").exists()


def test_invalid_update_rolls_back_everything():
    ticket = TicketFactory(status=Status.OPEN, priority="low")
    with pytest.raises(ValidationError):
        services.ticket_update(ticket=ticket, data={"priority": "high", "status": "nonsense"})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("low", "open")
    assert not ticket.events.exclude(field="created").exists()


def test_only_the_ticket_s_own_fields_are_updatable():
    assert services.UPDATABLE_FIELDS == {
        "status", "category", "priority", "title", "description", "submitter_email", "assignee", "tags", "waiting",
        "team",
    }  # fmt: skip


def test_update_refuses_unknown_fields():
    with pytest.raises(ValueError, match="ai_category"):
        services.ticket_update(ticket=TicketFactory(), data={"ai_category": "billing"})


def test_resolution_time_is_kept_from_resolved_to_closed_and_cleared_on_reopen():
    ticket = TicketFactory(status=Status.OPEN)
    resolved = services.ticket_change_status(ticket=ticket, status="resolved")
    first = resolved.resolved_at
    assert first is not None
    closed = services.ticket_change_status(ticket=ticket, status="closed")
    assert closed.resolved_at == first
    reopened = services.ticket_change_status(ticket=ticket, status="open")
    assert reopened.resolved_at is None


def test_bulk_status_change_counts_only_real_changes_and_writes_history():
    open_tickets = TicketFactory.create_batch(3, status=Status.OPEN)
    already = TicketFactory(status=Status.CLOSED)
    changed = services.ticket_bulk_change_status(ticket_ids=[t.id for t in [*open_tickets, already]], status="closed")
    assert changed == 3
    assert Ticket.objects.filter(status="closed").count() == 4
    assert TicketEvent.objects.filter(field="status", new_value="closed", ticket__in=open_tickets).count() == 3
    assert already.events.filter(field="status").count() == 1  # its own move at creation, nothing more
    assert all(t.resolved_at for t in Ticket.objects.filter(pk__in=[t.pk for t in open_tickets]))


def test_bulk_status_change_rejects_unknown_status():
    ticket = TicketFactory(status=Status.OPEN)
    with pytest.raises(ValueError):
        services.ticket_bulk_change_status(ticket_ids=[ticket.id], status="gone")
    ticket.refresh_from_db()
    assert ticket.status == "open"


def _suggestion(category="technical", priority="critical"):
    return Classification(Category(category), Priority(priority), 0.9, "llm", "test-model", 1.0)


def test_apply_classification_keeps_staff_labels_unless_asked_to_overwrite():
    ticket = TicketFactory(category="billing", priority="low")
    kept = services.ticket_apply_classification(ticket=ticket, classification=_suggestion())
    assert (kept.category, kept.priority, kept.ai_category, kept.ai_priority) == (
        "billing",
        "low",
        "technical",
        "critical",
    )
    assert kept.classified_by == "llm:test-model"
    replaced = services.ticket_apply_classification(ticket=ticket, classification=_suggestion(), overwrite=True)
    assert (replaced.category, replaced.priority) == ("technical", "critical")
    assert set(ticket.events.exclude(field="created").values_list("field", flat=True)) == {"category", "priority"}


@pytest.mark.parametrize(("old", "new"), [(a, b) for a in Status.values for b in Status.values if a != b])
def test_resolution_time_follows_one_rule_one_by_one_and_in_bulk(old, new):
    """resolved_at is set by Python for one ticket and by SQL for many: both must give the same answer."""
    earlier = timezone.now() - timedelta(days=2)
    resolved_at = earlier if old in ("resolved", "closed") else None
    one, bulk = TicketFactory.create_batch(2, status=old, resolved_at=resolved_at)
    services.ticket_change_status(ticket=one, status=new)
    services.ticket_bulk_change_status(ticket_ids=[bulk.pk], status=new)
    one.refresh_from_db()
    bulk.refresh_from_db()

    def kind(value):
        return "none" if value is None else "kept" if value == earlier else "now"

    expected = "none" if new in ("open", "in_progress") else ("kept" if resolved_at else "now")
    assert kind(one.resolved_at) == kind(bulk.resolved_at) == expected
