"""Ticket creation beside django-helpdesk's public submission form, in one run on this machine.

Both servers run at once on 127.0.0.1 (Cootrack through bin/start-web as production does, django-helpdesk through
its harness, ../shared/peers/django-helpdesk); each is measured alone while the other waits idle, under the
harness's own submission load (wrk, 2 threads, 4 connections, 20 s), in alternating rounds so that the
machine's changing load falls on both. Cootrack's create classifies the ticket, reads the routing rules and SLA
policies, makes the tracking link and answers with the labels; django-helpdesk's form stores the ticket and its
first follow-up and redirects.

    bench/create_vs_peer --rounds 3

Prints each round's requests per second, the tickets stored and each server's CPU per stored ticket (its
processes' CPU time from /proc over the round, divided by the tickets it stored), and the ratio of the medians.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402, I001  (bench/bench.py, beside this script)
from throughput import server_cpu_s  # noqa: E402

ROOT = bench.ROOT
PEER_DSN = "postgres://postgres@127.0.0.1:55434/helpdesk"  # the harness's PostgreSQL (scripts/pg.sh)
PEER_SUBMITTER = "bench-submit@example.com"  # the address its submission form posts


class Peer:
    """django-helpdesk through its harness: a copy in $TMPDIR/cootrack-peer, its virtualenv, its PostgreSQL
    cluster and gunicorn (2 sync workers, as its harness measures it), all on 127.0.0.1."""

    def __init__(self, harness: Path, tickets: int):
        self.home = Path(tempfile.gettempdir()) / "cootrack-peer"
        self.harness, self.tickets = harness, tickets
        self.env = {**os.environ, "PEER": str(self.home), "RESULTS": str(self.home / "results-create")}

    def run(self, *command, cwd=None, **kwargs):
        return subprocess.run(command, cwd=cwd or self.home, env=self.env, check=True, timeout=1800, **kwargs)  # noqa: S603

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        for name in ("run.sh", "requirements.lock.txt", "scripts", "hostproj"):
            source, target = self.harness / name, self.home / name
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
        (self.home / "logs").mkdir(exist_ok=True)
        python = self.home / "venv" / "bin" / "python"
        if not python.exists():
            self.run(sys.executable, "-m", "venv", "venv")
        self.run(str(python), "-m", "pip", "install", "-q", "-r", "requirements.lock.txt")
        self.run("bash", "scripts/pg.sh", "init")
        self.run("bash", "scripts/pg.sh", "start")
        with psycopg.connect(PEER_DSN.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'helpdesk'").fetchone():
                conn.execute("CREATE DATABASE helpdesk")
        self.run(str(python), "manage.py", "migrate", "-v0", cwd=self.home / "hostproj")
        self.run(str(python), "../scripts/seed.py", str(self.tickets), cwd=self.home / "hostproj")
        self.run("bash", "scripts/server.sh", "start")

    def stop(self) -> None:
        subprocess.run(["bash", "scripts/server.sh", "stop"], cwd=self.home, env=self.env, check=False)  # noqa: S607
        subprocess.run(["bash", "scripts/pg.sh", "stop"], cwd=self.home, env=self.env, check=False)  # noqa: S607

    def stored(self) -> int:
        with psycopg.connect(PEER_DSN) as conn:
            query = "SELECT count(*) FROM helpdesk_ticket WHERE submitter_email = %s"
            return conn.execute(query, [PEER_SUBMITTER]).fetchone()[0]

    def measure(self, round_no: int) -> dict:
        """One run of the harness's own submission measurement (10 timed posts, then wrk for 20 s)."""
        pid = int((self.home / "gunicorn.pid").read_text())
        before, cpu = self.stored(), server_cpu_s(pid)
        label = f"create-round-{round_no}"
        self.run(str(self.home / "venv" / "bin" / "python"), "scripts/measure.py", label, "d", capture_output=True)
        result = json.loads((self.home / "results-create" / f"{label}.json").read_text())
        wrk = next(iter(result["endpoints"].values()))["wrk"]
        stored = self.stored() - before
        return {
            "rps": wrk["rps"],
            "errors": wrk["non_2xx_3xx"],
            "stored": stored,
            "cpu_ms": (server_cpu_s(pid) - cpu) * 1000 / max(stored, 1),
        }


