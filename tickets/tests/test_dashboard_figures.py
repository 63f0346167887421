"""The managers' figures: stats, the dashboard's breakdowns, backlog, resolution times and the AI's record."""

from datetime import timedelta

import pytest
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


def test_tickets_per_day_fills_empty_days_and_counts_today():
    today = timezone.localdate()
    noon = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time())) + timedelta(hours=12)
    TicketFactory.create_batch(2, created_at=noon)
    TicketFactory(created_at=noon - timedelta(days=2))
    TicketFactory(created_at=noon - timedelta(days=40))  # outside the window
    days = selectors.tickets_per_day(days=7)
    assert len(days) == 7 and days[-1] == (today, 2) and days[0][0] == today - timedelta(days=6)
    assert dict(days)[today - timedelta(days=2)] == 1
    assert sum(n for _, n in days) == 3


def test_backlog_by_age_counts_only_open_and_in_progress_tickets():
    now = timezone.now()
    TicketFactory(status="open", created_at=now - timedelta(hours=2))
    TicketFactory(status="in_progress", created_at=now - timedelta(days=2))
    TicketFactory(status="open", created_at=now - timedelta(days=45))
    TicketFactory(status="closed", created_at=now - timedelta(days=2))
    assert selectors.open_backlog_by_age() == {
        "under 1 day": 1, "1-3 days": 1, "3-7 days": 0, "7-30 days": 0, "over 30 days": 1,
    }  # fmt: skip


def test_median_resolution_time_over_recently_resolved_tickets():
    resolved = timezone.now() - timedelta(hours=1)
    for hours in (1, 3, 10):
        TicketFactory(status="resolved", created_at=resolved - timedelta(hours=hours), resolved_at=resolved)
    old = resolved - timedelta(days=99)
    TicketFactory(status="resolved", created_at=old - timedelta(days=100), resolved_at=old)  # outside both windows
    assert selectors.median_resolution_time(days=30) == timedelta(hours=3)
    assert selectors.median_resolution_time(days=1) == timedelta(hours=3)
    TicketFactory._meta.model.objects.all().delete()
    assert selectors.median_resolution_time(days=30) is None


def test_ai_agreement_per_category():
    TicketFactory(category="billing", priority="low", ai_category="billing", ai_priority="low")
    TicketFactory(category="billing", priority="low", ai_category="technical", ai_priority="low")
    TicketFactory(category="general", priority="low", ai_category="", ai_priority="")
    agreement = selectors.ai_agreement_by_category()
    assert agreement["billing"] == {"total": 2, "kept": 1, "rate": 0.5}
    assert agreement["general"] == {"total": 0, "kept": 0, "rate": None}


def test_window_figures_are_kept_a_minute_per_visible_teams_and_the_counters_stay_live(settings, manager):
    """Production keeps the figures over the window's tickets DASHBOARD_CACHE_S seconds (they read ~400,000 rows
    at 10M); totals come from the counters every time, and the page says when the windows were read."""
    from django.core.cache import cache

    from tickets.models import Team

    settings.DASHBOARD_CACHE_S = 60
    cache.clear()
    private = Team.objects.create(name="Security", private=True)
    TicketFactory.create_batch(2, status="open")
    first = selectors.ticket_dashboard(manager)
    TicketFactory(status="open", team=private)
    again = selectors.ticket_dashboard(manager)
    assert again["total_tickets"] == first["total_tickets"] + 1  # live
    assert again["per_day"] == first["per_day"] and again["windows_at"] == first["windows_at"]  # kept
    assert again["backlog_by_age"] == first["backlog_by_age"]
    outsider = selectors.ticket_dashboard(None)  # another set of visible teams: its own figures, never the manager's
    assert outsider["windows_at"] > first["windows_at"] and outsider["per_day"][-1][1] == 2
    cache.clear()
    assert selectors.ticket_dashboard(manager)["per_day"][-1][1] == 3
