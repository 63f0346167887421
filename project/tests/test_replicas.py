"""Read replicas against a real streaming standby: a private primary, a replica made by pg_basebackup, the app under
gunicorn as production runs it. Lists, stats, similar tickets and the dashboards read the replica; a save then a
reload reads the primary; a lagging replica is skipped; a replica stopped mid-run costs no request."""

import http.cookiejar
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import psycopg
import pytest

from project.tests.clusters import Cluster
from project.tests.gunicorn_server import ROOT, free_port, production_env, wait_until_ready

PASSWORD = "replica-test-password-1"  # noqa: S105
READ_YOUR_WRITES_S = 3


class Browser:
    """One client with its own cookies (as a browser keeps them), signed in by an API token."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, path: str, method: str = "GET", body=None, form: dict | None = None):
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=15) as resp:
                status, raw, got = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            status, raw, got = err.code, err.read(), err.headers
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = raw
        return status, payload, got.get("X-Read-From")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def poll(check, *, timeout: float, every: float = 0.2):
    """``check()``'s first true answer within ``timeout`` seconds (bounded), else its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)


@pytest.fixture(scope="module")
def topology():
    primary = Cluster.create()
    primary.start()
    replica = None
    server = None
    log = tempfile.NamedTemporaryFile(suffix=".log")  # noqa: SIM115
    try:
        with psycopg.connect(primary.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE cootrack")
        replica = primary.replica()
        replica.start()
        port = free_port()
        env = production_env(
            primary.url(),
            DATABASE_REPLICA_URLS=replica.url(),
            DATABASE_REPLICA_CHECK_S="0.3",
            DATABASE_REPLICA_MAX_LAG_S="1.5",
            DATABASE_READ_YOUR_WRITES_S=str(READ_YOUR_WRITES_S),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SESSION_COOKIE_SECURE="0",
            DJANGO_CSRF_COOKIE_SECURE="0",
            API_THROTTLE_CREATE="100000/min",
            SERVER_TIMING="1",
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="2",
        )
        server = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, server, timeout=120)  # migrate_locked ran on the primary only
        script = (
            "from django.contrib.auth import get_user_model; from rest_framework.authtoken.models import Token;"
            f"u = get_user_model().objects.create_superuser('lead', 'lead@example.com', '{PASSWORD}');"
            "v = get_user_model().objects.create_superuser('second', 'second@example.com', 'x');"
            "print(Token.objects.create(user=u).key, Token.objects.create(user=v).key)"
        )
        made = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        token, other_token = made.stdout.split()[-2:]
        yield SimpleNamespace(
            primary=primary, replica=replica, base=base, token=token, other_token=other_token, log=log
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        log.close()
        if replica is not None:
            replica.remove()
        primary.remove()


def server_log(topology) -> str:
    with open(topology.log.name, errors="replace") as f:
        return f.read()


def replica_queries(replica: Cluster) -> list[str]:
    """The last statement of each of the app's connections to the replica (pg_stat_activity)."""
    with psycopg.connect(replica.url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = 'cootrack' AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def test_lists_counts_stats_similar_and_dashboards_read_the_replica(topology):
    writer = Browser(topology.base, topology.token)
    for title in ("Invoice charged twice", "Invoice charged twice again"):
        status, _, read_from = writer.call("/api/tickets/", "POST", {"title": title, "description": "Refund me."})
        assert (status, read_from) == (201, "default")
    reader = Browser(topology.base, topology.other_token)  # another client: no write of its own
    status, page, read_from = poll(
        lambda: (r := reader.call("/api/tickets/?search=invoice"))[1]["count"] == 2 and r, timeout=10
    )
    assert (status, read_from) == (200, "replica1")
    assert any("tickets_ticket" in query for query in replica_queries(topology.replica))
    ticket = page["results"][0]["id"]
    assert reader.call("/api/tickets/stats/")[::2] == (200, "replica1")
    status, similar, read_from = reader.call(f"/api/tickets/{ticket}/similar/")
    assert (status, read_from) == (200, "replica1") and similar
    assert reader.call(f"/api/tickets/{ticket}/")[::2] == (200, "default")  # a ticket's page: about to be edited

    staff = Browser(topology.base)  # the admin, signed in by its form
    staff.call("/admin/login/")
    form = {"username": "lead", "password": PASSWORD, "csrfmiddlewaretoken": staff.cookie("csrftoken")}
    assert staff.call("/admin/login/?next=/admin/", "POST", form=form)[0] == 200  # followed to the admin home
    assert staff.call("/admin/")[::2] == (200, "default")  # signing in wrote: the primary for a few seconds
    time.sleep(READ_YOUR_WRITES_S + 0.5)
    for path in ("/admin/", "/admin/stats/", "/admin/tickets/ticket/?q=invoice"):
        status, html, read_from = staff.call(path)
        assert (status, read_from) == (200, "replica1"), path
        assert b"Invoice charged twice" in html or path != "/admin/tickets/ticket/?q=invoice"


def test_a_save_then_reload_reads_the_primary_and_a_lagging_replica_is_skipped(topology):
    agent, other = Browser(topology.base, topology.token), Browser(topology.base, topology.other_token)
    ticket = agent.call("/api/tickets/", "POST", {"title": "VPN drops", "description": "Every hour."})[1]["id"]
    poll(lambda: other.call("/api/tickets/?search=vpn+drops")[1]["count"] == 1, timeout=10)
    time.sleep(READ_YOUR_WRITES_S + 0.5)
    with psycopg.connect(topology.replica.url(), autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    try:
        status, _, _ = agent.call(f"/api/tickets/{ticket}/", "PATCH", {"title": "VPN drops every hour"})
        assert status == 200 and agent.cookie("cootrack_wrote")
        status, page, read_from = agent.call("/api/tickets/?search=vpn+drops")
        assert (status, read_from) == (200, "default")
        assert page["results"][0]["title"] == "VPN drops every hour"  # never the old value after a save
        script = Browser(topology.base, topology.token)  # the same credentials without the cookie: an API script
        assert script.call("/api/tickets/?search=vpn+drops")[2] == "default"
        # Another client reads the replica until its lag passes DATABASE_REPLICA_MAX_LAG_S, then the primary.
        status, page, read_from = poll(
            lambda: (r := other.call("/api/tickets/?search=vpn+drops"))[2] == "default" and r, timeout=15
        )
        assert (status, read_from) == (200, "default")
        assert page["results"][0]["title"] == "VPN drops every hour"
        log = server_log(topology)
        assert "replica1 skipped, reads go to the primary" in log and "behind" in log
    finally:
        with psycopg.connect(topology.replica.url(), autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
    status, page, read_from = poll(
        lambda: (r := other.call("/api/tickets/?search=vpn+drops"))[2] == "replica1" and r, timeout=15
    )
    assert (status, read_from) == (200, "replica1")
    assert page["results"][0]["title"] == "VPN drops every hour"
    # The worker that skipped it says so at its next check: any of the two may have answered the read above.
    assert poll(lambda: other.call("/api/tickets/") and "replica1 back in use" in server_log(topology), timeout=15)


def test_stopping_the_replica_mid_run_costs_no_request(topology):
    answers, stop = [], threading.Event()
    skipped_before = server_log(topology).count("replica1 skipped")

    def client():
        reader = Browser(topology.base, topology.other_token)
        for n in range(400):  # bounded in count and, through `stop`, in time
            if stop.is_set():
                return
            status, _, read_from = reader.call("/api/tickets/" if n % 2 else "/api/tickets/stats/")
            answers.append((time.monotonic(), status, read_from))
            time.sleep(0.02)

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    stopped_at = time.monotonic()
    topology.replica.stop("immediate")
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(timeout=30)

    assert {status for _, status, _ in answers} == {200}, server_log(topology)[-3000:]
    assert any(r == "replica1" for at, _, r in answers if at < stopped_at)
    assert all(r == "default" for at, _, r in answers if at > stopped_at + 1)
    # Logged once per process (two gunicorn workers), not once per request.
    assert 1 <= server_log(topology).count("replica1 skipped") - skipped_before <= 2

    topology.replica.start()
    reader = Browser(topology.base, topology.token)
    assert poll(lambda: reader.call("/api/tickets/")[2] == "replica1", timeout=20)


def test_every_view_the_replica_serves_still_exists():
    """The router names views by their URL names: a rename must not quietly send their reads back to the primary."""
    from django.urls import reverse

    from project.replicas import REPLICA_POSTS, REPLICA_VIEWS

    for name in REPLICA_VIEWS:
        assert reverse(name, kwargs={"pk": 1} if name == "ticket-similar" else {}).startswith(("/api/", "/admin/"))
    assert REPLICA_POSTS <= REPLICA_VIEWS


def test_a_process_whose_first_check_finds_the_replica_unusable_says_so(monkeypatch, caplog):
    """A web process that starts while the replica lags logs it at its first check, as one that saw it fall behind
    does."""
    from project import replicas

    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])
    monkeypatch.setattr(replicas, "_check", lambda alias: "behind by 9.0 s")
    assert replicas._Health().pick() is None
    assert "replica replica1 skipped, reads go to the primary: behind by 9.0 s" in caplog.text