def measure_cootrack(base: str, pid: int, database_url: str, seconds: int, clients: int) -> dict:
    """Cootrack's create under the same wrk load as the peer's form (bench/create.lua: anonymous JSON posts)."""
    title = f"{bench.CREATED_PREFIX} (wrk)"
    count = "SELECT count(*) FROM tickets_ticket WHERE title = %s"
    with psycopg.connect(database_url) as conn:
        before = conn.execute(count, [title]).fetchone()[0]
    cpu = server_cpu_s(pid)
    command = [shutil.which("wrk"), "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    output = subprocess.run(  # noqa: S603
        [*command, "-s", str(ROOT / "bench" / "create.lua"), f"{base}/api/tickets/"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
        env={**os.environ, "BENCH_TITLE": title},
    ).stdout
    stats = json.loads(re.search(r"^WRK (.+)$", output, re.M).group(1))
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(count, [title]).fetchone()[0] - before
    return {
        "rps": stats["requests"] / stats["seconds"],
        "errors": stats["status_errors"] + stats["socket_errors"],
        "stored": stored,
        "cpu_ms": (server_cpu_s(pid) - cpu) * 1000 / max(stored, 1),
    }


def described(side: dict) -> str:
    return (
        f"{side['rps']:.0f} req/s ({side['stored']} stored, {side['errors']} errors, "
        f"{side['cpu_ms']:.1f} ms CPU a ticket)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (each server measured once a round)")
    parser.add_argument("--seconds", type=int, default=20, help="wrk's duration for Cootrack (the harness's is 20 s)")
    parser.add_argument("--clients", type=int, default=4, help="wrk connections for Cootrack (the harness's are 4)")
    parser.add_argument("--size", type=int, default=10_000, help="tickets in each database")
    parser.add_argument("--dsn", default="postgres://postgres@127.0.0.1:5432", help="Cootrack's server")
    parser.add_argument("--peer", default=str(bench.PEER_HARNESS), help="the django-helpdesk harness directory")
    args = parser.parse_args()
    if not (Path(args.peer) / "run.sh").is_file():
        parser.error(f"no django-helpdesk harness at {args.peer} (give its directory with --peer)")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian's package wrk)")
    args.rounds = max(1, min(args.rounds, 10))

    database_url = f"{args.dsn}/cootrack_bench_{args.size}"
    env = bench.bench_env(database_url)
    bench.prepare_database(args.dsn, f"cootrack_bench_{args.size}", args.size, env)
    peer = Peer(Path(args.peer), args.size)
    port = bench.free_port()
    server_env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "DJANGO_MIGRATE_ON_START": "0"}
    log = open(ROOT / "bench" / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([str(ROOT / "bin" / "start-web")], cwd=ROOT, env=server_env, stdout=log, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    rounds = []
    try:
        bench.wait_ready(base, server)
        peer.start()
        for round_no in range(1, args.rounds + 1):
            ours = measure_cootrack(base, server.pid, database_url, args.seconds, args.clients)
            theirs = peer.measure(round_no)
            rounds.append((ours, theirs))
            print(
                f"round {round_no}: Cootrack {described(ours)}; django-helpdesk {described(theirs)}: "
                f"{ours['rps'] / theirs['rps']:.2f}x",
                flush=True,
            )
            time.sleep(2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        peer.stop()
    ours_rps = statistics.median(r[0]["rps"] for r in rounds)
    theirs_rps = statistics.median(r[1]["rps"] for r in rounds)
    print(
        f"median of {len(rounds)} rounds: Cootrack {ours_rps:.0f} req/s, django-helpdesk {theirs_rps:.0f} req/s: "
        f"{ours_rps / theirs_rps:.2f}x; CPU a ticket {statistics.median(r[0]['cpu_ms'] for r in rounds):.1f} "
        f"against {statistics.median(r[1]['cpu_ms'] for r in rounds):.1f} ms"
    )


if __name__ == "__main__":
    main()
