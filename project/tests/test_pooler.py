"""The web and the worker through PgBouncer in transaction mode, as Debian installs it: migrate (under its lock),
a ticket classified by the LLM (under a shared slot), its confirmation mailed by the worker, the planner's setting
on every pooled connection. The rest of the suite's pooled part runs through `make test` (Makefile: test-pooled)."""

import os
import subprocess
import sys
import tempfile
import time

import psycopg
import pytest

from project.tests.clusters import pgbouncer, through
from project.tests.gunicorn_server import ROOT, free_port, production_env, request, wait_until_ready
from tickets.tests import llm_server, smtp_server

SERVER = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def pooled_database():
    """A database of its own on the machine's server, reached through a PgBouncer of its own."""
    name = f"cootrack_pooled_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with pgbouncer(5432, pool_size=5) as port:
            yield through(f"{SERVER}/{name}", port)
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def llm():
    fake = llm_server.FakeLLM()
    fake.answer({"category": "billing", "priority": "high", "confidence": 0.93})
    server = llm_server.start(fake)
    yield fake
    server.shutdown()
    server.server_close()


def test_web_and_worker_run_through_pgbouncer_in_transaction_mode(pooled_database, llm):
    mailbox = smtp_server.Mailbox()
    controller = smtp_server.start(mailbox)
    port = free_port()
    env = production_env(
        pooled_database,
        DATABASE_POOLED="1",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=llm.base_url,
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
        WORKER_POLL_INTERVAL_S="0.2",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
    )
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        # Two starts at once: both migrate under the one lock, through the pooler.
        web = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        second = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate_locked", "--no-input"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        worker = subprocess.Popen([str(ROOT / "bin" / "start-worker")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            assert second.returncode == 0, second.stderr[-2000:]
            wait_until_ready(base, web, timeout=120)
            body = {
                "title": "Charged twice",
                "description": "My invoice shows two charges.",
                "submitter_email": "ann@example.com",
            }
            status, ticket, _ = request(base + "/api/tickets/", "POST", body)
            assert status == 201, ticket
            assert (ticket["category"], ticket["priority"]) == ("billing", "high")
            assert len(llm.requests) == 1  # asked under a shared slot, taken and given back through the pooler
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not mailbox.received:
                assert worker.poll() is None, "the worker exited"
                time.sleep(0.2)
            assert [m["To"] for m in mailbox.received] == ["ann@example.com"]  # the worker's job, through the pooler
            assert request(base + f"/api/tickets/{ticket['id']}/")[0] in (401, 403)  # staff only, still
        finally:
            for proc in (web, worker):
                proc.terminate()
                proc.wait(timeout=30)
            controller.stop()
        log.seek(0)
        output = log.read().decode(errors="replace")
    assert "unsupported startup parameter" not in output
    assert "Traceback" not in output, output[-3000:]
    with psycopg.connect(pooled_database, autocommit=True) as conn:
        assert conn.execute("SHOW random_page_cost").fetchone()[0] == "1.1"  # the role's setting, pooled too
        assert conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0] == 1
