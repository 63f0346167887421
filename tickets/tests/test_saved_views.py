"""Saved views: an agent saves the list as it is shown (filters, search, ordering), it appears in their sidebar
with its open count (shared ones in everyone's), and a view shows exactly what the changelist shows."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tickets import selectors, services
from tickets.models import SavedView, Status
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture(autouse=True)
def _defaults():
    cache.clear()  # the badges are kept a few seconds; each test counts its own tickets
    services.saved_view_defaults()


def sidebar_counts(client) -> dict[str, str]:
    """The sidebar's views as the agent sees them: name -> badge."""
    import re

    html = client.get(reverse("admin:index")).content.decode()
    pairs = re.findall(r'ticket-view-name">([^<]+)</span><span class="ticket-view-count"[^>]*>([^<]+)<', html)
    return dict(pairs)


def test_the_shipped_views_count_the_open_tickets_they_show(client, agent, manager):
    mine = TicketFactory.create_batch(2, assignee=agent)
    TicketFactory(assignee=agent, status=Status.CLOSED)  # done: not counted
    TicketFactory.create_batch(3)  # nobody's
    TicketFactory(assignee=manager)
    client.force_login(agent)
    assert sidebar_counts(client) == {"Mine": "2", "Unassigned": "3", "Breached": "0", "Bad ratings": "0"}
    # A view's link opens the changelist showing what its badge counts (the closed one too: the list shows all).
    page = client.get(CHANGELIST + "?assignee=me")
    assert {t.pk for t in page.context["cl"].result_list} == {t.pk for t in mine} | {
        t.pk for t in page.context["cl"].result_list if t.status == Status.CLOSED
    }


def test_an_agent_saves_the_list_as_shown_for_themselves_or_the_team(client, agent, make_staff):
    TicketFactory.create_batch(2, priority="high")
    TicketFactory(priority="low")
    client.force_login(agent)
    query = "priority__exact=high&status__exact=open&p=2&o=-5"
    response = client.post(reverse("admin:tickets_ticket_save_view"), {"name": "  High,\nopen ", "query": query})
    view = SavedView.objects.get(owner=agent)
    # Kept as the list showed it, the page number aside; the name one line.
    assert (view.name, view.query, view.shared) == ("High, open", "o=-5&priority__exact=high&status__exact=open", False)
    assert response["Location"] == f"{CHANGELIST}?{view.query}"
    assert sidebar_counts(client)["High, open"] == "2"

    other = make_staff("ana", "Support agent")
    client.force_login(other)
    assert "High, open" not in sidebar_counts(client)
    client.force_login(agent)
    client.post(
        reverse("admin:tickets_ticket_save_view"), {"name": "Low", "query": "priority__exact=low", "shared": "on"}
    )
    client.force_login(other)
    assert sidebar_counts(client)["Low"] == "1"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("status__exact=pending", "Unknown status: pending."),
        ("assignee=somebody", "assignee: \u201csomebody\u201d is not a value it takes."),
        ("title__startswith=A", "\u201ctitle__startswith\u201d is not a filter a view can keep."),
        ("created_at_from=yesterday", "created_at_from: \u201cyesterday\u201d"),
        ("q=" + "x" * 1001, "at most 1000 characters"),
        ("tag=%3Cscript%3E", "tag: \u201c&lt;script&gt;\u201d"),
    ],
)
def test_a_view_that_cannot_be_kept_is_refused_with_the_reason(client, agent, query, says):
    client.force_login(agent)
    response = client.post(reverse("admin:tickets_ticket_save_view"), {"name": "Bad", "query": query}, follow=True)
    assert response.status_code == 200
    assert "The view was not saved" in response.content.decode() and says in response.content.decode()
    assert not SavedView.objects.filter(owner=agent).exists()


def test_a_nameless_view_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(reverse("admin:tickets_ticket_save_view"), {"name": " \n ", "query": ""}, follow=True)
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.filter(owner=agent).exists()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "assignee=me",
        "assignee=none&status__exact=open&status__exact=in_progress",
        "priority__exact=high&category__exact=billing",
        "sla=breached",
        "tag=vip",
        "q=printer",
        "ai_unsure=true",
        "created_at_from=2026-01-01&created_at_to=2026-12-31",
    ],
)
def test_a_view_holds_exactly_what_the_changelist_shows(client, agent, query):
    TicketFactory.create_batch(3, assignee=agent, priority="high", category="billing", title="Printer jams")
    vip = TicketFactory(status=Status.IN_PROGRESS)
    services.ticket_update(ticket=vip, data={"tags": ["vip"]})
    TicketFactory.create_batch(2, status=Status.RESOLVED)
    client.force_login(agent)
    shown = client.get(f"{CHANGELIST}?{query}").context["cl"].result_list
    assert [t.pk for t in selectors.view_tickets(query, user=agent)] == [t.pk for t in shown]


def test_a_badge_stops_counting_at_its_cap(client, agent, monkeypatch):
    monkeypatch.setattr("tickets.selectors.views.VIEW_COUNT_CAP", 3)
    TicketFactory.create_batch(5)
    client.force_login(agent)
    assert sidebar_counts(client)["Unassigned"] == "3+"


def test_fresh_counts_for_the_sidebar_script(client, agent):
    client.force_login(agent)
    assert sidebar_counts(client)["Unassigned"] == "0"
    TicketFactory()  # the page's badge is kept a few seconds; the script's call counts now
    counts = client.get(reverse("admin:tickets_ticket_view_counts")).json()["counts"]
    unassigned = SavedView.objects.get(name="Unassigned", owner=None)
    assert counts[str(unassigned.pk)] == "1"
    assert sidebar_counts(client)["Unassigned"] == "1"  # and the page now shows it too


def test_agents_change_their_own_views_and_managers_the_shared_ones(client, agent, manager):
    own = services.saved_view_save(owner=agent, name="Mine, high", query="assignee=me&priority__exact=high")
    shipped = SavedView.objects.get(name="Breached", owner=None)
    client.force_login(agent)
    assert client.get(reverse("admin:tickets_savedview_change", args=[own.pk])).status_code == 200
    data = {"name": "Renamed", "query": "sla=breached&q=%00"}
    response = client.post(reverse("admin:tickets_savedview_change", args=[shipped.pk]), data)
    assert response.status_code == 403
    response = client.post(reverse("admin:tickets_savedview_change", args=[own.pk]), data)
    assert response.status_code == 200  # the form again, with the reason
    own.refresh_from_db()
    assert own.name == "Mine, high"
    client.force_login(manager)
    data = {"name": "Late", "query": "sla=breached", "shared": "on", "position": "0"}
    response = client.post(reverse("admin:tickets_savedview_change", args=[shipped.pk]), data)
    assert response.status_code == 302
    shipped.refresh_from_db()
    assert (shipped.name, shipped.position) == ("Late", 0)
    assert list(selectors.views_for(agent).values_list("name", flat=True))[0] == "Late"
