"""Writes of one ticket or a few: create, update, status moves, classification, delete; each in a transaction."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.classifier import Classification, classify
from tickets.filters import ticket_visible
from tickets.mail.parse import ParsedAttachment
from tickets.models import DONE_STATUSES, OPEN_STATUSES, Status, Tag, Ticket, TicketEvent, TicketTag
from tickets.rules.files import upload_problems
from tickets.rules.tags import tag_name, tag_problem
from tickets.rules.tickets import acting_user, ticket_version
from tickets.rules.tracking import tracking_issue
from tickets.selectors import routing_rules
from tickets.services.attachments import attachments_add
from tickets.services.email import email_confirmation, email_resolved
from tickets.services.sla import sla_refresh, sla_status_moved, sla_wait_end
from tickets.services.teams import team_assign, team_assign_waiting, team_choose, ticket_route
from tickets.validators import one_line

# What an update may change; every change is written to the history (who, when, from, to).
# "waiting": waiting on the customer (True) or not; its changes are in the history as SLA moves.
WAITING = "waiting"
UPDATABLE_FIELDS = (
    frozenset(TicketEvent.Field.values)
    - {
        TicketEvent.Field.CREATED,
        TicketEvent.Field.SLA,
        TicketEvent.Field.TRACKING,  # a new link is tracking_reissue's, never a field set from outside
        TicketEvent.Field.MERGE,  # a merge is ticket_merge's
    }
) | {WAITING}

OptionalUser = AbstractBaseUser | None  # a staff member, or nobody (an anonymous submitter, the system)


class StaleTicket(Exception):
    """The ticket changed after the caller read it (optimistic concurrency: If-Match / updated_at)."""

    def __init__(self, current: Ticket):
        super().__init__(f"Ticket {current.pk} changed at {current.updated_at.isoformat()}")
        self.current = current


def _clean_text(value: str, field: str = "") -> str:
    """What a door handed in, as stored: trimmed, and a title made one line (it becomes an email's subject)."""
    if field == "title":
        return one_line(value)
    return value.strip() if isinstance(value, str) else value


def ticket_create(
    *,
    title: str,
    description: str,
    category: str | None = None,
    priority: str | None = None,
    submitter_email: str = "",
    status: str = Status.OPEN,
    assignee: OptionalUser = None,
    actor: OptionalUser = None,
    classify_ticket: bool = True,
    classification: Classification | None = None,
    tracking: bool = False,
    notify: bool = True,
    files: Sequence[ParsedAttachment] = (),
    addresses: Sequence[str] = (),
) -> Ticket:
    """Create a ticket. Missing labels are filled by the classifier, whose own answer is kept beside them.

    The first matching routing rule chooses its team (``addresses``: where an email was sent), and a team that
    assigns automatically hands it to a free agent unless an ``assignee`` is given.

    Every ticket is created open and unowned; a different initial ``status`` (an import of old tickets, staff
    adding a solved one) or an ``assignee`` is a change in the same transaction, so the history shows it. The
    classifier runs before the transaction opens, so a slow LLM never holds a database lock. A caller that
    already classified the ticket (an import preview, say) passes ``classification``.

    With ``tracking`` (a submission from the public form) the ticket gets its tracking link: the token is set on
    the returned ticket as ``tracking_token`` (shown once) and, with an address, a confirmation email carries it
    (at most ``CONFIRMATIONS_PER_ADDRESS_PER_DAY`` a day to one address). ``notify=False`` (an import) mails nobody.
    ``files`` are stored with the request (refused whole past the upload limits).
    """
    ticket = Ticket(
        title=_clean_text(title, "title"),
        description=_clean_text(description),
        category=category or "",
        priority=priority or "",
        submitter_email=_clean_text(submitter_email or ""),
        status=Status.OPEN,
    )
    # Refuse bad input before spending a classification on it.
    _validate(ticket, exclude=[f for f in ("category", "priority") if not getattr(ticket, f)])
    if problems := upload_problems([(f.name, len(f.data)) for f in files]):
        raise ValidationError({"attachments": problems})
    _label_new(ticket, classification=classification, always=classify_ticket)
    token = tracking_issue(ticket) if tracking else None
    with transaction.atomic():
        routed = ticket_route(ticket, routing_rules(), addresses=addresses, actor=actor)
        # The team's free agent, chosen before the insert, so the ticket is written once, with its owner.
        chosen = team_choose(ticket) if assignee is None and status in OPEN_STATUSES else None
        if chosen is not None:
            ticket.assignee_id = chosen[0]
        created = _store_new(ticket, actor)
        if chosen is not None:
            routed.append(
                TicketEvent(ticket=ticket, field=TicketEvent.Field.ASSIGNEE, old_value="", new_value=chosen[1])
            )
        TicketEvent.objects.bulk_create([created, *routed])  # one insert, the creation first
        attachments_add(ticket=ticket, message=None, files=list(files))
        initial = {"status": status, "assignee": assignee}
        changes = {name: value for name, value in initial.items() if value and value != getattr(ticket, name)}
        if changes:
            ticket = ticket_update(ticket=ticket, data=changes, actor=actor, notify=notify)
        if token and ticket.submitter_email and notify:
            email_confirmation(ticket=ticket, token=token)
    ticket.tracking_token = token
    return ticket


def _label_new(ticket: Ticket, *, classification: Classification | None, always: bool) -> None:
    """The AI's labels for a new ticket: given by the caller (an import preview classified it already); else asked
    of the classifier, ``always`` (its suggestion is kept even beside labels the submitter chose) or only when a
    label is missing."""
    if classification is not None:
        _set_suggestion(ticket, classification, fill_missing=True)
    elif always:
        _set_suggestion(ticket, classify(ticket.title, ticket.description), fill_missing=True)
    else:
        ticket_fill_labels(ticket)


def _store_new(ticket: Ticket, actor: OptionalUser) -> TicketEvent:
    """Validate, start the SLA clock and save; returns the history's first event, the creation, for the caller to
    write with the others. The team and the owner were chosen here (a routing rule, the team's free member), not
    typed: their rows are not read again to validate them (a query each); the database's foreign keys hold them
    all the same."""
    _validate(ticket, exclude=["team", "assignee"])
    sla_refresh(ticket)
    ticket.save()
    return TicketEvent(
        ticket=ticket, actor=acting_user(actor), field=TicketEvent.Field.CREATED, new_value=ticket.status
    )


def ticket_fill_labels(ticket: Ticket, *, backend: str = "auto") -> Classification | None:
    """Fill a ticket's empty category or priority from the classifier, keeping its answer as the AI's
    suggestion; nothing is saved. Returns the classification, or None when both labels were set."""
    if ticket.category and ticket.priority:
        return None
    result = classify(ticket.title, ticket.description, backend=backend)
    _set_suggestion(ticket, result, fill_missing=True)
    return result


def ticket_update(
    *,
    ticket: Ticket,
    data: Mapping[str, Any],
    actor: OptionalUser = None,
    classification: Classification | None = None,
    expected_version: str | None = None,
    notify: bool = True,
) -> Ticket:
    """Apply a partial update under a row lock; status, category and priority changes are written to history.

    A category or priority given empty is filled by the classifier (from the updated title and description,
    asked before the row is locked), and its answer is recorded as the AI's suggestion; so is
    ``classification`` when given. ``expected_version`` (a ``ticket_version``) makes a stale update raise
    ``StaleTicket`` instead of silently overwriting someone else's change. ``notify=False`` (an import) sends
    the submitter no "resolved" email; the history records the change all the same.
    """
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Fields that cannot be updated: {sorted(unknown)}")
    data = dict(data)
    if any(name in data and not data[name] for name in ("category", "priority")):
        text = {name: _clean_text(data.get(name, getattr(ticket, name)), name) for name in ("title", "description")}
        classification = classify(text["title"], text["description"])
        data["category"] = data.get("category", ticket.category) or classification.category
        data["priority"] = data.get("priority", ticket.priority) or classification.priority
    with transaction.atomic():
        return _update_locked(ticket, data, actor, classification, expected_version, notify)


def _update_locked(ticket, data, actor, classification, expected_version, notify) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version and expected_version != ticket_version(locked):
        raise StaleTicket(locked)
    old_status, old_priority, old_team, old_owner = locked.status, locked.priority, locked.team_id, locked.assignee_id
    events = _apply_changes(locked, data, actor)
    if (locked.team_id, locked.assignee_id) != (old_team, old_owner):
        _check_owner_sees(locked)
    if classification is not None:
        _set_suggestion(locked, classification, fill_missing=False)
    elif not events:
        return locked
    if locked.status != old_status:
        locked.resolved_at = _resolved_at(old_status, locked.status, locked.resolved_at)
    if locked.status != old_status or locked.priority != old_priority or locked.team_id != old_team:
        events += _refresh_due_times(locked, old_status, old_priority, actor)
    _validate(locked)
    locked.save()
    TicketEvent.objects.bulk_create(events)
    if locked.team_id != old_team:
        team_assign(locked)  # moved to a team that assigns: a free agent of it takes it
    if locked.status in DONE_STATUSES and old_status not in DONE_STATUSES and locked.team_id:
        team_assign_waiting([locked.team_id])  # its agent freed up: the team's next waiting ticket
    if notify and locked.status == Status.RESOLVED and old_status not in DONE_STATUSES:
        email_resolved([locked])
    return locked


def _apply_changes(ticket: Ticket, data: Mapping[str, Any], actor: OptionalUser) -> list[TicketEvent]:
    """Set each changed field on the locked ticket (tags are written at once); one history entry per change."""
    events = []
    for field, value in data.items():
        if field == TicketEvent.Field.TAGS:
            events += _set_tags(ticket, value, actor)
            continue
        if field == WAITING:
            why = "waiting on the customer" if value else "no longer waiting on the customer"
            events += _set_waiting(ticket, bool(value), actor, why)
            continue
        value = _clean_text(value, field)
        old = getattr(ticket, field)
        if old == value:
            continue
        setattr(ticket, field, value)
        events.append(
            TicketEvent(
                ticket=ticket, actor=acting_user(actor), field=field, old_value=_text(old), new_value=_text(value)
            )
        )
    return events


def _set_tags(ticket: Ticket, names, actor: OptionalUser) -> list[TicketEvent]:
    """Make the ticket's tags exactly ``names`` (normalised; new tags are created: agents coin them freely)."""
    wanted = sorted({tag_name(n) for n in names} - {""})
    if problems := [p for n in names if (p := tag_problem(n))]:
        raise ValidationError({"tags": problems})
    current = sorted(ticket.tags.values_list("name", flat=True))
    if wanted == current:
        return []
    tags = [Tag.objects.get_or_create(name=name)[0] for name in wanted]
    TicketTag.objects.filter(ticket=ticket).exclude(tag__in=tags).delete()
    TicketTag.objects.bulk_create([TicketTag(ticket=ticket, tag=t) for t in tags], ignore_conflicts=True)
    return [
        TicketEvent(
            ticket=ticket,
            actor=acting_user(actor),
            field=TicketEvent.Field.TAGS,
            old_value=", ".join(current),
            new_value=", ".join(wanted),
        )
    ]


def ticket_tags_change(*, ticket_ids: Iterable[int], add=(), remove=(), actor: OptionalUser = None) -> int:
    """Add and remove tags on many tickets (the changelist's bulk action); returns how many tickets changed."""
    add, remove = {tag_name(n) for n in add} - {""}, {tag_name(n) for n in remove}
    changed = 0
    for ticket in Ticket.objects.filter(pk__in=list(ticket_ids)).order_by("pk"):
        names = set(ticket.tags.values_list("name", flat=True))
        if (names | add) - remove != names:
            ticket_update(ticket=ticket, data={"tags": sorted((names | add) - remove)}, actor=actor)
            changed += 1
    return changed


def _refresh_due_times(ticket: Ticket, old_status: str, old_priority: str, actor: OptionalUser) -> list[TicketEvent]:
    """The SLA columns after a status or priority move (a reopening restarts the resolution clock); a history
    entry when a priority change moved the due times, saying why."""
    reopened = old_status in DONE_STATUSES and ticket.status not in DONE_STATUSES
    before = _due_times(ticket)
    sla_status_moved(ticket, reopened=reopened)
    sla_refresh(ticket, restart_resolution_at=timezone.now() if reopened else None)
    after = _due_times(ticket)
    if ticket.priority == old_priority or after == before:
        return []
    why = f"priority {old_priority} -> {ticket.priority}"
    return [
        TicketEvent(
            ticket=ticket,
            actor=acting_user(actor),
            field=TicketEvent.Field.SLA,
            old_value=before,
            new_value=f"{after} ({why})",
        )
    ]


def _set_waiting(ticket: Ticket, waiting: bool, actor: OptionalUser, why: str) -> list[TicketEvent]:
    """Start or end a wait on the customer (the ticket is locked; nothing saved): while waiting no deadline is
    pending; when it ends, the wait's working time moves the resolution due time. One history entry, saying so."""
    if waiting == (ticket.waiting_since is not None) or (waiting and ticket.status in DONE_STATUSES):
        return []
    before = _due_times(ticket)
    if waiting:
        ticket.waiting_since = timezone.now()
    else:
        sla_wait_end(ticket)
    sla_refresh(ticket)
    after = "paused" if waiting else _due_times(ticket)
    return [
        TicketEvent(
            ticket=ticket, actor=acting_user(actor), field=TicketEvent.Field.SLA, old_value=before,
            new_value=f"{after} ({why})",
        )
    ]  # fmt: skip


def ticket_customer_answered(ticket: Ticket) -> list[TicketEvent]:
    """The customer wrote on a locked ticket: a wait on them ends (the caller saves and records the events)."""
    return _set_waiting(ticket, False, None, "the customer answered")


def _due_times(ticket: Ticket) -> str:
    """A ticket's due times as its history shows them."""
    if ticket.first_response_due_at is None:
        return ""
    first, resolution = (
        timezone.localtime(t).strftime("%Y-%m-%d %H:%M")
        for t in (ticket.first_response_due_at, ticket.resolution_due_at)
    )
    return f"first reply by {first}, resolved by {resolution}"


def _text(value) -> str:
    """A history entry's value: a user by name, nobody as empty, anything else as itself."""
    if value is None:
        return ""
    return value.get_username() if hasattr(value, "get_username") else value


def ticket_change_status(*, ticket: Ticket, status: str, actor: OptionalUser = None) -> Ticket:
    return ticket_update(ticket=ticket, data={"status": status}, actor=actor)


@transaction.atomic
def ticket_delete(*, ticket_ids: Iterable[int]) -> int:
    """Delete tickets and their history; returns how many tickets were deleted."""
    deleted = Ticket.objects.filter(pk__in=list(ticket_ids)).delete()[1]
    return deleted.get(Ticket._meta.label, 0)


@transaction.atomic
def ticket_apply_classification(
    *, ticket: Ticket, classification: Classification, overwrite: bool = False, actor: OptionalUser = None
) -> Ticket:
    """Record the AI's suggestion; fill the labels when missing, or replace them when ``overwrite``."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = {f: getattr(locked, f) for f in ("category", "priority")}
    _set_suggestion(locked, classification, fill_missing=True, overwrite=overwrite)
    _validate(locked)
    locked.save()
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=locked, actor=acting_user(actor), field=f, old_value=old, new_value=getattr(locked, f))
        for f, old in before.items()
        if old and old != getattr(locked, f)
    )
    return locked


def ticket_classify_many(*, ticket_ids: Iterable[int], overwrite: bool = True, actor: OptionalUser = None) -> int:
    """Classify each ticket and apply the result, one short transaction per ticket (the classifier runs outside
    it); returns how many were classified. Safe to repeat: a second run applies the same kind of result."""
    done = 0
    for ticket in Ticket.objects.filter(pk__in=list(ticket_ids)).order_by("pk").iterator(chunk_size=200):
        result = classify(ticket.title, ticket.description)
        ticket_apply_classification(ticket=ticket, classification=result, overwrite=overwrite, actor=actor)
        done += 1
    return done


def _check_owner_sees(ticket: Ticket) -> None:
    """A private team's ticket is owned by one of its members (or a manager): anyone else could not even open it."""
    if ticket.assignee is not None and not ticket_visible(ticket, ticket.assignee):
        raise ValidationError(
            {
                "assignee": [
                    f"{ticket.assignee.get_username()} is not in the private team {ticket.team}: "
                    "they could not see this ticket."
                ]
            }
        )


def _validate(ticket: Ticket, exclude=()) -> None:
    """Every field rule (choices, lengths, storable text) in Python. The CHECK constraints are enforced by
    PostgreSQL on write, so Django's one-SELECT-per-constraint validation is skipped: it cost ~20 ms a save."""
    ticket.full_clean(exclude=list(exclude) or None, validate_unique=False, validate_constraints=False)


def _set_suggestion(ticket: Ticket, result: Classification, *, fill_missing: bool, overwrite: bool = False) -> None:
    ticket.ai_category = result.category
    ticket.ai_priority = result.priority
    ticket.ai_confidence = round(result.confidence, 4)
    ticket.classified_by = result.classified_by[:120]
    if overwrite or (fill_missing and not ticket.category):
        ticket.category = result.category
    if overwrite or (fill_missing and not ticket.priority):
        ticket.priority = result.priority


def _resolved_at(old_status: str, new_status: str, resolved_at):
    if new_status not in DONE_STATUSES:
        return None
    if old_status in DONE_STATUSES and resolved_at:
        return resolved_at
    return timezone.now()
