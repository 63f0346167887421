"""Similar tickets on the change page and in the API: earlier tickets with alike titles, resolved ones first, found
by the titles' MinHash keys through their index; alike is measured as pg_trgm does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tickets import postgres, selectors
from tickets.models import Ticket
from tickets.postgres import _TitleKeys, title_keys
from tickets.tests.factories import TicketFactory
from tickets.titles import similarity, sketch_keys, title_sketch, trigrams

pytestmark = pytest.mark.django_db


def _ticket(title, status="open", days_ago=1):
    return TicketFactory(title=title, status=status, created_at=timezone.now() - timedelta(days=days_ago))


def test_earlier_alike_tickets_resolved_first_at_most_five():
    open_twin = _ticket("VPN drops every hour", status="open", days_ago=2)
    resolved = _ticket("VPN drops every hour for everyone", status="resolved", days_ago=3)
    closed = _ticket("The VPN drops every hour", status="closed", days_ago=4)
    for i in range(4):
        _ticket(f"VPN drops every hour again {i}", status="in_progress", days_ago=5 + i)
    _ticket("Refund for the March invoice", status="resolved", days_ago=2)  # not alike
    ticket = _ticket("VPN drops every hour", days_ago=1)
    later = _ticket("VPN drops every hour", status="resolved", days_ago=0)  # newer than the ticket: not offered

    shown = selectors.similar_tickets(ticket, user=None)

    ids = [other.pk for other, _ in shown]
    assert len(ids) == 5
    assert set(ids[:2]) == {resolved.pk, closed.pk}  # resolved and closed ones first
    assert ids[2] == open_twin.pk  # then the most alike: the same title
    assert later.pk not in ids and ticket.pk not in ids
    assert all(0.3 <= score <= 1 for _, score in shown)


def test_a_ticket_like_no_other_has_none():
    _ticket("Refund for the March invoice")
    assert selectors.similar_tickets(_ticket("Kaleidoscope widget colours", days_ago=0), user=None) == []


def test_python_trigrams_measure_alike_as_pg_trgm_does():
    pairs = [
        ("VPN drops every hour", "The VPN drops every hour!"),
        ("Refund for the March invoice", "Invoice refund, March"),
        ("Mot de passe oublié", "mot de passe OUBLIÉ"),
        ("", "anything"),
    ]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert similarity(trigrams(a), trigrams(b)) == pytest.approx(cursor.fetchone()[0], abs=1e-6), (a, b)


def test_the_lookup_reads_the_sketch_index():
    ticket = _ticket("VPN drops every hour")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole otherwise
    entries = title_keys(sketch_keys(ticket.title), [0])
    keys = Ticket.objects.annotate(keys=_TitleKeys()).filter(keys__overlap=entries).order_by()
    assert list(keys.values_list("id", flat=True)) == [ticket.pk]
    assert "ticket_title_keys_idx" in keys.values("id").explain()


def _with_id(pk, title, days_ago):
    ticket = Ticket(id=pk, title=title, description="-", category="technical", priority="low", status="resolved")
    ticket.save()  # its sketch is made on save
    Ticket.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    ticket.refresh_from_db()
    return ticket


def test_near_twins_are_read_in_the_tickets_own_million_first_and_in_older_ones_when_too_few(monkeypatch):
    """The index files a title's keys under its million of ticket ids: a lookup reads the ticket's own million and
    the one before; the older millions only when those hold fewer than SKETCH_CANDIDATES near twins."""
    million = postgres.TITLE_KEY_BUCKET
    oldest = _with_id(7, "Printer jams on page two", days_ago=40)
    old = _with_id(million + 7, "Printer jams on page two", days_ago=30)
    recent = _with_id(2 * million + 7, "Printer jams on page two", days_ago=20)
    ticket = _with_id(3 * million + 7, "Printer jams on page two", days_ago=1)
    newer = _with_id(4 * million + 7, "Printer jams on page two", days_ago=0)  # after the ticket: never offered

    assert {t.pk for t, _ in selectors.similar_tickets(ticket, user=None)} == {oldest.pk, old.pk, recent.pk}

    monkeypatch.setattr(postgres, "SKETCH_CANDIDATES", 2)  # the ticket's million and the one before hold enough
    read = {t.pk for t, _ in postgres.nearest_titles(ticket.title, exclude_id=ticket.pk, near_id=ticket.pk)}
    assert read == {recent.pk}  # the ticket itself was one of the two read, and left out
    offered = {t.pk for t, _ in postgres.nearest_titles("Printer jams on page two!", exclude_id=None)}
    assert offered == {newer.pk, ticket.pk}  # text being typed: the newest million and the one before


def test_the_lookup_leaves_the_planner_settings_as_they_were():
    ticket = _ticket("VPN drops every hour")
    _ticket("VPN drops every hour", status="resolved", days_ago=2)
    assert len(selectors.similar_tickets(ticket, user=None)) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_the_api_and_the_change_page_show_them(staff_client, client, agent):
    resolved = _ticket("Printer jams on page two", status="resolved", days_ago=3)
    ticket = _ticket("Printer jams on page two", days_ago=1)
    listed = staff_client.get(f"/api/tickets/{ticket.pk}/similar/").json()
    assert [(t["id"], t["status"], t["similarity"]) for t in listed] == [(resolved.pk, "resolved", 1.0)]

    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "Similar earlier tickets" in page
    assert reverse("admin:tickets_ticket_change", args=[resolved.pk]) in page and "100% alike" in page


def test_the_sketch_keeps_up_with_the_title_on_every_write(agent):
    from tickets import services

    ticket = services.ticket_create(title="VPN drops every hour", description="Since Monday.")
    assert ticket.title_sketch == title_sketch("VPN drops every hour") != ""
    services.ticket_update(ticket=ticket, data={"title": "Printer jams on page two"}, actor=agent)
    ticket.refresh_from_db()
    assert ticket.title_sketch == title_sketch("Printer jams on page two")


def test_near_twins_share_keys_and_strangers_do_not():
    def shared(a, b):
        return len(set(sketch_keys(a)) & set(sketch_keys(b)))

    assert shared("VPN drops every hour", "VPN drops every hour!") == 16  # the same trigrams
    assert shared("VPN drops every hour", "The VPN drops every hour") >= 1
    assert shared("VPN drops every hour", "Refund for the March invoice") == 0
    assert title_sketch("!!!") == ""


def test_the_migrations_frozen_sketch_is_the_live_one():
    """Migration 0017 filled every title's sketch with its own frozen copy; lookups use the live one."""
    from tickets.migrations._frozen import title_sketch as frozen
    from tickets.titles import title_sketch as live

    titles = ["VPN drops every hour", "Charged twice for invoice INV-20431", "Größe ändern", "", "!!!", "a" * 300]
    assert [frozen(t) for t in titles] == [live(t) for t in titles]
