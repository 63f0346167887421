"""Mixed-traffic load test: N concurrent users for S seconds against gunicorn on PostgreSQL (loopback only).

Each user loops over create / list / search / stats / patch; every loop is bounded in requests and time.
Afterwards the database is checked against what the server acknowledged: every 201 is a stored ticket and every
successful status change left exactly one history row. Figures go to docs/reliability.md.
"""

import argparse
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from project.tests.clusters import Cluster, pgbouncer, through  # noqa: E402  (PgBouncer from Debian's package)

ACTIONS = [("create", 30), ("list", 20), ("search", 15), ("stats", 15), ("patch", 20)]
STATUSES = ["open", "in_progress", "resolved", "closed"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests-per-user", type=int, default=5000)
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--out", default=str(bench.ROOT / "docs" / "reliability.md"))
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: bin/start-web's)")
    parser.add_argument("--pooler", action="store_true", help="through PgBouncer in transaction mode")
    parser.add_argument("--pool-size", type=int, default=20, help="PgBouncer's server connections per database")
    parser.add_argument("--replica-url", help="a streaming replica of the database (DATABASE_REPLICA_URLS)")
    parser.add_argument(
        "--private-replica",
        action="store_true",
        help="seed a private PostgreSQL of this run's own, stream it to a replica (project/tests/clusters.py), "
        "and load both; removed afterwards",
    )
    parser.add_argument(
        "--readers-apart",
        action="store_true",
        help="reads (list, search, stats) under a second staff identity that never writes, as a team's readers "
        "are mostly not the agent who just saved: with one identity, read-your-writes keeps every read on the "
        "primary",
    )
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.private_replica:
            primary = Cluster.create()
            stack.callback(primary.remove)
            primary.start()
            args.dsn = f"postgres://postgres@127.0.0.1:{primary.port}"
        database = f"cootrack_bench_{args.size}"
        url = f"{args.dsn}/{database}"
        env = bench.bench_env(url)
        bench.prepare_database(args.dsn, database, args.size, env)
        token = bench.prepare_users(env)
        reader = bench.prepare_users(env, username="bench-reader") if args.readers_apart else token
        marker = f"{bench.CREATED_PREFIX} load {uuid.uuid4().hex[:8]}"
        if args.private_replica:
            replica = primary.replica()
            stack.callback(replica.remove)
            replica.start()
            args.replica_url = replica.url(database)
        server_env = {**env, "HOST": "127.0.0.1", "DJANGO_MIGRATE_ON_START": "0"}
        if args.workers:
            server_env["WEB_CONCURRENCY"] = str(args.workers)
        if args.pooler:
            pooler_port = stack.enter_context(pgbouncer(urlsplit(args.dsn).port or 5432, pool_size=args.pool_size))
            server_env.update(DATABASE_URL=through(url, pooler_port), DATABASE_POOLED="1")
        if args.replica_url:
            server_env["DATABASE_REPLICA_URLS"] = args.replica_url
        results = serve_and_load(args, server_env, (token, reader), marker, database)
        report(args, url, marker, results)


def serve_and_load(args, server_env, tokens, marker, database):
    port = bench.free_port()
    log = open(bench.ROOT / "bench" / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [str(bench.ROOT / "bin" / "start-web")], cwd=bench.ROOT, env={**server_env, "PORT": str(port)}, stdout=log,
        stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    connections = ConnectionSampler(args.dsn, database)
    try:
        bench.wait_ready(base, server)
        connections.start()
        results = run_load(base, tokens, marker, args.users, args.seconds, args.max_requests_per_user)
    finally:
        connections.stop()
        server.terminate()
        server.wait(timeout=60)
        log.close()
    results["server_connections"] = connections.peak
    return results


class ConnectionSampler(threading.Thread):
    """The most connections PostgreSQL held to the database at once during the run (one sample a second)."""

    def __init__(self, dsn: str, database: str):
        super().__init__(daemon=True)
        self.url, self.database, self.peak, self.done = f"{dsn}/postgres", database, 0, threading.Event()

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.wait(1.0):
                row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database])
                self.peak = max(self.peak, row.fetchone()[0])

    def stop(self):
        self.done.set()
        if self.is_alive():
            self.join(timeout=10)


