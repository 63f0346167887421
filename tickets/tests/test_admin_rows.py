"""The changelist's rows (tickets/admin/rows.py) are unfold's rows, only built faster."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.utils import timezone

from tickets.models import Status, Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture
def tickets(agent, manager):
    """Every kind of row the changelist draws: each status, owned and unowned, customer replied, AI unsure
    and AI sure, SLA breached, due soon, on track and met, a title that needs escaping."""
    now = timezone.now()
    made = [
        TicketFactory(
            title=f"Row {n} <b>&</b> \"quoted\" 'ticket'",
            status=status,
            priority=("high", "medium", "low", "critical", "high", "low")[n],
            category=("billing", "technical", "account", "general", "technical", "billing")[n],
            created_at=now - timedelta(hours=n * 7),
            ai_category="billing",
            ai_priority="high",
            ai_confidence=0.35 if n % 2 else 0.95,
            classified_by="local",
            assignee=(agent, manager, None)[n % 3],
        )
        for n, status in enumerate([*Status.values, Status.OPEN, Status.IN_PROGRESS])
    ]
    Ticket.objects.filter(pk=made[2].pk).update(customer_replied=True)
    due = {"first_response_due_at": now + timedelta(hours=4)}
    Ticket.objects.filter(pk=made[3].pk).update(**due, sla_due_at=now - timedelta(hours=2), sla_breached=True)
    soon = now + timedelta(minutes=40)
    Ticket.objects.filter(pk=made[4].pk).update(**due, sla_due_at=soon, sla_warn_at=now - timedelta(minutes=5))
    later = now + timedelta(hours=3)
    Ticket.objects.filter(pk=made[5].pk).update(**due, sla_due_at=later, sla_warn_at=later - timedelta(hours=1))
    # answered and resolved in time: "Met"
    Ticket.objects.filter(pk=made[0].pk).update(**due, sla_due_at=None, sla_warn_at=None, sla_breached=False)
    return [Ticket.objects.get(pk=t.pk) for t in made]


def result_table(html: str) -> str:
    """The page's result table, white space between tags dropped and other runs of it made one space."""
    table = re.search(r'<table id="result_list".*?</table>', html, re.S).group(0)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", table))


def both_ways(client, monkeypatch, url: str) -> tuple[str, str]:
    """The page's result table as Cootrack renders it, then as unfold's own changelist template does."""
    ticket_admin = admin.site._registry[Ticket]
    ours = client.get(url)
    assert ours.status_code == 200
    monkeypatch.setattr(ticket_admin, "ie_base_change_list_template", "admin/change_list.html")
    theirs = client.get(url)
    assert theirs.status_code == 200
    return result_table(ours.content.decode()), result_table(theirs.content.decode())


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=open&priority__exact=high",
        "?q=quoted",
        "?sla=breached",
        "?assignee=me",
        "?ai_unsure=yes",
        "?o=-3.2",  # sorted by two columns: the headers' sort links and markers
        "?status__exact=closed",  # one row
    ],
)
@pytest.mark.parametrize("who", ["agent", "manager"])
def test_rows_are_unfolds_rows(request, client, monkeypatch, tickets, query, who):
    client.force_login(request.getfixturevalue(who))
    ours, theirs = both_ways(client, monkeypatch, CHANGELIST + query)
    assert ours == theirs


def test_a_viewer_without_change_permission_sees_the_same_rows(client, monkeypatch, tickets, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    client.force_login(viewer)
    ours, theirs = both_ways(client, monkeypatch, CHANGELIST)
    assert "ticket-quick-move" not in ours
    assert ours == theirs


def test_rows_carry_each_tickets_own_values(client, agent, tickets):
    """What the page-wide reuse must not mix up: each row's id in its check box, its own badges and text."""
    client.force_login(agent)
    table = result_table(client.get(CHANGELIST).content.decode())
    rows = re.findall(r'<tr class="[^"]*data-row.*?</tr>', table, re.S)
    assert len(rows) == len(tickets)
    by_id = {t.pk: t for t in tickets}
    seen = set()
    for row in rows:
        pk = int(re.search(r'name="_selected_action" value="(\d+)"', row).group(1))
        seen.add(pk)
        ticket = by_id[pk]
        assert f'data-status="{ticket.status}"' in row
        assert f'href="/admin/tickets/ticket/{pk}/change/' in row
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in row and "<b>&</b>" not in row
        assert ("unsure" in row) == (ticket.ai_confidence < 0.6)
        assert ("replied" in row) == ticket.customer_replied
    assert seen == set(by_id)
    badges = {pk: next(r for r in rows if f'value="{pk}"' in r) for pk in by_id}
    assert "Breached" in badges[tickets[3].pk] and "Due soon" not in badges[tickets[3].pk]
    assert "Due soon \u00b7 " in badges[tickets[4].pk] and "bg-orange-100" in badges[tickets[4].pk]
    assert "On track \u00b7 " in badges[tickets[5].pk] and "bg-green-100" in badges[tickets[5].pk]
    assert "Met" in badges[tickets[0].pk]
