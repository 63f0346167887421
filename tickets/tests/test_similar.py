"""Similar tickets on the change page and in the API: earlier tickets with alike titles, resolved ones first, read
from the trigram index in distance order; the Python fallback (SQLite) measures alike as pg_trgm does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tickets import selectors
from tickets.db import similarity, trigrams
from tickets.tests.factories import TicketFactory

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

    shown = selectors.similar_tickets(ticket)

    ids = [other.pk for other, _ in shown]
    assert len(ids) == 5
    assert set(ids[:2]) == {resolved.pk, closed.pk}  # resolved and closed ones first
    assert ids[2] == open_twin.pk  # then the most alike: the same title
    assert later.pk not in ids and ticket.pk not in ids
    assert all(0.3 <= score <= 1 for _, score in shown)


def test_a_ticket_like_no_other_has_none():
    _ticket("Refund for the March invoice")
    assert selectors.similar_tickets(_ticket("Kaleidoscope widget colours", days_ago=0)) == []


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


def test_the_lookup_reads_the_trigram_index_in_distance_order():
    ticket = _ticket("VPN drops every hour")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a table this small would be read whole otherwise
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE id <> %s ORDER BY title <-> %s LIMIT 50",
            [ticket.pk, ticket.title],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_title_trgm_gist_idx" in plan


def test_the_api_and_the_change_page_show_them(staff_client, client, agent):
    resolved = _ticket("Printer jams on page two", status="resolved", days_ago=3)
    ticket = _ticket("Printer jams on page two", days_ago=1)
    listed = staff_client.get(f"/api/tickets/{ticket.pk}/similar/").json()
    assert [(t["id"], t["status"], t["similarity"]) for t in listed] == [(resolved.pk, "resolved", 1.0)]

    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "Similar earlier tickets" in page
    assert reverse("admin:tickets_ticket_change", args=[resolved.pk]) in page and "100% alike" in page


@pytest.mark.django_db(transaction=True)
def test_a_lookup_that_cannot_finish_in_time_shows_none_and_leaves_the_connection_as_it_was(monkeypatch):
    import psycopg

    from tickets import db

    ticket = _ticket("VPN drops every hour")
    _ticket("VPN drops every hour", status="resolved", days_ago=2)
    monkeypatch.setattr(db, "NEAREST_TITLES_TIMEOUT_MS", 50)
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute("LOCK TABLE tickets_ticket IN ACCESS EXCLUSIVE MODE")  # the lookup must wait for it
        assert selectors.similar_tickets(ticket) == []
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    assert len(selectors.similar_tickets(ticket)) == 1  # the lock gone, found again
