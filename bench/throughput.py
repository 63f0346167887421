"""Throughput measurements of the benchmark: ticket creation under concurrent clients (wrk when installed) and a
CSV export of every row with the server's memory, plus the summary every case reports."""

import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
CREATED_PREFIX = "Bench ticket"  # the tickets the create test makes; the next run deletes them first


def summary(name: str, times_ms: list[float], budget: float | None, **extra) -> dict:
    times_ms = sorted(times_ms)
    p95 = times_ms[min(len(times_ms) - 1, int(round(0.95 * len(times_ms))) - 1)]
    return {
        "name": name,
        "n": len(times_ms),
        "median": statistics.median(times_ms),
        "p95": p95,
        "budget": budget,
    } | extra


ROUTED_WORD = "routed"  # the bench's routing rule sends titles with this word to a team that assigns


def measure_create(
    base: str, total: int, clients: int, database_url: str, server_pid: int, *, routed: bool = False
) -> dict:
    """Anonymous creates from `clients` concurrent connections: throughput, latency, errors, every 201 stored,
    and the gunicorn workers' CPU time per created ticket (a cost that does not depend on how busy the machine is).
    ``routed``: each title has the word a routing rule sends to a team that assigns the ticket to an agent.

    With wrk installed (Debian's package) it drives the load for 10 s, leaving the CPU to the server; without
    it, `total` requests from Python threads (whose own CPU use lowers the figure on a 2-core machine).
    """
    floor = measure_floor_wrk(base, clients)
    cpu_before = server_cpu_s(server_pid)
    prefix = f"{CREATED_PREFIX} {ROUTED_WORD}" if routed else CREATED_PREFIX
    result = _create_load(base, total, clients, database_url, prefix)
    created = result.get("stored", result["n"] - result["errors"])
    cpu_ms = (server_cpu_s(server_pid) - cpu_before) * 1000 / max(created, 1)
    if routed:
        result["name"] = result["name"].replace("create,", "create routed to a team that assigns (fewest open),")
    return result | {"cpu_ms": cpu_ms, "floor_throughput": floor}


def _create_load(base: str, total: int, clients: int, database_url: str, prefix: str) -> dict:
    if shutil.which("wrk"):
        return measure_create_wrk(base, clients, database_url, prefix)
    errors, times, lock = [], [], threading.Lock()

    def one(i: int):
        body = json.dumps({"title": f"{prefix} {i}", "description": "The export page times out for our team."})
        request = urllib.request.Request(  # noqa: S310
            base + "/api/tickets/", data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                ok = response.status == 201
        except (urllib.error.URLError, OSError):
            ok = False
        with lock:
            times.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors.append(i)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    return summary(f"create, {clients} concurrent clients", times, None, throughput=total / elapsed, errors=len(errors))


def measure_floor_wrk(base: str, clients: int) -> float | None:
    """Requests per second of the floor (GET /healthz) under the same wrk load as the create test: what this
    machine's server and load generator manage for a request that does nothing. None without wrk."""
    if not shutil.which("wrk"):
        return None
    output = wrk(f"{base}/healthz", clients, seconds=5)
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))


def wrk(url: str, clients: int, *, seconds: int, script: Path | None = None, title: str = "") -> str:
    """wrk's output for `clients` connections on two threads for `seconds` (a request times out at 10 s)."""
    command = [shutil.which("wrk"), "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    env = {**os.environ, "BENCH_TITLE": title} if title else None
    return subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=60, check=True, env=env
    ).stdout


def measure_create_wrk(base: str, clients: int, database_url: str, prefix: str = CREATED_PREFIX) -> dict:
    title = f"{prefix} (wrk)"  # create.lua's body (BENCH_TITLE)
    with psycopg.connect(database_url) as conn:
        before = conn.execute("SELECT count(*) FROM tickets_ticket WHERE title = %s", [title]).fetchone()[0]
    output = wrk(f"{base}/api/tickets/", clients, seconds=10, script=ROOT / "bench" / "create.lua", title=title)
    stats = json.loads(re.search(r"^WRK (.+)$", output, re.M).group(1))
    with psycopg.connect(database_url) as conn:
        after = conn.execute("SELECT count(*) FROM tickets_ticket WHERE title = %s", [title]).fetchone()[0]
    errors = stats["status_errors"] + stats["socket_errors"]
    return {
        "name": f"create, {clients} concurrent clients (wrk, 10 s)",
        "n": stats["requests"],
        "median": stats["p50_ms"],
        "p95": stats["p95_ms"],
        "budget": None,
        "throughput": stats["requests"] / stats["seconds"],
        "errors": errors,
        "stored": after - before,
    }


def server_processes(pid: int):
    """/proc entries of a process and its children and grandchildren (the gunicorn master and workers)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", status).group(1))
        if int(proc.name) == pid or ppid == pid or _is_descendant(ppid, pid):
            yield proc


def pss_kb(pid: int) -> int:
    """Memory of a process and its children (the gunicorn workers), in KiB: the proportional set size, so
    pages the forked workers share with the master count once, not once per process."""
    total = 0
    for proc in server_processes(pid):
        try:
            rollup = (proc / "smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+)", rollup, re.M)
        total += int(match.group(1)) if match else 0
    return total


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the gunicorn master and its workers have used so far, workers that have exited
    included: gunicorn recycles a worker after max_requests, and the master, reaping it, gains its CPU time as
    its children's (cutime, cstime). Without them a recycled worker's time vanished from the total."""
    ticks = 0
    for proc in server_processes(pid):
        try:
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14 to 17 of proc_pid_stat(5)
        ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _is_descendant(ppid: int, root: int) -> bool:
    try:
        status = Path(f"/proc/{ppid}/status").read_text()
    except OSError:
        return False
    return int(re.search(r"PPid:\s+(\d+)", status).group(1)) == root


def measure_export(client, server_pid: int, database_url: str) -> dict:
    """The whole table as CSV through the admin export: rows per second and the server's peak memory, beside
    the rate at which PostgreSQL alone writes the table as CSV (``COPY ... TO STDOUT``) in the same run."""
    before = pss_kb(server_pid)
    peak, stop = [before], threading.Event()

    def sample():
        while not stop.is_set():
            peak.append(pss_kb(server_pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    request = urllib.request.Request(client.base + "/admin/tickets/ticket/export/")  # noqa: S310
    size = 0
    with tempfile.TemporaryFile() as copy:
        with client.opener.open(request, timeout=600) as response:
            while chunk := response.read(1 << 20):
                copy.write(chunk)
                size += len(chunk)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        copy.seek(0)
        # Rows counted as CSV (descriptions contain line breaks), after the clock stopped.
        rows = sum(1 for _ in csv.reader(io.TextIOWrapper(copy, encoding="utf-8-sig", newline="")))
    return {
        "name": "CSV export, all rows",
        "n": 1,
        "median": elapsed * 1000,
        "p95": elapsed * 1000,
        "budget": None,
        "rows": rows - 1,
        "rows_per_s": (rows - 1) / elapsed,
        "bytes": size,
        "pss_before_mb": before / 1024,
        "pss_peak_mb": max(peak) / 1024,
        "copy_rows_per_s": copy_rate(database_url),
    }


def copy_rate(database_url: str) -> float:
    """Rows per second of ``COPY tickets_ticket TO STDOUT (FORMAT csv)`` read by a client on this machine: the
    floor of any CSV export (no ordering, no joins, no formula guards, no HTTP)."""
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy("COPY tickets_ticket TO STDOUT (FORMAT csv)") as copy:
            for _block in copy:
                pass
        elapsed = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
    return rows / elapsed
