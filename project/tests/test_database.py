"""The database backend's health check: a kept connection the server closed is replaced before a request uses
it, and a healthy one is not sent a query to find that out."""

import psycopg
import pytest
from django.db import connection


@pytest.fixture
def kept():
    """A connection of its own to the test database, as a web worker keeps one between requests."""
    wrapper = connection.copy()
    wrapper.connect()
    yield wrapper
    wrapper.close()


def server_side(wrapper):
    """What the server shows of the connection: its state and the last statement it was sent."""
    with psycopg.connect(**wrapper.get_connection_params(), autocommit=True) as other:
        query = "SELECT state, query FROM pg_stat_activity WHERE pid = %s"
        return other.execute(query, [wrapper.connection.info.backend_pid]).fetchone()


@pytest.mark.django_db
def test_a_healthy_connection_is_checked_without_a_statement(kept):
    with kept.cursor() as cursor:
        cursor.execute("SELECT 42 AS last_statement")
    assert kept.is_usable()
    assert server_side(kept) == ("idle", "SELECT 42 AS last_statement")  # no SELECT 1 went out


@pytest.mark.django_db
def test_a_connection_in_a_transaction_stays_usable_unless_the_transaction_failed(kept):
    kept.set_autocommit(False)
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert kept.is_usable()
        with pytest.raises(psycopg.errors.DivisionByZero):
            cursor.cursor.execute("SELECT 1 / 0")  # psycopg's own cursor: Django's would mark the error itself
    assert not kept.is_usable()
    kept.rollback()
    assert kept.is_usable()


@pytest.mark.django_db
def test_a_connection_the_server_closed_is_found_and_replaced(kept):
    pid = kept.connection.info.backend_pid
    with psycopg.connect(**kept.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # returns once the server process is gone
    assert not kept.is_usable()
    kept.health_check_enabled, kept.health_check_done = True, False
    with kept.cursor() as cursor:  # Django checks, closes and connects again before the statement
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
