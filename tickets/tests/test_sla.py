"""SLA promises with a fixed clock: due times from the priority, states as time passes, replies and resolutions
meeting them, priority changes and reopenings moving them, and every form of the rule agreeing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from tickets import selectors, services
from tickets.models import SLAPolicy, Ticket
from tickets.rules.sla import sla_filter, sla_state
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

TEN = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return TEN.replace(hour=hour, minute=minute)


def state(ticket: Ticket, when: datetime) -> str:
    ticket.refresh_from_db()
    python = sla_state(ticket, when)
    database = [
        s
        for s in ("ok", "due_soon", "breached", "met")
        if Ticket.objects.filter(sla_filter(s, when), pk=ticket.pk).exists()
    ]
    assert database == [python], (python, database)  # the two forms of the rule agree
    return python


def create(priority="critical", **extra) -> Ticket:
    return services.ticket_create(
        title="Site down", description="Nobody can order.", priority=priority, category="technical", **extra
    )


def test_the_defaults_shipped_in_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tickets.migrations.0013_sla")
    SLAPolicy.objects.all().delete()  # what the migration finds on a new install
    with connection.schema_editor() as editor:
        migration.create_policies_and_backfill(apps, editor)
    policies = {p.priority: (p.first_response_minutes, p.resolution_minutes) for p in SLAPolicy.objects.all()}
    assert policies == {"critical": (60, 240), "high": (240, 1440), "medium": (480, 4320), "low": (1440, 10080)}


def test_a_critical_ticket_due_at_eleven_soon_at_ten_forty_eight_breached_after(agent):
    with time_machine.travel(TEN, tick=False):
        ticket = create()
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (at(11), at(14))
    assert state(ticket, at(10, 47)) == "ok"
    assert state(ticket, at(10, 48)) == "due_soon"
    assert state(ticket, at(11, 1)) == "breached"


def test_a_reply_at_ten_thirty_meets_the_first_response_and_resolving_meets_the_rest(agent):
    with time_machine.travel(TEN, tick=False):
        ticket = create()
    with time_machine.travel(at(10, 30), tick=False):
        services.message_add(ticket=ticket, kind="reply", body="On it.", author=agent)
    assert state(ticket, at(11, 1)) == "ok"  # the reply met it; the resolution is due at 14:00
    assert state(ticket, at(13, 13)) == "due_soon"  # under 20 % of the 4 hours left
    with time_machine.travel(at(13, 30), tick=False):
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
    assert state(ticket, at(18)) == "met"


def test_a_late_reply_or_resolution_stays_breached(agent):
    with time_machine.travel(TEN, tick=False):
        ticket = create()
    with time_machine.travel(at(11, 30), tick=False):
        services.message_add(ticket=ticket, kind="reply", body="Sorry for the wait.", author=agent)
    with time_machine.travel(at(12), tick=False):
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
    assert state(ticket, at(12, 1)) == "breached"


def test_a_priority_change_recomputes_both_due_times_and_says_why(agent):
    with time_machine.travel(TEN, tick=False):
        ticket = create(priority="low")
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        TEN + timedelta(days=1),
        TEN + timedelta(days=7),
    )
    with time_machine.travel(at(10, 20), tick=False):
        services.ticket_update(ticket=ticket, data={"priority": "high"}, actor=agent)
    ticket.refresh_from_db()
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (at(14), TEN + timedelta(days=1))
    event = ticket.events.get(field="sla")
    assert "priority low -> high" in event.new_value and event.actor == agent


def test_reopening_starts_the_resolution_clock_again(agent):
    with time_machine.travel(TEN, tick=False):
        ticket = create()
        services.message_add(ticket=ticket, kind="reply", body="Fixed.", author=agent)
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
    with time_machine.travel(at(16), tick=False):
        services.ticket_change_status(ticket=ticket, status="open")
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == at(20)
    assert state(ticket, at(17)) == "ok"


def test_bulk_moves_follow_the_same_rule(agent):
    with time_machine.travel(TEN, tick=False):
        one, many = create(), create()
    with time_machine.travel(at(10, 30), tick=False):
        services.ticket_change_status(ticket=one, status="resolved")
        services.ticket_bulk_change_status(ticket_ids=[many.pk], status="resolved")
    assert state(one, at(12)) == state(many, at(12)) == "met"


def test_the_sql_backfill_gives_what_python_gives():
    """Tickets loaded without due times (COPY, or rows from before SLAs) get the same columns from SQL."""
    with time_machine.travel(TEN, tick=False):
        shapes = [
            TicketFactory(priority="critical", status="open"),
            TicketFactory(priority="high", status="open", first_response_at=at(15)),
            TicketFactory(priority="medium", status="resolved", resolved_at=at(12), first_response_at=at(11)),
            TicketFactory(priority="low", status="closed", resolved_at=TEN + timedelta(days=9)),
        ]
    expected = []
    for ticket in shapes:
        services.sla_refresh(ticket)
        expected.append([getattr(ticket, f) for f in services.sla.SLA_FIELDS])
    Ticket.objects.update(**dict.fromkeys(services.sla.SLA_FIELDS[:-1]), sla_breached=False)
    assert services.sla_backfill(connection) == len(shapes)
    got = [[getattr(t, f) for f in services.sla.SLA_FIELDS] for t in Ticket.objects.order_by("pk")]
    assert got == expected


class TestWhereStaffSeeIt:
    def test_api_fields_filter_and_most_urgent_first(self, staff_client):
        with time_machine.travel(TEN, tick=False):
            critical, low = create("critical"), create("low")
        with time_machine.travel(at(11, 30), tick=False):
            body = staff_client.get("/api/tickets/", {"ordering": "due"}).json()
            assert [t["id"] for t in body["results"]] == [critical.pk, low.pk]
            first = body["results"][0]
            assert (first["sla_state"], first["first_response_due_at"]) == ("breached", "2026-11-30T11:00:00Z")
            breached = staff_client.get("/api/tickets/", {"sla": "breached"}).json()
            assert [t["id"] for t in breached["results"]] == [critical.pk] and breached["count"] == 1
            assert [t["id"] for t in staff_client.get("/api/tickets/", {"sla": "ok"}).json()["results"]] == [low.pk]
            assert staff_client.get("/api/tickets/", {"sla": "late"}).status_code == 400
            assert staff_client.get("/api/tickets/", {"ordering": "oldest"}).status_code == 400

    def test_admin_due_column_and_filters(self, admin_client):
        with time_machine.travel(TEN, tick=False):
            critical, low = create("critical"), create("low")
        with time_machine.travel(at(10, 50), tick=False):
            page = admin_client.get("/admin/tickets/ticket/", {"sla": "due_soon"}).content.decode()
            assert f"/admin/tickets/ticket/{critical.pk}/change/" in page and "Due soon" in page
            assert f"/admin/tickets/ticket/{low.pk}/change/" not in page
            page = admin_client.get("/admin/tickets/ticket/", {"sla": "breached"}).content.decode()
            assert f"/admin/tickets/ticket/{critical.pk}/change/" not in page

    def test_csv_export_has_the_promises(self, admin_client):
        import csv
        import io

        with time_machine.travel(TEN, tick=False):
            create("critical")
        with time_machine.travel(at(12), tick=False):
            body = b"".join(admin_client.get("/admin/tickets/ticket/export/").streaming_content).decode("utf-8-sig")
        row = next(csv.DictReader(io.StringIO(body)))
        assert (row["sla_state"], row["first_response_due_at"][:16]) == ("breached", "2026-11-30 11:00")

    def test_dashboard_compliance_matches_the_tickets(self, admin_client, agent):
        with time_machine.travel(TEN, tick=False):
            on_time, late, still_open = create("critical"), create("critical"), create("high")
        with time_machine.travel(at(10, 30), tick=False):
            services.message_add(ticket=on_time, kind="reply", body="Done.", author=agent)
            services.ticket_change_status(ticket=on_time, status="resolved", actor=agent)
        with time_machine.travel(at(15), tick=False):
            services.ticket_change_status(ticket=late, status="resolved", actor=agent)
        with time_machine.travel(at(16), tick=False):
            figures = selectors.sla_dashboard(days=30)
            assert figures["sla_compliance"]["critical"] == {"met": 1, "breached": 1}
            assert figures["sla_compliance"]["high"] == {"met": 0, "breached": 0}
            assert figures["breaching_now"] == 1  # the high ticket's first reply was due at 14:00
            assert figures["median_first_response"] == timedelta(minutes=30)
            page = admin_client.get("/admin/stats/").content.decode()
        assert 'data-figure="breaching_now">1<' in page and "50.0%" in page
        assert still_open.status == "open"
