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


@pytest.mark.django_db(transaction=True)
def test_a_fresh_worker_answers_its_first_classify_and_create_from_the_built_model(tmp_path):
    """Plain `gunicorn project.wsgi` (no project config, one worker): the model is loaded as the process starts,
    so the first classification and the first ticket do not wait for any training."""
    import time

    with gunicorn(workers=1) as base:
        started = time.monotonic()
        status, classified, _ = request(
            base + "/api/tickets/classify/", "POST", {"description": "Charged twice for my March invoice"}
        )
        first_classify = time.monotonic() - started
        assert (status, classified["suggested_category"], classified["source"]) == (200, "billing", "local")
        started = time.monotonic()
        status, created, _ = request(
            base + "/api/tickets/", "POST", {"title": "Refund", "description": "Charged twice."}
        )
        first_create = time.monotonic() - started
        assert (status, created["category"]) == (201, "billing")
    # Loose bounds for a shared machine (training alone takes seconds); bench/run measures the real figures.
    assert first_classify < 2 and first_create < 2


def test_a_process_without_the_model_file_does_not_start(tmp_path):
    """A missing model file stops the start (wsgi import) with the command that builds it."""
    import subprocess
    import sys

    from project.tests.gunicorn_server import ROOT, production_env

    env = production_env("postgres://postgres@127.0.0.1:5432/postgres", CLASSIFIER_BASE_MODEL_PATH=str(tmp_path / "x"))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import project.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "python manage.py build_classifier" in result.stderr
