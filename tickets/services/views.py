"""Saved views and who is on a ticket's page."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.filters import view_query
from tickets.models import VIEW_NAME_MAX_LENGTH, PresenceState, SavedView, Ticket, TicketPresence
from tickets.validators import one_line, validate_storable_text

VIEWS_PER_AGENT = 50  # an agent's own views; shared ones count for the one who shared them


def saved_view_save(*, owner, name: str, query: str, shared: bool = False, view: SavedView | None = None) -> SavedView:
    """Create (or, given ``view``, change) a saved view of the changelist ``query``; a ValidationError (by field)
    says what cannot be saved, and nothing is."""
    name = one_line(name or "")
    errors = {}
    if not name:
        errors["name"] = ["Give the view a name."]
    elif len(name) > VIEW_NAME_MAX_LENGTH:
        errors["name"] = [f"A view's name is at most {VIEW_NAME_MAX_LENGTH} characters."]
    else:
        try:
            validate_storable_text(name)
        except ValidationError as error:
            errors["name"] = error.messages
    try:
        kept = view_query(query or "").urlencode()
    except ValidationError as error:
        errors["query"] = error.messages
    if view is None and SavedView.objects.filter(owner=owner).count() >= VIEWS_PER_AGENT:
        errors["name"] = [f"You have {VIEWS_PER_AGENT} views already: delete one first."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if view is None:
            return SavedView.objects.create(owner=owner, name=name, query=kept, shared=shared)
        view = SavedView.objects.select_for_update().get(pk=view.pk)
        view.name, view.query, view.shared = name, kept, shared or view.owner_id is None
        view.save(update_fields=["name", "query", "shared"])
        return view


def saved_view_delete(*, view: SavedView) -> None:
    with transaction.atomic():
        SavedView.objects.filter(pk=view.pk).delete()


PRESENCE_KEPT = timedelta(hours=1)  # rows of pages closed without a word (a crashed browser) go after this
PRESENCE_SWEEP_EVERY = 200  # about one poll in this many sweeps them, so the table stays the size of the desk


def presence_mark(*, ticket: Ticket, user, state: str) -> None:
    """``user`` is on ``ticket``'s page, viewing or writing a reply, as of now: one upsert."""
    state = state if state in PresenceState.values else PresenceState.VIEWING
    if secrets.randbelow(PRESENCE_SWEEP_EVERY) == 0:
        with transaction.atomic():
            TicketPresence.objects.filter(seen_at__lt=timezone.now() - PRESENCE_KEPT).delete()
    with transaction.atomic():
        TicketPresence.objects.bulk_create(
            [TicketPresence(ticket=ticket, user=user, state=state, seen_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["ticket", "user"],
            update_fields=["state", "seen_at"],
        )


def presence_leave(*, ticket: Ticket, user) -> None:
    with transaction.atomic():
        TicketPresence.objects.filter(ticket=ticket, user=user).delete()


def saved_view_move(*, view: SavedView, position: int) -> None:
    """Where a view sits in everyone's sidebar (managers order the shared ones)."""
    with transaction.atomic():
        SavedView.objects.filter(pk=view.pk).update(position=max(0, min(int(position), 32767)))


# The views a desk starts with (migration 0021 creates them; this puts back any that were deleted).
DEFAULT_VIEWS = (
    ("Mine", "assignee=me", 1),
    ("Unassigned", "assignee=none", 2),
    ("Breached", "sla=breached", 3),
    ("Bad ratings", "tag=bad-rating", 4),  # tagged by a bad answer with a comment (services/satisfaction.py)
)


def saved_view_defaults() -> None:
    with transaction.atomic():
        for name, query, position in DEFAULT_VIEWS:
            SavedView.objects.get_or_create(
                name=name, owner=None, defaults={"query": query, "shared": True, "position": position}
            )
