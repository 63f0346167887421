"""The domain's data. One module per topic; every public name is importable from ``tickets.models``."""

from tickets.models.answers import AnswerSuggestion
from tickets.models.audit import AuditAction, AuditEntry
from tickets.models.counts import RateCounter, TicketCount
from tickets.models.events import EventField, TicketEvent
from tickets.models.imports import ImportJob, ImportState
from tickets.models.learning import ClassifierVersion, ModelState, RetrainTrigger
from tickets.models.mail import Attachment, InboundEmail, InboundState, Transport
from tickets.models.messages import (
    PUBLIC_KINDS,
    CannedResponse,
    EmailStatus,
    MessageKind,
    TicketContact,
    TicketEmail,
    TicketMessage,
)
from tickets.models.portal import CustomerSignIn
from tickets.models.satisfaction import RATING_COMMENT_MAX_LENGTH, Rating, SatisfactionRating
from tickets.models.sla import BusinessCalendar, SLAPolicy
from tickets.models.tags import TAG_MAX_LENGTH, Tag, TagColour, TicketTag
from tickets.models.teams import AgentAvailability, Assignment, RoutingRule, Team
from tickets.models.tickets import (
    AI_KEPT,
    DESCRIPTION_MAX_LENGTH,
    DONE_STATUSES,
    NEWEST_FIRST,
    OPEN_STATUSES,
    PAGE_SIZE,
    TICKET_FIELDS,
    TITLE_MAX_LENGTH,
    Category,
    Priority,
    Status,
    Ticket,
    ai_unsure,
)
from tickets.models.views import (
    VIEW_NAME_MAX_LENGTH,
    VIEW_QUERY_MAX_LENGTH,
    PresenceState,
    SavedView,
    TicketPresence,
)

__all__ = [
    "ClassifierVersion",
    "ModelState",
    "RetrainTrigger",
    "AnswerSuggestion",
    "CustomerSignIn",
    "RATING_COMMENT_MAX_LENGTH",
    "Rating",
    "SatisfactionRating",
    "AgentAvailability",
    "Assignment",
    "RoutingRule",
    "Team",
    "AI_KEPT",
    "DESCRIPTION_MAX_LENGTH",
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "NEWEST_FIRST",
    "PAGE_SIZE",
    "PUBLIC_KINDS",
    "TICKET_FIELDS",
    "TITLE_MAX_LENGTH",
    "VIEW_NAME_MAX_LENGTH",
    "VIEW_QUERY_MAX_LENGTH",
    "Attachment",
    "AuditAction",
    "AuditEntry",
    "BusinessCalendar",
    "CannedResponse",
    "Category",
    "EmailStatus",
    "MessageKind",
    "EventField",
    "ImportJob",
    "InboundEmail",
    "InboundState",
    "ImportState",
    "Priority",
    "PresenceState",
    "SavedView",
    "RateCounter",
    "SLAPolicy",
    "TAG_MAX_LENGTH",
    "Tag",
    "TagColour",
    "Status",
    "Ticket",
    "TicketContact",
    "TicketCount",
    "TicketEmail",
    "TicketEvent",
    "TicketMessage",
    "TicketPresence",
    "TicketTag",
    "Transport",
    "ai_unsure",
]
