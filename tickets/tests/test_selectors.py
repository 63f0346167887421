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
