"""Production start-up, outside Docker: the scripts the image runs, against PostgreSQL."""

import json
import subprocess
import sys
import tempfile
import time

import pytest
from django.test import override_settings

from project.tests.gunicorn_server import ROOT, free_port, production_env, request, wait_until_ready
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    env = production_env()
    env.pop("DJANGO_SECURE_SSL_REDIRECT")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("debug", ["0", "1"])
def test_production_refuses_to_start_without_a_secret_key_debug_or_not(debug):
    env = production_env(DJANGO_DEBUG=debug)
    env.pop("DJANGO_SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


SHOW_PAGE_COST = "from django.db import connection; c = connection.cursor(); c.execute('SHOW random_page_cost'); "
SHOW_PAGE_COST += "print(c.fetchone()[0])"


@pytest.mark.django_db
def test_connections_price_random_reads_as_on_ssd():
    """DATABASE_RANDOM_PAGE_COST (1.1) reaches every connection: the planner walks an index rather than build a
    huge trigram bitmap for a common word (project/settings/base.py). It is the role's setting in the database,
    not a connection option (a pooler refuses those): a process started with nothing but the URL finds it."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
        cursor.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            "WHERE d.datname = current_database() AND s.setrole = (SELECT oid FROM pg_roles WHERE rolname = user)"
        )
        assert cursor.fetchone()[0] == ["random_page_cost=1.1"]
    result = manage("shell", "-c", SHOW_PAGE_COST, env=production_env(DATABASE_RANDOM_PAGE_COST="2.5"))
    assert result.stdout.strip().splitlines()[-1] == "1.1"  # a setting changes with the next migrate, not before


@pytest.mark.django_db(transaction=True)
def test_migrate_keeps_the_setting_and_an_empty_one_gives_back_the_servers():
    try:
        for value, expected in (("", "4"), ("2.5", "2.5")):
            env = production_env(DATABASE_RANDOM_PAGE_COST=value)
            assert manage("migrate", "--no-input", "-v", "0", env=env).returncode == 0
            result = manage("shell", "-c", SHOW_PAGE_COST, env=production_env())
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip().splitlines()[-1] == expected
        assert "must be a number" in manage("check", env=production_env(DATABASE_RANDOM_PAGE_COST="fast")).stderr
    finally:
        assert manage("migrate", "--no-input", "-v", "0", env=production_env()).returncode == 0


@pytest.mark.django_db(transaction=True)
def test_start_web_migrates_and_serves_ready_with_json_logs_that_never_hold_a_tracking_token():
    from tickets import services

    port = free_port()
    env = production_env(HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2")
    token = services.ticket_create(title="VPN", description="It drops.", tracking=True).tracking_token
    wrong = "Z" * 43
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            wait_until_ready(f"http://127.0.0.1:{port}", proc)
            status, body, _ = request(f"http://127.0.0.1:{port}/readyz")
            assert status == 200 and body == {"status": "ok", "database": "ok"}
            assert request(f"http://127.0.0.1:{port}/api/tickets/")[0] == 401
            status, page, _ = request(f"http://127.0.0.1:{port}/admin/login/")
            assert status == 200 and b"Cootrack" in page  # the themed admin, static files in place
            # The React page calls the API with the page's address as Referer; a wrong token is a logged 404.
            referer = {"Referer": f"http://127.0.0.1:{port}/t/{token}"}
            assert request(f"http://127.0.0.1:{port}/api/track/{token}/", headers=referer)[0] == 200
            assert request(f"http://127.0.0.1:{port}/api/track/{wrong}/")[0] == 404
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        log.seek(0)
        text = log.read().decode()
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(r.get("logger") == "gunicorn.access" and "/readyz" in r["message"] for r in records)
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert token not in text and wrong not in text
    access = [r["message"] for r in records if r.get("logger") == "gunicorn.access" and "/api/track/" in r["message"]]
    assert len(access) == 2 and all("/api/track/[token]/" in line for line in access)
    assert any("/t/[token]" in line for line in access)  # the Referer, redacted too


@pytest.mark.django_db(transaction=True)
def test_start_worker_runs_queued_classification_jobs():
    from tickets.tasks import classify_tickets

    tickets = TicketFactory.create_batch(3, title="Refund", description="I was charged twice", category="general")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        result = classify_tickets.enqueue([t.pk for t in tickets])
    assert Ticket.objects.filter(category="billing").count() == 0  # queued, not run

    env = production_env(WORKER_POLL_INTERVAL_S="0.2")
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([str(ROOT / "bin" / "start-worker")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and Ticket.objects.filter(category="billing").count() < 3:
                assert proc.poll() is None, "the worker exited"
                time.sleep(0.3)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert Ticket.objects.filter(category="billing", ai_category="billing").count() == 3
    assert result.id


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_job_runs_again_and_classifies_each_ticket_once():
    from django_tasks_db.models import DBTaskResult

    from tickets.models import TicketEvent
    from tickets.tasks import classify_tickets

    tickets = TicketFactory.create_batch(
        1500, title="Refund", description="I was charged twice for one invoice", category="general"
    )
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        classify_tickets.enqueue([t.pk for t in tickets])
    env = production_env(WORKER_POLL_INTERVAL_S="0.1", WORKER_ID="worker-a")

    def start():
        return subprocess.Popen([str(ROOT / "bin" / "start-worker")], cwd=ROOT, env=env)  # noqa: S603

    first = start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Ticket.objects.filter(category="billing").exists():
            time.sleep(0.05)
        first.kill()  # mid-job: SIGKILL, no chance to clean up
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    done_before = Ticket.objects.filter(category="billing").count()
    assert 0 < done_before < len(tickets), "the kill did not land mid-job; make the job longer"
    assert DBTaskResult.objects.get().status == "RUNNING"

    second = start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and DBTaskResult.objects.get().status != "SUCCESSFUL":
            assert second.poll() is None, "the worker exited"
            time.sleep(0.2)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Ticket.objects.filter(category="billing", ai_category="billing").count() == len(tickets)
    # Re-running the job re-applied the same answer: one category change per ticket, never two.
    changes = TicketEvent.objects.filter(field="category").values_list("ticket_id", flat=True)
    assert len(changes) == len(set(changes)) == len(tickets)
