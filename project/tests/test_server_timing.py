"""Server-Timing (SERVER_TIMING on, as the benchmark runs): each response says the worker's CPU time and its
time waiting for SQL with the query count; off, as in production, no header and no middleware."""

import re

import pytest
from django.test import Client, override_settings

from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _timing(response) -> dict[str, str]:
    return dict(re.findall(r"(\w+);dur=([0-9.]+)", response.get("Server-Timing", "")))


def test_each_response_says_its_cpu_and_sql_time(staff_client):
    TicketFactory.create_batch(3)
    with override_settings(SERVER_TIMING=True):
        response = Client().get("/api/tickets/")  # a fresh handler: the middleware list is read per handler
        assert response.status_code == 401 and float(_timing(response)["cpu"]) >= 0
        staff_client.handler.load_middleware()
        response = staff_client.get("/api/tickets/")
    timing = _timing(response)
    assert float(timing["cpu"]) > 0 and float(timing["sql"]) > 0
    queries = int(re.search(r'desc="(\d+) queries"', response["Server-Timing"]).group(1))
    assert queries >= 2  # the page and its count at least


def test_off_by_default():
    response = Client().get("/healthz")
    assert "Server-Timing" not in response
