from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import selectors
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_average_per_day_counts_calendar_days_from_first_ticket_to_today_inclusive():
    now = timezone.now()
    TicketFactory(created_at=now - timedelta(days=9))
    TicketFactory.create_batch(4, created_at=now)
    # 5 tickets over 10 calendar days (9 days ago .. today)
    assert selectors.ticket_stats()["avg_tickets_per_day"] == 0.5


def test_average_is_rounded_to_one_decimal():
    now = timezone.now()
    TicketFactory(created_at=now - timedelta(days=2))
    TicketFactory.create_batch(9, created_at=now)
    assert selectors.ticket_stats()["avg_tickets_per_day"] == round(10 / 3, 1)


def test_ticket_list_validates_filters():
    with pytest.raises(ValidationError) as excinfo:
        selectors.ticket_list(filters={"status": "bogus"})
    assert "status" in excinfo.value.message_dict


def test_ticket_list_filters_and_searches():
    hit = TicketFactory(title="VPN drops", category="technical", status="open")
    TicketFactory(title="VPN invoice", category="billing", status="open")
    result = selectors.ticket_list(filters={"search": "vpn", "category": "technical"})
    assert list(result) == [hit]


@pytest.mark.django_db
def test_training_rows_hold_only_labels_staff_set_changed_or_confirmed(agent):
    from tickets import services
    from tickets.selectors import confirmed_training_rows

    def create(title, actor=None, **labels):
        return services.ticket_create(title=title, description="The card was charged twice.", actor=actor, **labels)

    # An anonymous submitter picks labels the AI disagrees with; staff resolve it without looking: not taught.
    poisoned = create("poisoned", category="technical", priority="critical")
    assert (poisoned.ai_category, poisoned.category) == ("billing", "technical")
    services.ticket_change_status(ticket=poisoned, status="resolved", actor=agent)
    # Resolved by nobody (an import or a script): not taught either.
    unconfirmed = create("unconfirmed")
    services.ticket_change_status(ticket=unconfirmed, status="closed")
    # The AI's own labels, confirmed by an agent resolving the ticket: taught.
    confirmed = create("confirmed")
    services.ticket_change_status(ticket=confirmed, status="resolved", actor=agent)
    # A submitter's label that an agent corrected: taught.
    corrected = create("corrected", category="account")
    services.ticket_update(ticket=corrected, data={"category": "billing"}, actor=agent)
    # A ticket staff created with their own labels: taught.
    create("staff-made", actor=agent, category="general", priority="low")

    assert sorted(row["title"] for row in confirmed_training_rows()) == ["confirmed", "corrected", "staff-made"]


def test_open_tickets_per_agent_and_unassigned(agent, manager):
    TicketFactory.create_batch(2, status="open", assignee=agent)
    TicketFactory(status="in_progress", assignee=manager)
    TicketFactory(status="closed", assignee=manager)  # done: not counted
    TicketFactory.create_batch(3, status="open", assignee=None)
    assert selectors.open_by_assignee() == [("agent", 2), ("manager", 1), ("", 3)]


def test_the_dashboard_lists_open_tickets_per_agent(admin_client, agent):
    TicketFactory(status="open", assignee=agent)
    page = admin_client.get("/admin/stats/").content.decode()
    table = page[page.index('id="open-per-agent"') :]
    assert "agent" in table[:600] and "Unassigned" in table[:600]
