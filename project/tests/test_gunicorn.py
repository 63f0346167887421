"""The REST contract over real HTTP, served by `gunicorn project.wsgi:application` with production settings."""

import pytest
from rest_framework.authtoken.models import Token

from project.tests.gunicorn_server import gunicorn, request
from tickets.models import Ticket
from tickets.roles import MANAGER


@pytest.mark.django_db(transaction=True)
def test_contract_over_http_under_gunicorn(make_staff):
    staff = make_staff("ops", MANAGER)
    token = Token.objects.create(user=staff).key
    auth = {"Authorization": f"Token {token}"}

    with gunicorn() as base:
        assert request(base + "/readyz")[1] == {"status": "ok", "database": "ok"}

        status, created, _ = request(
            base + "/api/tickets/",
            "POST",
            {"title": "VPN keeps dropping", "description": "The VPN disconnects every few minutes for our team."},
        )
        assert status == 201
        assert created["status"] == "open"
        assert created["category"] == "technical"

        assert request(base + "/api/tickets/")[0] == 401
        status, listing, _ = request(base + "/api/tickets/?search=vpn&status=open", headers=auth)
        assert status == 200
        assert [t["id"] for t in listing["results"]] == [created["id"]]

        status, bad, _ = request(base + "/api/tickets/", "POST", b'{"title": "x", "description": ')
        assert status == 400
        status, bad, _ = request(base + "/api/tickets/", "POST", {"title": "x" * 201, "description": "d"})
        assert (status, list(bad)) == (400, ["title"])
        assert request(base + "/api/tickets/?priority=extreme", headers=auth)[0] == 400

        status, patched, _ = request(base + f"/api/tickets/{created['id']}/", "PATCH", {"status": "resolved"}, auth)
        assert (status, patched["status"]) == (200, "resolved")

        status, stats, _ = request(base + "/api/tickets/stats/", headers=auth)
        assert (status, stats["total_tickets"], stats["open_tickets"]) == (200, 1, 0)

        status, suggestion, _ = request(
            base + "/api/tickets/classify/", "POST", {"description": "I was charged twice, please refund"}
        )
        assert (status, suggestion["suggested_category"], suggestion["source"]) == (200, "billing", "local")

    assert Ticket.objects.get().status == "resolved"
