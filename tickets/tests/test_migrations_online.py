"""Migrations stay online on tables of millions of rows. From ONLINE_FROM on, no migration may hold off writes to
a big table for the length of a scan or an index build: indexes are built CONCURRENTLY (``AddIndexOnline``), checks
added NOT VALID then validated (``AddCheckOnline``), and no new column on a big table is a foreign key or indexed
in the same step. docs/deploy.md ("Upgrading a large database") lists the earlier migrations that would."""

import inspect
import re

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from tickets.migrations._frozen import AddCheckOnline, AddIndexOnline

ONLINE_FROM = 31  # every migration numbered from here on
BIG_TABLES = {"ticket", "ticketevent", "tickettag", "message", "attachment", "auditentry"}


def offline_operations(migration) -> list[str]:
    """What in ``migration`` would hold off writes to a big table for the length of a table scan or index build."""
    problems = []
    for op in migration.operations:
        model = (getattr(op, "model_name", None) or "").lower()
        where = f"{migration.name}: {type(op).__name__} on {model}"
        if isinstance(op, migrations.RunSQL):
            sql = " ".join(op.sql if isinstance(op.sql, list | tuple) else [op.sql]).upper()
            if "CREATE INDEX" in sql and "CONCURRENTLY" not in sql or "LOCK TABLE" in sql:
                problems.append(f"{migration.name}: RunSQL builds an index or locks a table offline")
            continue
        if isinstance(op, migrations.RunPython):  # the SQL its module sends (0033 sends it only on PostgreSQL)
            source = inspect.getsource(inspect.getmodule(op.code)).upper()
            if re.search(r"CREATE INDEX (?!CONCURRENTLY)|LOCK TABLE", source):
                problems.append(f"{migration.name}: RunPython builds an index or locks a table offline")
            continue
        if model not in BIG_TABLES:
            continue
        if isinstance(op, migrations.AddIndex) and not isinstance(op, AddIndexOnline):
            problems.append(f"{where}: a plain CREATE INDEX (use AddIndexOnline)")
        elif isinstance(op, migrations.AddConstraint) and not isinstance(op, AddCheckOnline):
            problems.append(f"{where}: the constraint is checked against every row under a lock (use AddCheckOnline)")
        elif isinstance(op, migrations.AddField) and (op.field.db_index or op.field.is_relation or op.field.unique):
            problems.append(f"{where}: the new column is indexed or a foreign key in the same step")
        if isinstance(op, AddIndexOnline) and getattr(migration, "atomic", True):
            problems.append(f"{where}: AddIndexOnline needs atomic = False")
    return problems


def test_no_migration_from_0031_on_holds_off_writes_to_a_big_table():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = [
        problem
        for (app, name), migration in sorted(loader.disk_migrations.items())
        if app == "tickets" and name[:4].isdigit() and int(name[:4]) >= ONLINE_FROM
        for problem in offline_operations(migration)
    ]
    assert found == []


def _migration(*operations, atomic=True):
    migration = migrations.Migration("0099_example", "tickets")
    migration.operations, migration.atomic = list(operations), atomic
    return migration


def _builds_an_index_offline(apps, schema_editor):
    schema_editor.execute("CREATE INDEX x ON tickets_ticket (title)")


def test_the_check_tells_offline_operations_from_online_ones():
    index = models.Index(fields=["updated_at"], name="ticket_updated_idx")
    check = models.CheckConstraint(condition=models.Q(reopen_count__gte=0), name="ticket_reopens_valid")
    offline = _migration(
        migrations.AddIndex("ticket", index),
        migrations.AddConstraint("ticket", check),
        migrations.AddField("ticket", "parent", models.ForeignKey("tickets.ticket", models.SET_NULL, null=True)),
        migrations.RunSQL("CREATE INDEX x ON tickets_ticket (title)"),
        AddIndexOnline("ticket", index),  # atomic
    )
    assert len(offline_operations(offline)) == 5
    assert offline_operations(_migration(migrations.RunPython(_builds_an_index_offline), atomic=False))
    online = _migration(
        AddIndexOnline("ticket", index),
        AddCheckOnline("ticket", check),
        migrations.AddField("ticket", "note", models.TextField(default="")),
        migrations.AddIndex("team", models.Index(fields=["name"], name="team_name_idx")),  # a small table
        migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON tickets_ticket (title)"),
        atomic=False,
    )
    assert offline_operations(online) == []


@pytest.mark.django_db(transaction=True)
def test_an_online_index_is_built_concurrently_and_dropped_the_same_way():
    loader = MigrationLoader(connection)
    before = loader.project_state()
    op = AddIndexOnline("ticket", models.Index(fields=["updated_at", "id"], name="ticket_online_test_idx"))
    after = before.clone()
    op.state_forwards("tickets", after)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), connection.schema_editor(atomic=False) as editor:
        op.database_forwards("tickets", editor, before, after)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
            ["ticket_online_test_idx"],
        )
        assert cursor.fetchone() == (True,)
    with connection.execute_wrapper(record), connection.schema_editor(atomic=False) as editor:
        op.database_backwards("tickets", editor, after, before)
    assert any("CREATE INDEX CONCURRENTLY" in sql for sql in statements)
    assert any("DROP INDEX CONCURRENTLY" in sql and "ticket_online_test_idx" in sql for sql in statements[-1:])
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('ticket_online_test_idx')")
        assert cursor.fetchone() == (None,)
    with pytest.raises(RuntimeError, match="atomic = False"), connection.schema_editor(atomic=True) as editor:
        op.database_forwards("tickets", editor, before, after)
