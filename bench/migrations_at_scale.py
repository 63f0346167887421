"""How long the migrations of the last months hold their locks on a large database: each kind of statement they run
on the big tables, timed in a transaction that is rolled back (nothing stays; writes to the table wait meanwhile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cootrack_bench_10000000 .venv/bin/python manage.py shell \\
        < bench/migrations_at_scale.py

docs/deploy.md ("Upgrading a large database") quotes the figures.
"""

import importlib
import time

from django.db import connection

m30 = importlib.import_module("tickets.migrations.0030_ticket_count_teams")
triggers = importlib.import_module("tickets.migrations.0007_ticket_count_triggers")
DROP_EVENT_CHECK = "ALTER TABLE tickets_ticketevent DROP CONSTRAINT ticketevent_field_valid"
CASES = [
    (
        "0012, 0024: CREATE INDEX (team_id, created_at DESC)",
        ["CREATE INDEX x_team ON tickets_ticket (team_id, created_at DESC)"],
    ),
    (
        "0014: CREATE INDEX (resolved_at) INCLUDE (...), partial",
        [
            "CREATE INDEX x_resolved ON tickets_ticket (resolved_at) INCLUDE (created_at, priority, sla_breached) "
            "WHERE resolved_at IS NOT NULL"
        ],
    ),
    (
        "0021, 0028: CREATE INDEX (lower(submitter_email), created_at DESC), partial",
        [
            "CREATE INDEX x_sub ON tickets_ticket ((LOWER(submitter_email)), created_at DESC) "
            "WHERE NOT (submitter_email = '')"
        ],
    ),
    (
        "0017: CREATE INDEX USING gin (string_to_array(title_sketch, ' '))",
        ["CREATE INDEX x_sketch ON tickets_ticket USING gin (string_to_array(title_sketch, ' '))"],
    ),
    (
        "0012, 0024, 0025: ADD COLUMN ... REFERENCES (the foreign key checked over the table)",
        [
            "ALTER TABLE tickets_ticket ADD COLUMN x_merged bigint NULL REFERENCES tickets_ticket(id) "
            "DEFERRABLE INITIALLY DEFERRED"
        ],
    ),
    (
        "0025: the new foreign key column's CREATE INDEX",
        [
            "ALTER TABLE tickets_ticket ADD COLUMN x_merged bigint NULL",
            "CREATE INDEX x_merged_idx ON tickets_ticket (x_merged)",
        ],
    ),
    (
        "0017, 0023: ADD COLUMN NOT NULL DEFAULT a constant (no rewrite)",
        ["ALTER TABLE tickets_ticket ADD COLUMN x_paused interval NOT NULL DEFAULT '0'"],
    ),
    (
        "0012, 0013: the history's CHECK dropped and added (checked under ACCESS EXCLUSIVE)",
        [DROP_EVENT_CHECK, "EVENT_CHECK"],
    ),
    (
        "0018, 0020 on: the same CHECK added NOT VALID, then VALIDATEd (writes go on meanwhile)",
        [
            DROP_EVENT_CHECK,
            "EVENT_CHECK NOT VALID",
            "ALTER TABLE tickets_ticketevent VALIDATE CONSTRAINT ticketevent_field_valid",
        ],
    ),  # fmt: skip
    (
        "0030: the counters recounted under LOCK TABLE tickets_ticket IN SHARE MODE",
        [
            "LOCK TABLE tickets_ticket IN SHARE MODE",
            triggers.count_functions(m30.APPLY_DELTA, rows=m30.ROWS),
            "DELETE FROM tickets_ticketcount",
            m30.APPLY_DELTA.format(deltas=m30.ROWS.format(alias="r", sign="1", table="tickets_ticket")),
        ],
    ),
]

connection.ensure_connection()
with connection.cursor() as cursor:  # the history's CHECK as it stands, added again as 0012-0030 each did
    cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ticketevent_field_valid'")
    EVENT_CHECK = f"ALTER TABLE tickets_ticketevent ADD CONSTRAINT ticketevent_field_valid {cursor.fetchone()[0]}"
for _, statements in CASES:
    statements[:] = [s.replace("EVENT_CHECK", EVENT_CHECK, 1) if s.startswith("EVENT_CHECK") else s for s in statements]
raw = connection.connection
raw.autocommit = False
with raw.cursor() as cursor:
    cursor.execute("SELECT (SELECT count(*) FROM tickets_ticket), (SELECT count(*) FROM tickets_ticketevent)")
    tickets, events = cursor.fetchone()
raw.rollback()
print(f"{tickets:,} tickets, {events:,} history rows")
print("| statement (the migrations that run it) | seconds |")
print("| --- | ---: |")
for name, statements in CASES:
    started = time.monotonic()
    with raw.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    took = time.monotonic() - started
    raw.rollback()
    print(f"| {name} | {took:.1f} s |", flush=True)
