"""Shared fixtures. The suite runs on PostgreSQL only (DATABASE_URL); it stops with a clear message without it."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient


def pytest_configure(config):
    import psycopg

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("The test suite runs on PostgreSQL only: set DATABASE_URL=postgres://...")
    try:
        psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        raise pytest.UsageError(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} as {db['USER']!r} ({exc}). "
            "Start it, or point DATABASE_URL at one."
        ) from exc


@pytest.fixture(autouse=True)
def _isolated_classifier_state(settings):
    """Each test starts with a closed circuit breaker and an empty throttle cache."""
    from django.core.cache import cache

    from tickets.classifier.service import breaker

    breaker.reset()
    cache.clear()
    yield
    breaker.reset()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("staff", "staff@example.com", "staff-pass-123", is_staff=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def staff_client(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client
