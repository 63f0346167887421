"""What the migrations run, frozen as it was when each was written: a migration never imports live application
code, which changes under it. Django loads no migration from a module whose name starts with an underscore."""

import re
import zlib

import numpy as np
from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = "Support agent"
MANAGER = "Manager"


def grant(apps, grants: dict[str, list[str]]) -> None:
    """Give each role (a group, created if missing) these permissions of the tickets app."""
    tickets_config = apps.get_app_config("tickets")
    had_models_module = getattr(tickets_config, "models_module", None)
    tickets_config.models_module = had_models_module or True  # create_permissions skips apps without models
    create_permissions(tickets_config, apps=apps, verbosity=0)
    tickets_config.models_module = had_models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames))


# The MinHash title sketch of migration 0017 (16 bands of 4 hashes over pg_trgm-style trigrams). The live copy is
# tickets/titles.py; both must give the same keys, and a test holds them to it.
_BANDS, _ROWS_PER_BAND = 16, 4
_MASKS = np.random.default_rng(20261128).integers(0, 2**32, size=_BANDS * _ROWS_PER_BAND, dtype=np.uint32)
_WORD = re.compile(r"[^\W_]+")


def title_sketch(title: str) -> str:
    grams = set()
    for word in _WORD.findall((title or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    if not grams:
        return ""
    hashes = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint32, count=len(grams))
    mins = np.bitwise_xor.outer(hashes, _MASKS).min(axis=0).tobytes()
    width = _ROWS_PER_BAND * 4
    return " ".join(f"{band:x}{zlib.crc32(mins[band * width : (band + 1) * width]):08x}" for band in range(_BANDS))


class AddCheckOnline(migrations.AddConstraint):
    """AddConstraint that, on PostgreSQL, adds the check NOT VALID and then validates it in a second statement."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        table, name = schema_editor.quote_name(model._meta.db_table), schema_editor.quote_name(self.constraint.name)
        schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


class AddIndexOnline(migrations.AddIndex):
    """AddIndex that, on PostgreSQL, builds the index CONCURRENTLY: writes go on while it is built (a plain CREATE
    INDEX holds off every write to the table for the whole build: about a minute at 10 million tickets). The
    migration must say ``atomic = False``; a failed build leaves an invalid index, which the next run drops and
    builds again."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        if schema_editor.connection.in_atomic_block:
            raise RuntimeError(f"{self.index.name}: a concurrent index build needs a migration with atomic = False")
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}")
        schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.remove_index(model, self.index, concurrently=True)
