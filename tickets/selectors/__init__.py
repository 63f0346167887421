"""Reads that are more than a filter. One module per topic, every public name re-exported here, so callers write
``selectors.ticket_list(...)``. Nothing here writes (that is tickets/services/)."""

from tickets.selectors.canned import ReplySuggestion, canned_for, canned_ranked, reply_suggest
from tickets.selectors.mail import mail_thread
from tickets.selectors.sla import sla_targets
from tickets.selectors.stats import (
    ai_agreement_by_category,
    ai_unsure_changes,
    avg_per_day,
    median_resolution_time,
    open_backlog_by_age,
    open_by_assignee,
    sla_dashboard,
    ticket_dashboard,
    ticket_stats,
    tickets_per_day,
)
from tickets.selectors.tickets import (
    SEARCH_COUNT_CAP,
    ThreadPage,
    active_staff,
    capped_count,
    confirmed_training_rows,
    request_files,
    similar_tickets,
    ticket_count,
    ticket_list,
    ticket_thread_page,
    tracking_find,
)

__all__ = [
    "SEARCH_COUNT_CAP",
    "ReplySuggestion",
    "ThreadPage",
    "active_staff",
    "ai_agreement_by_category",
    "ai_unsure_changes",
    "avg_per_day",
    "canned_for",
    "canned_ranked",
    "capped_count",
    "confirmed_training_rows",
    "mail_thread",
    "median_resolution_time",
    "open_backlog_by_age",
    "open_by_assignee",
    "reply_suggest",
    "request_files",
    "similar_tickets",
    "sla_dashboard",
    "sla_targets",
    "ticket_count",
    "ticket_dashboard",
    "ticket_list",
    "ticket_stats",
    "ticket_thread_page",
    "tickets_per_day",
    "tracking_find",
]
