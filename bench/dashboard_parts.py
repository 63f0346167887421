"""What each of the dashboard's figures costs on a database of any size, read in-process with nothing kept (the
best of two reads after a first): the figures from counters stay flat as the table grows, those over the window's
tickets grow with the tickets in the window.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cootrack_bench_10000000 .venv/bin/python manage.py shell \\
        < bench/dashboard_parts.py

docs/benchmarks.md ("How each case grows") quotes the figures.
"""

import time

from django.db import connection

from tickets.selectors import stats
from tickets.selectors.satisfaction import satisfaction_figures

PARTS = {
    "headline figures (counters)": lambda: stats.ticket_stats(hidden=[]),
    "AI agreement (counters)": lambda: stats.ai_agreement_by_category(),
    "top tags (counters)": lambda: stats.top_tags(),
    "AI unsure (newest 2,000)": lambda: stats.ai_unsure_changes(),
    "satisfaction (ratings)": lambda: satisfaction_figures(hidden=[]),
    "new per day, 30 days (window)": lambda: stats.tickets_per_day(days=30),
    "backlog by age (open tickets)": lambda: stats.open_backlog_by_age(),
    "open per owner (open tickets)": lambda: stats.open_by_assignee(),
    "median resolution, 30 days (window)": lambda: stats.median_resolution_time(days=30),
    "SLA, 30 days (window)": lambda: stats.sla_dashboard(days=30),
    "teams (open tickets, window)": lambda: stats.team_figures(days=30),
}

with connection.cursor() as cursor:
    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tickets_ticket'")
    print(f"about {cursor.fetchone()[0]:,} tickets")
print("| figure | ms |")
print("| --- | ---: |")
for name, read in PARTS.items():
    read()
    times = []
    for _ in range(2):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    print(f"| {name} | {min(times) * 1000:.1f} |", flush=True)
