"""'AI unsure': tickets whose AI labels came with a confidence under AI_UNSURE_BELOW are badged and filterable in
the changelist and the API, and the dashboard shows how often staff changed unsure and sure labels."""

import pytest
from django.urls import reverse

from tickets import selectors
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _ticket(title, confidence, *, kept=True):
    return TicketFactory(
        title=title,
        category="billing",
        priority="low",
        ai_category="billing" if kept else "technical",
        ai_priority="low",
        ai_confidence=confidence,
    )


def test_unsure_tickets_are_badged_and_filtered_in_the_changelist(client, agent, settings):
    settings.AI_UNSURE_BELOW = 0.6
    _ticket("Unsure one", 0.41)
    _ticket("Sure one", 0.93)
    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_changelist"), {"ai_unsure": "true"}).content.decode()
    assert "Unsure one" in page and "Sure one" not in page and ">unsure<" in page.replace(" ", "").replace("\n", "")
    page = client.get(reverse("admin:tickets_ticket_changelist"), {"ai_unsure": "false"}).content.decode()
    assert "Sure one" in page and "Unsure one" not in page


def test_the_api_filters_them_and_refuses_a_bad_value(staff_client, settings):
    settings.AI_UNSURE_BELOW = 0.5
    _ticket("Unsure one", 0.3)
    _ticket("Sure one", 0.7)
    titles = [t["title"] for t in staff_client.get("/api/tickets/", {"ai_unsure": "true"}).json()["results"]]
    assert titles == ["Unsure one"]
    titles = [t["title"] for t in staff_client.get("/api/tickets/", {"ai_unsure": "false"}).json()["results"]]
    assert titles == ["Sure one"]
    assert staff_client.get("/api/tickets/", {"ai_unsure": "maybe"}).status_code == 400


def test_the_dashboard_shows_how_often_unsure_labels_were_changed(client, manager, settings):
    settings.AI_UNSURE_BELOW = 0.6
    _ticket("u1", 0.4, kept=False)
    _ticket("u2", 0.5, kept=True)
    _ticket("s1", 0.9, kept=True)
    _ticket("s2", 0.95, kept=True)
    assert selectors.ai_unsure_changes() == {
        "unsure": {"total": 2, "changed": 1, "rate": 0.5},
        "sure": {"total": 2, "changed": 0, "rate": 0.0},
    }
    client.force_login(manager)
    page = client.get(reverse("admin:index")).content.decode()
    assert "AI unsure (confidence under 60%)" in page and 'id="ai-unsure-changes"' in page
