"""Session login used by the React app's staff pages."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def post(client, url, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


@pytest.fixture
def csrf_client():
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/session/")
    assert response.json() == {"authenticated": False, "username": None, "is_staff": False}
    return client, response.cookies["csrftoken"].value


def test_staff_logs_in_and_out_with_csrf(csrf_client, staff_user):
    client, token = csrf_client
    assert post(client, "/api/session/login/", {"username": "staff", "password": "staff-pass-123"}).status_code == 403
    response = post(
        client, "/api/session/login/", {"username": "staff", "password": "staff-pass-123"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.json() == {"authenticated": True, "username": "staff", "is_staff": True}
    assert client.get("/api/tickets/").status_code == 200
    token = client.cookies["csrftoken"].value  # rotated at login
    assert post(client, "/api/session/logout/", {}, HTTP_X_CSRFTOKEN=token).json()["authenticated"] is False
    assert client.get("/api/tickets/").status_code in (401, 403)


@pytest.mark.parametrize(
    "body",
    [
        b"{broken",
        b"[]",
        {"username": "staff"},
        {"username": ["staff"], "password": "x"},
        {"username": "a\x00", "password": "b"},
    ],
)
def test_bad_login_bodies_are_400(csrf_client, staff_user, body):
    client, token = csrf_client
    assert post(client, "/api/session/login/", body, HTTP_X_CSRFTOKEN=token).status_code == 400


def test_wrong_password_and_non_staff_are_refused(csrf_client, staff_user, django_user_model):
    django_user_model.objects.create_user("customer", password="cust-pass-123")
    client, token = csrf_client
    for username, password in (("staff", "wrong"), ("customer", "cust-pass-123")):
        response = post(
            client, "/api/session/login/", {"username": username, "password": password}, HTTP_X_CSRFTOKEN=token
        )
        assert response.status_code == 400
    assert client.get("/api/session/").json()["authenticated"] is False


def test_repeated_failures_lock_the_address_out(csrf_client, staff_user):
    client, token = csrf_client
    for _ in range(10):
        post(client, "/api/session/login/", {"username": "staff", "password": "nope"}, HTTP_X_CSRFTOKEN=token)
    locked = post(
        client, "/api/session/login/", {"username": "staff", "password": "staff-pass-123"}, HTTP_X_CSRFTOKEN=token
    )
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_spa_routes_serve_the_app(client, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    assert client.get("/tickets").status_code == 503  # not built: a clear message, not a 500
    (tmp_path / "index.html").write_text("<div id=root></div>")
    for path in ("/", "/tickets", "/dashboard", "/login", f"/t/{'a' * 43}", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 200 and b"id=root" in response.content
