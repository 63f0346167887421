"""The benchmark's report: one section per size in docs/benchmarks.md, replaced by the newest run."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import psycopg

# Throughput budgets, as shares of a floor measured in the same run: creates per second at least 1/8 of what
# the server answers for a trivial request under the same load; the export at least 1/4 of the rows per second
# PostgreSQL itself writes as CSV.
CREATE_SHARE = 8
EXPORT_SHARE = 4

# The peer's pages (by the key its harness names them with) beside the Cootrack case doing the same job.
PEER_PAGES = [
    ("a2", "ticket list, first page (its datatables JSON)", "list, first page"),
    ("e1", "REST list, first page", "list, first page"),
    ("a3", "search, common word", "search, common word"),
    ("a4", "search, rare word", "search, rare word"),
    ("b", "dashboard", "admin dashboard (home)"),
    ("c1", "admin changelist", "admin changelist"),
    ("c2", "admin changelist, searched (common word)", "admin changelist, searched"),
]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}"


def medians_by_name(results: list[dict]) -> dict[str, float]:
    return {r["name"]: r["median"] for r in results}


def budget_ratio(result: dict, medians: dict[str, float]) -> float:
    """The case's median over the median of the case its budget is measured against."""
    return result["median"] / medians[result["budget"].of]


def write_report(
    args, database: str, results: list[dict], queries: dict[str, int], *, workers: int, peer: dict | None = None
) -> None:
    with psycopg.connect(f"{args.dsn}/{database}") as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        tickets = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
    lines = [
        f"## {args.size:,} tickets: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}; PostgreSQL {pg}; gunicorn via `bin/start-web` with production settings "
        f"({workers} sync workers), over loopback. {tickets:,} tickets in the table after the run.",
        f"Each case: {args.warmup} warm-up requests, then {args.requests} timed, one at a time.",
        "",
        "| case | median ms | p95 ms | server CPU ms | SQL ms | budget | measured | within | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: | :--- | ---: | :---: | ---: |",
    ]
    medians = medians_by_name(results)
    for r in results:
        budget, measured, verdict, extra = r["budget"] or "", "", "", ""
        if budget:
            ratio = budget_ratio(r, medians)
            measured = f"{ratio:.1f}x"
            verdict = "yes" if ratio <= budget.times and r["p95"] <= 2 * r["median"] else "NO"
        if "throughput" in r:
            stored = f", {r['stored']} stored" if "stored" in r else ""
            extra = f" ({r['n']} requests, {r['throughput']:.0f} req/s, {r['errors']} errors{stored}"
            extra += f"; server CPU per created ticket {r['cpu_ms']:.1f} ms)"
            if r.get("floor_throughput"):
                share = r["throughput"] / r["floor_throughput"]
                extra += f" vs the floor's {r['floor_throughput']:,.0f} req/s under the same load"
                budget, measured = f"at least 1/{CREATE_SHARE:g} of the floor's req/s", f"1/{1 / share:.1f}"
                verdict = "yes" if share >= 1 / CREATE_SHARE and r["errors"] == 0 else "NO"
        if "rows_per_s" in r:
            share = r["rows_per_s"] / r["copy_rows_per_s"]
            extra = (
                f" ({r['rows']:,} rows, {r['rows_per_s']:,.0f} rows/s, {r['bytes'] / 2**20:.0f} MiB; PostgreSQL's "
                f"own COPY TO STDOUT {r['copy_rows_per_s']:,.0f} rows/s; server memory (PSS) "
                f"{r['pss_before_mb']:.0f} MiB before, {r['pss_peak_mb']:.0f} MiB peak)"
            )
            budget, measured = f"at least 1/{EXPORT_SHARE:g} of COPY's rows/s", f"1/{1 / share:.1f}"
            verdict = "yes" if share >= 1 / EXPORT_SHARE else "NO"
        cpu = f"{r['cpu_ms']:.1f}" if "cpu_ms" in r else ""
        sql = f"{r['sql_ms']:.1f}" if "sql_ms" in r else ""
        lines.append(
            f"| {r['name']}{extra} | {r['median']:.1f} | {r['p95']:.1f} | {cpu} | {sql} "
            f"| {budget} | {measured} | {verdict} | {queries.get(r['name'], '')} |"
        )
    lines += peer_table(results, peer)
    section = "\n".join(lines) + "\n"
    out = Path(args.out)
    text = out.read_text() if out.exists() else HEADER
    marker = f"## {args.size:,} tickets:"
    # One section per size, replaced by the newest run.
    text = re.sub(rf"{re.escape(marker)}.*?(?=\n## |\Z)", "", text, flags=re.S)
    text = re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n\n" + section
    out.write_text(text)
    print(section)


def peer_table(results: list[dict], peer: dict | None) -> list[str]:
    """django-helpdesk's pages measured by its own harness in the same run (``bench/run --compare``), as ratios."""
    if peer is None:
        return ["", "django-helpdesk: `bench/run --size N --compare` measures it at the same size in the same run."]
    medians = medians_by_name(results)
    endpoints = {name.split()[0]: data for name, data in peer["endpoints"].items()}
    lines = [
        "",
        f"django-helpdesk 2.6.1 in the same run ({peer['label']}, its own harness and PostgreSQL cluster on this "
        f"machine, {peer['minutes']:.0f} min):",
        "",
        "| page | django-helpdesk median ms (n) | Cootrack median ms | times faster |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, page, case in PEER_PAGES:
        theirs = endpoints.get(key, {})
        if theirs.get("median_ms") is None or case not in medians:
            lines.append(f"| {page} | not measured ({theirs.get('error', 'no answer')}) | | |")
            continue
        ratio = theirs["median_ms"] / medians[case]
        lines.append(f"| {page} | {theirs['median_ms']:,.1f} ({theirs['n']}) | {medians[case]:.1f} | {ratio:,.0f} |")
    return lines


HEADER = """# Benchmarks

Produced by `bench/run --size N` (see the README). Medians and 95th percentiles of single requests over
HTTP through gunicorn on PostgreSQL. The machines are shared and their speed varies by 2x from day to day,
so every budget is a ratio to a floor measured in the same run: a trivial request (`GET /healthz`, the
first row), another case (an admin page against the API list, a common word against a rare one), or, for
throughput, the floor under the same load and PostgreSQL's own `COPY` rate. Absolute figures are beside
them for reference.
"""
