"""Password guessing is refused the same way at /admin/login/ and /api/session/login/: per account and per
address, counted in the database (django-axes), with a clear message and a way for a superuser to unlock."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from tickets.tests.concurrency import run_together

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"
API_LOGIN = "/api/session/login/"


def admin_login(username, password, address="10.9.0.1", client=None):
    client = client or Client()
    response = client.post(ADMIN_LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return client, response


def api_login(username, password, address="10.9.0.1"):
    body = json.dumps({"username": username, "password": password})
    return Client().post(API_LOGIN, body, content_type="application/json", REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_locks_the_account_after_the_limit_even_for_the_right_password(staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _, response = admin_login("staff", "wrong")
        assert response.status_code == 200  # the form again, "please enter a correct username and password"
    _, response = admin_login("staff", "wrong")
    assert response.status_code == 429
    client, response = admin_login("staff", "staff-pass-123")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page and "ask an administrator to unlock" in page
    assert 'id="login-form"' in page  # the themed login page, not a bare error
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert not logged_in(client)


def test_an_account_is_locked_whatever_address_the_guesses_come_from(staff_user, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        admin_login("staff", "wrong", address=f"10.9.1.{i}")
    client, response = admin_login("staff", "staff-pass-123", address="10.9.2.1")
    assert response.status_code == 429 and not logged_in(client)


def test_an_address_is_locked_whatever_accounts_it_tries(staff_user, manager, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        admin_login(f"guess{i}", "wrong", address="10.9.3.3")
    client, response = admin_login("manager", "pass-123-word", address="10.9.3.3")
    assert response.status_code == 429 and not logged_in(client)
    client, response = admin_login("manager", "pass-123-word", address="10.9.3.4")
    assert response.status_code == 302 and logged_in(client)


def test_admin_and_api_logins_share_one_count(staff_user, settings):
    half = settings.AXES_FAILURE_LIMIT // 2
    for _ in range(half):
        admin_login("staff", "wrong")
    for _ in range(settings.AXES_FAILURE_LIMIT - half):
        api_login("staff", "wrong")
    response = api_login("staff", "staff-pass-123")
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    assert admin_login("staff", "staff-pass-123")[1].status_code == 429


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_all_counted(make_staff, settings):
    from tickets.roles import AGENT

    make_staff("target", AGENT)
    guesses = 8

    def guess(i):
        api_login("target", f"wrong-{i}", address="10.9.4.4")

    run_together(guess, guesses)
    counted = AccessAttempt.objects.filter(username="target").aggregate(n=Sum("failures_since_start"))["n"]
    assert counted == guesses


def test_lockout_ends_after_the_cool_off(staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login("staff", "wrong")
    assert admin_login("staff", "staff-pass-123")[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=1))
    client, response = admin_login("staff", "staff-pass-123")
    assert response.status_code == 302 and logged_in(client)


def test_a_superuser_sees_locked_accounts_and_unlocks_them(staff_user, admin_client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login("staff", "wrong")
    users = admin_client.get("/admin/auth/user/?locked_out=yes").content.decode()
    assert ">staff</a>" in users and "Locked out" in users
    attempts = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "staff" in attempts

    admin_client.post(
        "/admin/auth/user/",
        {"action": "unlock_login", "_selected_action": [staff_user.pk]},
    )
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert ">staff</a>" not in admin_client.get("/admin/auth/user/?locked_out=yes").content.decode()
    client, response = admin_login("staff", "staff-pass-123")
    assert response.status_code == 302 and logged_in(client)


def test_the_command_line_unlocks_an_account(staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_login("staff", "wrong")
    assert api_login("staff", "staff-pass-123").status_code == 429
    call_command("axes_reset_username", "staff")
    assert api_login("staff", "staff-pass-123").status_code == 200
