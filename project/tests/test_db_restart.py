"""PostgreSQL restarted while clients create tickets: clean 503s during the outage, nothing acknowledged is lost,
and the server recovers by itself. Runs against a private PostgreSQL cluster that the test starts and stops."""

import json
import subprocess
import tempfile
import threading
import time

import psycopg
import pytest

from project.tests.clusters import Cluster
from project.tests.gunicorn_server import ROOT, free_port, production_env, request, wait_until_ready


@pytest.fixture
def private_postgres():
    cluster = Cluster.create()
    cluster.start()
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE cootrack")
    try:
        yield cluster
    finally:
        cluster.remove()


def test_database_restart_during_ticket_creation(private_postgres):
    cluster = private_postgres
    db_url = cluster.url()
    web_port = free_port()
    env = production_env(
        db_url, API_THROTTLE_CREATE="100000/min", HOST="127.0.0.1", PORT=str(web_port), WEB_CONCURRENCY="3"
    )
    base = f"http://127.0.0.1:{web_port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            wait_until_ready(base, server, timeout=90)
            acknowledged, statuses, stop = [], [], threading.Event()

            def client(n: int):
                for i in range(400):  # bounded in count and, through `stop`, in time
                    if stop.is_set():
                        return
                    body = {"title": f"Restart test {n}-{i}", "description": "Printer jam on floor two."}
                    try:
                        status, payload, _ = request(base + "/api/tickets/", "POST", body, timeout=10)
                    except OSError:
                        status, payload = "connection error", None
                    statuses.append(status)
                    if status == 201:
                        acknowledged.append(payload["id"])
                    time.sleep(0.02)

            threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
            for t in threads:
                t.start()
            time.sleep(2)
            before_outage = len(acknowledged)
            cluster.stop()
            time.sleep(2)
            during = list(statuses)
            cluster.start()
            time.sleep(3)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            ready = request(base + "/readyz", timeout=5)[0]
        finally:
            server.terminate()
            server.wait(timeout=30)
        log.seek(0)
        server_log = log.read().decode(errors="replace")

    outage = during[len(during) // 2 :]
    assert before_outage > 0 and ready == 200
    assert 503 in outage, f"no clean 503 during the outage: {sorted(set(map(str, outage)))}"
    assert 500 not in statuses, server_log[-3000:]
    assert statuses[-1] == 201  # recovered without restarting the server
    with psycopg.connect(db_url) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM tickets_ticket")}
    lost = set(acknowledged) - stored
    assert not lost, f"acknowledged but missing: {sorted(lost)}"
    summary = {
        "requests": len(statuses),
        "created": len(acknowledged),
        "status_503": statuses.count(503),
        "other": sorted({str(s) for s in statuses} - {"201", "503"}),
        "lost": len(lost),
    }
    print("DB-RESTART", json.dumps(summary))
