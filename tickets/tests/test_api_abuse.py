"""Abuse of the public form and races between staff: honeypot, size limits, stale updates, concurrent changes."""

import pytest
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.roles import AGENT
from tickets.rules.tickets import ticket_version
from tickets.tests.concurrency import run_together
from tickets.tests.factories import TicketFactory

URL = "/api/tickets/"


@pytest.mark.django_db
def test_honeypot_submissions_are_silently_dropped(api_client):
    response = api_client.post(URL, {"title": "Cheap pills", "description": "Buy now", "website": "http://spam"})
    assert response.status_code == 201
    assert not Ticket.objects.exists()
    assert api_client.post(URL, {"title": "Real", "description": "A person", "website": ""}).status_code == 201
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_oversized_bodies_get_413_before_being_read(api_client):
    body = b'{"title": "t", "description": "' + b"x" * 400_000 + b'"}'
    response = api_client.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_stale_update_is_refused_with_412(staff_client):
    ticket = TicketFactory(status="open", priority="low")
    etag = staff_client.get(f"{URL}{ticket.pk}/")["ETag"]
    first = staff_client.patch(f"{URL}{ticket.pk}/", {"priority": "high"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = staff_client.patch(f"{URL}{ticket.pk}/", {"status": "closed"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["ETag"] == first["ETag"]
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("high", "open")
    fresh = staff_client.patch(f"{URL}{ticket.pk}/", {"status": "closed"}, HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_to_one_ticket_lose_no_history(make_staff):
    staff = [make_staff(f"s{i}", AGENT) for i in range(2)]
    ticket = TicketFactory(status="open", priority="low", category="billing")
    changes = [
        [{"status": "in_progress"}, {"status": "resolved"}, {"status": "closed"}],
        [{"priority": "high"}, {"category": "technical"}, {"priority": "critical"}],
    ]

    def work(i):
        client = APIClient()
        client.force_authenticate(staff[i])
        for change in changes[i]:
            assert client.patch(f"{URL}{ticket.pk}/", change, format="json").status_code == 200

    run_together(work, 2)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category) == ("closed", "critical", "technical")
    events = list(TicketEvent.objects.filter(ticket=ticket).exclude(field__in=["created", "sla"]).order_by("id"))
    assert len(events) == 6
    # Each field's history is an unbroken chain: every change starts where the previous one ended.
    for field, start in (("status", "open"), ("priority", "low"), ("category", "billing")):
        chain = [(e.old_value, e.new_value) for e in events if e.field == field]
        previous = start
        for old, new in chain:
            assert old == previous
            previous = new


@pytest.mark.django_db
def test_service_refuses_stale_version():
    ticket = TicketFactory(status="open")
    version = ticket_version(ticket)
    services.ticket_change_status(ticket=ticket, status="in_progress")
    with pytest.raises(services.StaleTicket):
        services.ticket_update(ticket=ticket, data={"status": "closed"}, expected_version=version)


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["bz2_codec", "zlib_codec", "base64_codec", "rot13", "utf-7", "utf-16", "nope"])
def test_json_in_any_charset_but_utf8_is_refused_without_decoding(api_client, charset):
    import bz2
    import zlib

    inflated = b'{"title": "t", "description": "' + b"x" * 2_000_000 + b'"}'
    bodies = {"bz2_codec": bz2.compress(inflated), "zlib_codec": zlib.compress(inflated)}
    body = bodies.get(charset, b'{"title": "t", "description": "+AGEAYgBj-"}')
    response = api_client.generic("POST", URL, body, content_type=f"application/json; charset={charset}")
    assert response.status_code == 415
    assert "UTF-8" in response.json()["detail"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_corrupt_compressed_body_is_a_client_error_not_a_500(api_client):
    response = api_client.generic("POST", URL, b"x\x9cnot zlib", content_type="application/json; charset=zlib_codec")
    assert response.status_code == 415


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", 'application/json; charset="UTF-8"']
)
def test_utf8_json_is_read_as_utf8(api_client, content_type):
    body = '{"title": "Café", "description": "Résumé +AGEAYgBj-"}'.encode()
    response = api_client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 201
    assert Ticket.objects.get().description == "Résumé +AGEAYgBj-"  # not decoded as UTF-7


def test_parser_reads_no_more_than_the_limit(settings):
    from io import BytesIO

    from rest_framework.exceptions import ParseError

    from tickets.api.parsers import SafeJSONParser

    settings.API_MAX_BODY_BYTES = 1024
    # Whatever the stream's declared length, the parser stops one byte past the limit.
    stream = BytesIO(b'{"description": "' + b"x" * 50_000 + b'"}')
    with pytest.raises(ParseError, match="too large"):
        SafeJSONParser().parse(stream, "application/json")
    assert stream.tell() == 1025
    assert SafeJSONParser().parse(BytesIO('{"a": "é"}'.encode()), "application/json") == {"a": "é"}
