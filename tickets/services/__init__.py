"""Every write. Views, admin, importers, tasks and commands call these; none writes on its own.

One module per topic, every public name re-exported here, so callers write ``services.ticket_create(...)``.
"""

from tickets.services.audit import audit_record
from tickets.services.bulk import ticket_bulk_load
from tickets.services.throttle import rate_counter_hit
from tickets.services.tickets import (
    UPDATABLE_FIELDS,
    StaleTicket,
    ticket_apply_classification,
    ticket_bulk_change_status,
    ticket_change_status,
    ticket_classify_many,
    ticket_create,
    ticket_delete,
    ticket_fill_labels,
    ticket_update,
    ticket_version,
)

__all__ = [
    "UPDATABLE_FIELDS",
    "StaleTicket",
    "audit_record",
    "rate_counter_hit",
    "ticket_apply_classification",
    "ticket_bulk_change_status",
    "ticket_bulk_load",
    "ticket_change_status",
    "ticket_classify_many",
    "ticket_create",
    "ticket_delete",
    "ticket_fill_labels",
    "ticket_update",
    "ticket_version",
]
