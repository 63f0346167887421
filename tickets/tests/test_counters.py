"""The stats and the list's counts stay exact whichever way tickets are written: triggers keep the counters."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from tickets import selectors, services
from tickets.models import Category, Priority, Status, Ticket, TicketCount
from tickets.seed import generate
from tickets.tests.concurrency import run_together
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def truth() -> dict:
    """The stats computed the slow way, straight from the rows."""
    rows = Ticket.objects.all()
    return {
        "total_tickets": rows.count(),
        "open_tickets": rows.filter(status="open").count(),
        "priority_breakdown": {p: rows.filter(priority=p).count() for p in Priority.values},
        "category_breakdown": {c: rows.filter(category=c).count() for c in Category.values},
    }


def assert_stats_exact():
    stats = selectors.ticket_stats()
    assert {k: stats[k] for k in truth()} == truth()
    agreement = selectors.ai_agreement_by_category()
    labelled = Ticket.objects.exclude(ai_category="").exclude(ai_priority="")
    for category in Category.values:
        mine = labelled.filter(category=category)
        assert agreement[category]["total"] == mine.count()
        kept = sum(1 for t in mine if t.ai_agrees)
        assert agreement[category]["kept"] == kept


def test_counters_follow_every_kind_of_write(django_user_model):
    assert_stats_exact()
    tickets = [services.ticket_create(title=f"t{i}", description="Refund my double charge") for i in range(4)]
    TicketFactory.create_batch(5, status="open")
    assert_stats_exact()

    services.ticket_change_status(ticket=tickets[0], status="closed")
    services.ticket_update(ticket=tickets[1], data={"category": "general", "priority": "critical"})
    services.ticket_bulk_change_status(ticket_ids=[t.pk for t in tickets[2:]], status=Status.RESOLVED)
    assert_stats_exact()

    Ticket.objects.filter(pk=tickets[3].pk).update(priority="low")  # queryset update
    with connection.cursor() as cursor:  # raw SQL, as a data fix by hand would be
        cursor.execute("UPDATE tickets_ticket SET status = 'open' WHERE id = %s", [tickets[2].pk])
    assert_stats_exact()

    services.ticket_delete(ticket_ids=[tickets[0].pk])
    Ticket.objects.filter(pk=tickets[1].pk).delete()
    assert_stats_exact()

    services.ticket_bulk_load(
        tickets=generate(start=0, count=300, days=30, now=timezone.now()), classified_by="local:seed"
    )
    assert_stats_exact()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks would block TRUNCATE
        cursor.execute("TRUNCATE tickets_ticket CASCADE")
    assert selectors.ticket_stats()["total_tickets"] == 0
    assert_stats_exact()


def test_list_count_is_exact_for_every_combination_of_label_filters(staff_client):
    services.ticket_bulk_load(
        tickets=generate(start=0, count=400, days=60, now=timezone.now()), classified_by="local:seed"
    )
    rows = Ticket.objects.values("category", "priority", "status").annotate(n=Count("id")).order_by()
    expected = {(r["category"], r["priority"], r["status"]): r["n"] for r in rows}
    choices = [[None, *Category.values], [None, *Priority.values], [None, *Status.values]]
    for category, priority, status in itertools.product(*choices):
        params = {k: v for k, v in (("category", category), ("priority", priority), ("status", status)) if v}
        want = sum(
            n
            for (c, p, s), n in expected.items()
            if (category in (None, c)) and (priority in (None, p)) and (status in (None, s))
        )
        body = staff_client.get("/api/tickets/", params).json()
        assert (body["count"], body["count_exact"]) == (want, True), params


def test_search_count_is_exact_up_to_the_cap_and_says_when_capped(staff_client, settings, monkeypatch):
    monkeypatch.setattr(selectors.tickets, "SEARCH_COUNT_CAP", 5)
    TicketFactory.create_batch(3, title="Printer jam")
    body = staff_client.get("/api/tickets/", {"search": "printer"}).json()
    assert (body["count"], body["count_exact"]) == (3, True)
    TicketFactory.create_batch(5, title="Printer offline")
    body = staff_client.get("/api/tickets/", {"search": "printer"}).json()
    assert (body["count"], body["count_exact"]) == (5, False)
    assert len(body["results"]) == 5


@pytest.mark.django_db(transaction=True)
def test_counters_stay_exact_under_concurrent_writers():
    """Concurrent transactions land on different counter shards; the sums still equal the rows."""

    def work(n):
        for i in range(15):
            ticket = services.ticket_create(title=f"w{n}-{i}", description="The site is down for everyone")
            if i % 3 == 0:
                services.ticket_change_status(ticket=ticket, status=Status.CLOSED)
            if i % 5 == 0:
                services.ticket_delete(ticket_ids=[ticket.pk])

    run_together(work, 4)
    assert TicketCount.objects.values("shard").distinct().count() > 1
    assert selectors.ticket_stats()["total_tickets"] == 48
    assert_stats_exact()


def _ticket_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'tickets_ticket'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("rebuild_above", [50_000, 10], ids=["indexes kept", "indexes set aside and rebuilt"])
def test_seed_work_gives_owners_and_replies_and_keeps_counts_exact(capsys, monkeypatch, rebuild_above):
    from django.core.management import call_command

    from tickets.management.commands import seed_work
    from tickets.models import TicketMessage

    monkeypatch.setattr(seed_work, "REBUILD_INDEXES_ABOVE", rebuild_above)
    TicketFactory.create_batch(30)
    before, indexes = selectors.ticket_stats(), _ticket_indexes()
    call_command("seed_work", "ann", "bo")
    assert _ticket_indexes() == indexes  # every index there again, as it was
    tickets = list(Ticket.objects.select_related("assignee").order_by("pk"))
    owned = [t for t in tickets if t.assignee]
    assert len(owned) == sum(1 for t in tickets if t.pk % 3)
    assert {t.assignee.username for t in owned} == {"ann", "bo"}
    replied = [t for t in owned if t.pk % 10 == 0]
    assert TicketMessage.objects.count() == len(replied)
    assert all(t.first_response_at == t.created_at + timedelta(hours=2) for t in replied)
    assert selectors.ticket_stats() == before
    call_command("seed_work", "ann")  # a second run changes nothing
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_three_homes_of_ai_kept_agree_on_the_same_rows():
    """Ticket.ai_agrees (Python), AI_KEPT (the ORM) and the counters' trigger SQL say the same of every row."""
    from tickets.models import AI_KEPT

    shapes = [
        {"ai_category": "", "ai_priority": ""},
        {"ai_category": "billing", "ai_priority": ""},
        {"ai_category": "billing", "ai_priority": "low", "category": "billing", "priority": "low"},
        {"ai_category": "billing", "ai_priority": "low", "category": "technical", "priority": "low"},
        {"ai_category": "billing", "ai_priority": "high", "category": "billing", "priority": "low"},
    ]
    for shape in shapes:
        TicketFactory(**{"category": "billing", "priority": "low", **shape})
    python = {"kept": 0, "changed": 0, "none": 0}
    for ticket in Ticket.objects.all():
        python[{True: "kept", False: "changed", None: "none"}[ticket.ai_agrees]] += 1
    triggers = {state: TicketCount.objects.filter(ai=state).aggregate(n=Sum("n", default=0))["n"] for state in python}
    assert python == triggers == {"kept": 1, "changed": 2, "none": 2}
    assert Ticket.objects.filter(AI_KEPT).count() == python["kept"]


