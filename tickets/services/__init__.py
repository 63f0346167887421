"""Every write. Views, admin, importers, tasks and commands call these; none writes on its own.

One module per topic, every public name re-exported here, so callers write ``services.ticket_create(...)``.
"""

from tickets.services.audit import audit_import, audit_record
from tickets.services.bulk import ticket_bulk_change_status, ticket_bulk_load, ticket_bulk_seed_work
from tickets.services.canned import (
    ReplySuggestion,
    canned_add_starters,
    canned_for,
    canned_ranked,
    canned_render,
    reply_suggest,
)
from tickets.services.email import email_retry, email_send
from tickets.services.imports import import_job_confirm, import_job_finish, import_job_progress, import_job_start
from tickets.services.messages import TooManyWaiting, message_add
from tickets.services.sla import sla_backfill, sla_filter, sla_refresh, sla_state, sla_targets
from tickets.services.throttle import rate_counter_allows, rate_counter_hit, sliding_count
from tickets.services.tickets import (
    UPDATABLE_FIELDS,
    StaleTicket,
    ticket_apply_classification,
    ticket_change_status,
    ticket_classify_many,
    ticket_create,
    ticket_delete,
    ticket_fill_labels,
    ticket_update,
    ticket_version,
)
from tickets.services.tracking import tracking_reissue

__all__ = [
    "UPDATABLE_FIELDS",
    "ReplySuggestion",
    "StaleTicket",
    "TooManyWaiting",
    "audit_import",
    "audit_record",
    "canned_add_starters",
    "canned_for",
    "canned_ranked",
    "canned_render",
    "email_retry",
    "email_send",
    "import_job_confirm",
    "import_job_finish",
    "import_job_progress",
    "import_job_start",
    "message_add",
    "rate_counter_allows",
    "rate_counter_hit",
    "reply_suggest",
    "sla_backfill",
    "sla_filter",
    "sla_refresh",
    "sla_state",
    "sla_targets",
    "sliding_count",
    "ticket_apply_classification",
    "ticket_bulk_change_status",
    "ticket_bulk_load",
    "ticket_bulk_seed_work",
    "ticket_change_status",
    "ticket_classify_many",
    "ticket_create",
    "ticket_delete",
    "ticket_fill_labels",
    "ticket_update",
    "ticket_version",
    "tracking_reissue",
]
