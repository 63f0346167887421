"""Keep tickets_ticketcount exact on PostgreSQL, whichever way tickets are written.

Statement-level triggers with transition tables: one grouped upsert per statement, so a COPY of a
million rows costs one aggregate, not a million counter updates. Upserts go in key order, so
concurrent writers lock counter rows in the same order and cannot deadlock on them.
"""

from django.db import migrations

AI_STATE = """CASE WHEN {t}.ai_category = '' OR {t}.ai_priority = '' THEN 'none'
    WHEN {t}.ai_category = {t}.category AND {t}.ai_priority = {t}.priority THEN 'kept'
    ELSE 'changed' END"""

APPLY_DELTA = """
    INSERT INTO tickets_ticketcount (category, priority, status, ai, n)
    SELECT category, priority, status, ai, SUM(d) FROM ({deltas}) AS delta
    GROUP BY category, priority, status, ai
    HAVING SUM(d) <> 0
    ORDER BY category, priority, status, ai
    ON CONFLICT (category, priority, status, ai) DO UPDATE SET n = tickets_ticketcount.n + EXCLUDED.n;
"""

ROWS = "SELECT category, priority, status, " + AI_STATE.format(t="{alias}") + " AS ai, {sign} AS d FROM {table} {alias}"


def count_functions(apply_delta: str, rows: str = ROWS) -> str:
    """The insert, delete and update trigger functions, each applying its rows' deltas with ``apply_delta``
    (also used by 0010, which shards the counters, and 0030, whose ``rows`` carry the team)."""
    return f"""
CREATE OR REPLACE FUNCTION tickets_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {apply_delta.format(deltas=rows.format(alias="r", sign="1", table="new_rows"))}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tickets_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {apply_delta.format(deltas=rows.format(alias="r", sign="-1", table="old_rows"))}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tickets_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {apply_delta.format(deltas=rows.format(alias="o", sign="-1", table="old_rows") + " UNION ALL " + rows.format(alias="r", sign="1", table="new_rows"))}
    RETURN NULL;
END $$;
"""


FORWARD = f"""
{count_functions(APPLY_DELTA)}
CREATE OR REPLACE FUNCTION tickets_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tickets_ticketcount;
    RETURN NULL;
END $$;

CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets_ticket
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_insert();
CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets_ticket
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_delete();
CREATE TRIGGER tickets_count_update AFTER UPDATE ON tickets_ticket
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_update();
CREATE TRIGGER tickets_count_truncate AFTER TRUNCATE ON tickets_ticket
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_truncate();

-- Start from the rows already there.
DELETE FROM tickets_ticketcount;
{APPLY_DELTA.format(deltas=ROWS.format(alias="r", sign="1", table="tickets_ticket"))}
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tickets_count_insert ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_count_delete ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_count_update ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_count_truncate ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_count_insert(), tickets_count_delete(), tickets_count_update(),
    tickets_count_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_ticket_counts")]

    operations = [migrations.RunPython(forward, backward)]