def test_an_owner_filter_counts_up_to_the_cap_like_a_search(staff_client, staff_user, monkeypatch):
    """No counter is kept per owner: an agent's tickets are counted up to the cap, and the answer says so."""
    monkeypatch.setattr(selectors.tickets, "SEARCH_COUNT_CAP", 5)
    TicketFactory.create_batch(4, assignee=staff_user)
    TicketFactory.create_batch(2)
    body = staff_client.get("/api/tickets/", {"assignee": "me"}).json()
    assert (body["count"], body["count_exact"]) == (4, True)
    body = staff_client.get("/api/tickets/", {"assignee": "none"}).json()
    assert (body["count"], body["count_exact"]) == (2, True)
    TicketFactory.create_batch(3, assignee=staff_user)
    body = staff_client.get("/api/tickets/", {"assignee": "me"}).json()
    assert (body["count"], body["count_exact"]) == (5, False)


def test_the_counters_keep_each_teams_tickets_apart_through_moves_and_deletes():
    from tickets.models import Team

    hr, it = Team.objects.create(name="HR", private=True), Team.objects.create(name="IT")
    tickets = TicketFactory.create_batch(6)
    for ticket, team in zip(tickets, (hr, hr, hr, it, it, None), strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(team=team)
    Ticket.objects.filter(pk=tickets[0].pk).update(team=it)  # moved from HR to IT
    Ticket.objects.filter(pk=tickets[4].pk).update(team=None, status="closed")  # out of any team, and closed
    Ticket.objects.filter(pk=tickets[1].pk).delete()

    def counted(team_id):
        return TicketCount.objects.filter(team=team_id).aggregate(n=Sum("n", default=0))["n"]

    for team_id in (hr.pk, it.pk, 0):
        expected = Ticket.objects.filter(team=team_id or None).count()
        assert counted(team_id) == expected, team_id
    assert (counted(hr.pk), counted(it.pk), counted(0)) == (1, 2, 2)