def run_load(base, tokens, marker, users, seconds, max_requests):
    """``tokens``: (the writer's, the reader's); the same one twice unless --readers-apart."""
    auth, reads = (
        {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
        for token in tokens
    )
    lock = threading.Lock()
    latencies, counts, errors, read_from = defaultdict(list), Counter(), Counter(), Counter()
    created, patched = [], Counter()  # ticket id -> successful status changes
    deadline = time.monotonic() + seconds
    names, weights = zip(*ACTIONS, strict=True)

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})  # noqa: S310
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
                if method == "GET":
                    with lock:
                        read_from[response.headers.get("X-Read-From", "default")] += 1
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, None
        except OSError:
            return "connection error", None

    def user(n):
        rng = random.Random(n)  # noqa: S311 (load mix, not secrets)
        mine = []
        for i in range(max_requests):
            if time.monotonic() > deadline:
                return
            action = rng.choices(names, weights)[0]
            if action == "patch" and not mine:
                action = "create"
            started = time.perf_counter()
            if action == "create":
                # All users share 127.0.0.1: the create throttle is raised for the run (see bench.bench_env).
                body = {"title": f"{marker} user {n} #{i}", "description": "The export page times out again."}
                status, payload = call("POST", "/api/tickets/", body)
                ok = status == 201
                if ok:
                    mine.append([payload["id"], 0])
                    with lock:
                        created.append(payload["id"])
            elif action == "list":
                status, _ = call("GET", f"/api/tickets/?page={rng.randint(1, 20)}", headers=reads)
                ok = status == 200
            elif action == "search":
                word = rng.choice(["export", "invoice", "password", "printer", "kaleidoscope"])
                status, _ = call("GET", f"/api/tickets/?search={word}&status=open", headers=reads)
                ok = status == 200
            elif action == "stats":
                status, _ = call("GET", "/api/tickets/stats/", headers=reads)
                ok = status == 200
            else:
                ticket = rng.choice(mine)
                ticket[1] = (ticket[1] + 1) % len(STATUSES)
                status, _ = call("PATCH", f"/api/tickets/{ticket[0]}/", {"status": STATUSES[ticket[1]]}, auth)
                ok = status == 200
                if ok:
                    with lock:
                        patched[ticket[0]] += 1
                else:
                    ticket[1] = (ticket[1] - 1) % len(STATUSES)
            with lock:
                latencies[action].append((time.perf_counter() - started) * 1000)
                counts[action] += 1
                if not ok:
                    errors[f"{action} {status}"] += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return {
        "elapsed": time.monotonic() - started,
        "latencies": latencies,
        "counts": counts,
        "errors": errors,
        "created": created,
        "patched": patched,
        "read_from": read_from,
    }


def report(args, url, marker, r):
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM tickets_ticket WHERE title LIKE %s", [f"{marker} %"]).fetchone()[0]
        ids = list(r["patched"])
        rows = conn.execute(
            "SELECT ticket_id, count(*) FROM tickets_ticketevent WHERE field = 'status' AND ticket_id = ANY(%s) "
            "GROUP BY ticket_id",
            [ids],
        ).fetchall()
    history = dict(rows)
    history_mismatch = sum(1 for tid, n in r["patched"].items() if history.get(tid, 0) != n)
    total = sum(r["counts"].values())
    failures = sum(r["errors"].values())
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    topology = " through PgBouncer" if args.pooler else ""
    topology += " with a read replica" if args.replica_url else ""
    flags = f" --workers {args.workers}" if args.workers else ""
    flags += f" --pooler --pool-size {args.pool_size}" if args.pooler else ""
    flags += " --private-replica" if args.private_replica else " --replica-url URL" if args.replica_url else ""
    flags += " --readers-apart" if args.readers_apart else ""
    lines = [
        f"## Load: {args.users} concurrent users for {args.seconds} s at {args.size:,} tickets{topology} ({when} UTC)",
        "",
        f"`bench/load --size {args.size} --users {args.users} --seconds {args.seconds}{flags}`: gunicorn via "
        f"`bin/start-web` ({args.workers or 'default'} workers), PostgreSQL with {args.size:,} seeded tickets, "
        "loopback; "
        f"at most {r['server_connections']} PostgreSQL connections to the database at once. Mixed traffic: "
        + ", ".join(f"{name} {weight}%" for name, weight in ACTIONS)
        + ".",
        "",
        f"- requests: {total:,} in {r['elapsed']:.0f} s ({total / r['elapsed']:.0f} req/s), errors: {failures}"
        + (f" ({dict(r['errors'])})" if r["errors"] else ""),
        f"- tickets acknowledged with 201: {len(r['created']):,}; found in the database: {stored:,}; "
        f"lost: {len(r['created']) - stored if stored <= len(r['created']) else 0}",
        f"- status changes acknowledged: {sum(r['patched'].values()):,}; tickets whose history does not match: "
        f"{history_mismatch}",
        "- reads (list, search, stats) answered by: "
        + ", ".join(f"{'the primary' if k == 'default' else k} {n:,}" for k, n in sorted(r["read_from"].items()))
        + ("; reads under a staff identity that never writes" if args.readers_apart else ""),
        "",
        "| action | requests | median ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, _ in ACTIONS:
        times = sorted(r["latencies"][name])
        if times:
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            lines.append(f"| {name} | {len(times):,} | {statistics.median(times):.1f} | {p95:.1f} |")
    section = "\n".join(lines) + "\n"
    out = Path(args.out)
    text = out.read_text() if out.exists() else "# Reliability\n"
    same = f"## Load: {args.users} concurrent users for {args.seconds} s at {args.size:,} tickets{topology} ("
    text = re.sub(rf"{re.escape(same)}.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + section
    out.write_text(text)
    print(section)
    if sum(r["errors"].values()) or stored != len(r["created"]) or history_mismatch:
        sys.exit(1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
