"""The changelist's filter panel, each filter drawn once per process (ticket_admin.ticket_list_filter), is the panel
Django and unfold draw: for every query string, after the choices change, and with facet counts."""

import re
from pathlib import Path

import pytest
import unfold
from django.conf import settings
from django.contrib import admin

from tickets.admin import rows as ticket_admin
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/ticket/"
TEMPLATE = Path("unfold/helpers/change_list_filter.html")


def filter_panel(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r'<form id="filter-form".*?</form>', response.content.decode(), re.S).group(0)


def test_the_panel_template_is_unfolds_but_for_the_tag():
    """project/templates overrides unfold's panel to call the caching tag; anything else unfold changes in it
    on an upgrade must be carried over (this fails until it is)."""
    theirs = (Path(unfold.__file__).parent / "templates" / TEMPLATE).read_text()
    ours = (settings.BASE_DIR / "project" / "templates" / TEMPLATE).read_text()
    expected = theirs.replace("{% load i18n admin_list unfold %}", "{% load i18n admin_list unfold ticket_admin %}")
    assert ours == expected.replace("{% admin_list_filter cl spec %}", "{% ticket_list_filter cl spec %}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=open&priority__exact=high",
        "?status__exact=open&status__exact=closed&category__exact=billing",
        "?q=printer&assignee=me",
        "?sla=breached&ai_unsure=true",
        "?created_at_from=2026-01-01&created_at_to=2026-02-01",
        "?created_at_from=not-a-date",
        "?o=-3&p=2",
    ],
)
def test_a_drawn_panel_is_the_panel_drawn_afresh(client, manager, monkeypatch, query):
    TicketFactory.create_batch(3)
    client.force_login(manager)
    ticket_admin.RENDERED.clear()
    first = filter_panel(client, CHANGELIST + query)
    kept = len(ticket_admin.RENDERED)
    again = filter_panel(client, CHANGELIST + query)
    monkeypatch.setattr(admin.site._registry[Ticket], "cache_list_filters", False)
    afresh = filter_panel(client, CHANGELIST + query)
    assert kept >= 7  # one per filter: they were kept, and the second view used them
    assert first == again == afresh


def test_each_query_string_has_its_own_panel(client, manager):
    client.force_login(manager)
    plain = filter_panel(client, CHANGELIST)
    open_only = filter_panel(client, CHANGELIST + "?status__exact=open")
    ticked = re.compile(r'<input type="checkbox" name="status__exact" value="open"[^>]*" checked')
    assert ticked.search(open_only) and not ticked.search(plain)
    assert filter_panel(client, CHANGELIST) == plain


def test_a_new_agent_appears_in_the_assignee_filter(client, manager, make_staff):
    client.force_login(manager)
    assert "newcomer" not in filter_panel(client, CHANGELIST)
    make_staff("newcomer", "Support agent")
    assert "newcomer" in filter_panel(client, CHANGELIST)


def test_facet_counts_follow_the_data(client, manager):
    """Counts change with every ticket, so a list showing them is never drawn from what was kept."""
    TicketFactory(status="open")
    client.force_login(manager)
    before = filter_panel(client, CHANGELIST + "?_facets=True")
    TicketFactory(status="open")
    after = filter_panel(client, CHANGELIST + "?_facets=True")
    assert before != after
