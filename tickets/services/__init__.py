"""Every write. Views, admin, importers, tasks and commands call these; none writes on its own.

One module per topic, every public name re-exported here, so callers write ``services.ticket_create(...)``.
"""

from tickets.services.answers import answers_followed_by, answers_shown
from tickets.services.attachments import attachments_add, uploads_read
from tickets.services.audit import audit_import, audit_record
from tickets.services.bulk import ticket_bulk_change_status, ticket_bulk_load, ticket_bulk_seed_work
from tickets.services.canned import canned_add_starters
from tickets.services.email import email_retry, email_send
from tickets.services.imports import (
    import_job_create,
    import_job_finish,
    import_job_mark_writing,
    import_job_progress,
)
from tickets.services.learning import (
    Retraining,
    VersionUnusable,
    classifier_promote,
    classifier_retrain,
    classifier_rollback,
)
from tickets.services.mail import mail_receive, mail_retry
from tickets.services.merge import merge_target, ticket_merge
from tickets.services.messages import TooManyWaiting, message_add
from tickets.services.portal import portal_link_request, portal_link_send, portal_sign_in
from tickets.services.satisfaction import BAD_RATING_TAG, rating_record
from tickets.services.sla import calendar_save, sla_backfill, sla_refresh, sla_wait_end
from tickets.services.teams import agent_set_away, team_assign, team_assign_waiting
from tickets.services.throttle import rate_counter_allows, rate_counter_hit
from tickets.services.tickets import (
    UPDATABLE_FIELDS,
    StaleTicket,
    ticket_apply_classification,
    ticket_change_status,
    ticket_classify_many,
    ticket_create,
    ticket_customer_answered,
    ticket_delete,
    ticket_fill_labels,
    ticket_tags_change,
    ticket_update,
)
from tickets.services.tracking import tracking_reissue
from tickets.services.views import (
    presence_leave,
    presence_mark,
    saved_view_defaults,
    saved_view_delete,
    saved_view_move,
    saved_view_save,
)

__all__ = [
    "Retraining",
    "VersionUnusable",
    "classifier_promote",
    "classifier_retrain",
    "classifier_rollback",
    "answers_followed_by",
    "answers_shown",
    "portal_link_request",
    "portal_link_send",
    "portal_sign_in",
    "BAD_RATING_TAG",
    "rating_record",
    "merge_target",
    "ticket_merge",
    "agent_set_away",
    "team_assign",
    "team_assign_waiting",
    "presence_leave",
    "presence_mark",
    "saved_view_defaults",
    "saved_view_delete",
    "saved_view_move",
    "saved_view_save",
    "UPDATABLE_FIELDS",
    "StaleTicket",
    "TooManyWaiting",
    "attachments_add",
    "calendar_save",
    "audit_import",
    "audit_record",
    "canned_add_starters",
    "email_retry",
    "email_send",
    "import_job_create",
    "import_job_finish",
    "import_job_progress",
    "import_job_mark_writing",
    "mail_receive",
    "mail_retry",
    "message_add",
    "rate_counter_allows",
    "rate_counter_hit",
    "sla_backfill",
    "sla_refresh",
    "sla_wait_end",
    "ticket_apply_classification",
    "ticket_bulk_change_status",
    "ticket_bulk_load",
    "ticket_bulk_seed_work",
    "ticket_change_status",
    "ticket_classify_many",
    "ticket_create",
    "ticket_customer_answered",
    "ticket_delete",
    "ticket_fill_labels",
    "ticket_tags_change",
    "ticket_update",
    "uploads_read",
    "tracking_reissue",
]
