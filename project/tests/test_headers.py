"""Content-Security-Policy and frame protection on every page kind: admin, API docs, React app, API."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, set[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: set(values) for name, *values in directives}


def test_the_react_app_and_the_api_get_the_strict_policy(client, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    (tmp_path / "index.html").write_text("<div id=root></div>")
    for response in (client.get("/"), client.get("/api/tickets/"), client.get("/admin/login/?next=/admin/")):
        csp = policy(response)
        assert csp["frame-ancestors"] == {"'none'"} and csp["object-src"] == {"'none'"}
        assert "'unsafe-inline'" not in csp["script-src"]
        assert response["X-Frame-Options"] == "DENY"
    strict = policy(client.get("/"))
    assert strict["script-src"] == {"'self'"} and strict["style-src"] == {"'self'"}


def test_the_admin_adds_only_what_alpine_and_unfold_need(admin_client):
    csp = policy(admin_client.get("/admin/tickets/ticket/"))
    assert csp["script-src"] == {"'self'", "'unsafe-eval'"}
    assert csp["style-src"] == {"'self'", "'unsafe-inline'"}


def test_the_api_docs_load_their_script_from_a_url_not_inline():
    response = Client().get("/api/docs/")
    html = response.content.decode()
    assert "<script>" not in html.replace(" ", "")
    assert policy(response)["script-src"] == {"'self'"}
    assert Client().get("/api/docs/?script=").status_code == 200
