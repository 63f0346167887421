"""What the local model learns from: the labels staff set, changed or confirmed, who gave each and when, with the
per-user cap applied; and whether a retraining is due."""

import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from tickets.models import DONE_STATUSES, ClassifierVersion, RetrainTrigger, Team, Ticket, TicketEvent

Field = TicketEvent.Field
# A staff event that teaches: labels set (a ticket staff created), changed, or confirmed by resolving or closing.
TEACHING = Q(field__in=[Field.CREATED, Field.CATEGORY, Field.PRIORITY]) | Q(
    field=Field.STATUS, new_value__in=DONE_STATUSES
)
# The newest confirmed tickets a retraining reads at most: bounds its time and memory at any table size.
MAX_TEAM_ROWS = 20_000


def confirmed_training_rows(*, team: Team | None = None, until: datetime | None = None) -> list[dict]:
    """Tickets whose labels a staff member set (created the ticket), changed, or confirmed by resolving or closing
    it while its labels were the AI's own, oldest label first, each with who taught it (``teacher``, a user id) and
    when (``labelled_at``: their latest such action). Labels a submitter chose and nobody on staff touched never
    count: anyone can submit a ticket, so they could teach the model anything (training-data poisoning)."""
    staff_events = TicketEvent.objects.filter(ticket=OuterRef("pk"), actor__is_staff=True)
    if until is not None:
        staff_events = staff_events.filter(created_at__lte=until)
    set_or_changed = staff_events.filter(field__in=[Field.CREATED, Field.CATEGORY, Field.PRIORITY])
    resolved_by_staff = staff_events.filter(field=Field.STATUS, new_value__in=DONE_STATUSES)
    ai_labels_kept = Q(category=F("ai_category"), priority=F("ai_priority"))
    latest = staff_events.filter(TEACHING).order_by("-created_at", "-id")
    tickets = Ticket.objects.filter(Q(Exists(set_or_changed)) | (Q(Exists(resolved_by_staff)) & ai_labels_kept))
    if team is not None:
        tickets = tickets.filter(team=team)
    rows = tickets.annotate(
        teacher=Subquery(latest.values("actor_id")[:1]), labelled_at=Subquery(latest.values("created_at")[:1])
    ).values("pk", "title", "description", "category", "priority", "teacher", "labelled_at")
    return sorted(rows.order_by("-labelled_at", "-pk")[:MAX_TEAM_ROWS], key=lambda r: (r["labelled_at"], r["pk"]))


@dataclass
class TeachingPool:
    """The confirmed tickets a retraining may use, oldest label first, and what the per-user cap left out."""

    rows: list[dict]
    until: datetime
    used: Counter = field(default_factory=Counter)  # teacher id -> labels used
    left_out: Counter = field(default_factory=Counter)  # teacher id -> labels past the cap

    def split(self, share: float) -> tuple[list[dict], list[dict]]:
        """(to learn from, held back): the newest ``share`` of the rows is held back to judge the result."""
        held = round(len(self.rows) * share)
        cut = len(self.rows) - held
        return self.rows[:cut], self.rows[cut:]


def teaching_pool(*, until: datetime | None = None, cap: int | None = None) -> TeachingPool:
    """The confirmed tickets up to ``until``, at most ``cap`` (CLASSIFIER_LABELS_PER_USER) per staff member in each
    retraining's window (the labels given between two retrainings): one burst of changes cannot move the model
    alone. The windows are fixed by the versions already trained, so a label past the cap never counts later."""
    until = until or timezone.now()
    cap = settings.CLASSIFIER_LABELS_PER_USER if cap is None else cap
    ends = sorted(ClassifierVersion.objects.values_list("labels_until", flat=True))
    pool = TeachingPool(rows=[], until=until)
    per_window = Counter()
    for row in confirmed_training_rows(until=until):
        key = (bisect.bisect_left(ends, row["labelled_at"]), row["teacher"])
        if per_window[key] >= cap:
            pool.left_out[row["teacher"]] += 1
            continue
        per_window[key] += 1
        pool.used[row["teacher"]] += 1
        pool.rows.append(row)
    return pool


def new_labels_since(moment: datetime | None) -> int:
    """Staff labels given after ``moment`` (every one, when None): what makes a retraining due. An index on the
    teaching events' time (ticketevent_teaching_idx) keeps it a short range scan at any table size."""
    events = TicketEvent.objects.filter(TEACHING, actor__is_staff=True)
    if moment is not None:
        events = events.filter(created_at__gt=moment)
    return events.count()


@dataclass(frozen=True)
class RetrainingDue:
    due: bool
    new_labels: int
    reason: str
    trigger: str = ""  # RetrainTrigger: "labels" or "schedule" when due


def retraining_due(now: datetime | None = None) -> RetrainingDue:
    """Due when CLASSIFIER_RETRAIN_AFTER_LABELS new staff labels arrived since the last retraining, or when it is
    CLASSIFIER_RETRAIN_EVERY_H old (or there was none) and any did."""
    now = now or timezone.now()
    last = ClassifierVersion.objects.order_by("-labels_until").values("labels_until", "trained_at").first()
    new = new_labels_since(last and last["labels_until"])
    if new >= settings.CLASSIFIER_RETRAIN_AFTER_LABELS:
        return RetrainingDue(True, new, f"{new} new labels", RetrainTrigger.LABELS)
    if new and (last is None or now - last["trained_at"] >= timedelta(hours=settings.CLASSIFIER_RETRAIN_EVERY_H)):
        return RetrainingDue(True, new, f"{new} new labels and the schedule", RetrainTrigger.SCHEDULE)
    return RetrainingDue(False, new, f"{new} new labels: not yet")
