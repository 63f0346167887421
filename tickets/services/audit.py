"""The audit log of bulk moves of tickets out of and into Cootrack."""

from django.contrib.auth.base_user import AbstractBaseUser

from tickets.models import AuditEntry
from tickets.rules.tickets import acting_user


def audit_record(*, actor: AbstractBaseUser | None, action: str, rows: int, detail: dict) -> AuditEntry:
    """One entry: who, now, what (export or import), how many tickets, and with which filters or file."""
    entry = AuditEntry(actor=acting_user(actor), action=action, rows=rows)
    entry.detail = detail
    entry.full_clean()
    entry.save()
    return entry


def audit_import(*, actor, file_name: str, totals: dict, background: bool = False) -> AuditEntry:
    """A written import: the file, and how many tickets it created and updated (import-export's totals)."""
    counts = {kind: n for kind, n in totals.items() if n}
    detail = {"file": file_name, **({"background": True} if background else {}), **counts}
    return audit_record(
        actor=actor, action="import", rows=counts.get("new", 0) + counts.get("update", 0), detail=detail
    )
