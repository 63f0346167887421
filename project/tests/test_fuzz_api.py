"""Schemathesis fuzzes every operation of /api/schema/, anonymously and as staff: no 5xx, responses match the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tickets.tests.factories import TicketFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Requests go through the real WSGI handler, which closes the database connection after each one; the test's
    transaction lives on that connection, so keep it open for the test (as Django's own test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(staff_user):
    TicketFactory.create_batch(3)
    return Token.objects.create(user=staff_user).key


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_fuzz_as_staff(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_fuzz_anonymously(case):
    response = case.call_and_validate(checks=CHECKS)
    if case.path in ("/api/session/login/", "/api/session/logout/"):
        # A POST without a CSRF token is refused before anything else; other methods change nothing.
        allowed = (403,) if case.method.upper() == "POST" else (200, 403, 405)
        assert response.status_code in allowed, (case.method, response.status_code)
    elif case.path.startswith("/api/portal/"):
        # "My tickets" without a customer's sign-in, or a write without the CSRF token: 403, never a 5xx.
        assert response.status_code in (200, 202, 400, 403, 404, 405), (case.method, response.status_code)
    elif case.method.upper() != "POST":
        assert response.status_code in (200, 401, 404, 405), (case.method, response.status_code)
