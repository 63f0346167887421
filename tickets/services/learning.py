"""The local model learns the team's labels: retrain it from the labels staff gave (in the worker, never in a
request), judge the result against the model in use on the newest confirmed tickets, promote it only when it is
not worse on either field, and let staff promote any version or roll back in one click. Every process follows the
promoted version within CLASSIFIER_RELOAD_S (tickets.classifier.local.store)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tickets import selectors
from tickets.classifier import evaluation, local
from tickets.models import ClassifierVersion, ModelState, RetrainTrigger
from tickets.postgres import held_lock

logger = logging.getLogger(__name__)

LOCK_CLASS = 0x4C524E  # "LRN": one retraining at a time, across every worker on every host
RETRAIN_KEY = 1


class VersionUnusable(ValueError):
    """A version whose stored model does not load: it is never promoted."""


@dataclass(frozen=True)
class Retraining:
    version: ClassifierVersion | None
    message: str  # what happened, for the worker's log, the command and the admin


def classifier_retrain(
    *, trigger: str = RetrainTrigger.MANUAL, actor=None, dry_run: bool = False, now=None
) -> Retraining:
    """Retrain from the staff labels up to now and record the version with its figures; promote it when it is
    not worse than the model in use on the held-back tickets. A scheduled retraining that is not due (or finds
    another one running) does nothing. ``dry_run``: train and judge, record nothing."""
    with held_lock(LOCK_CLASS, [RETRAIN_KEY]) as held:
        if held is None:
            return Retraining(None, "another retraining is running")
        now = now or timezone.now()
        if trigger != RetrainTrigger.MANUAL:
            due = selectors.retraining_due(now)
            if not due.due:
                return Retraining(None, f"not due: {due.reason}")
        return _retrain(trigger=trigger, actor=actor, dry_run=dry_run, now=now)


def _retrain(*, trigger, actor, dry_run, now) -> Retraining:
    pool = selectors.teaching_pool(until=now)
    if not pool.rows:
        return Retraining(None, "no staff-confirmed tickets to learn from yet")
    learn, held = pool.split(settings.CLASSIFIER_HELD_BACK)
    shipped, team, weight = local.shipped_examples(), _examples(learn), settings.CLASSIFIER_TEAM_WEIGHT
    name = local.trained_version(shipped, team, weight)
    if ClassifierVersion.objects.filter(version=name).exists():  # asked before the seconds of training
        return Retraining(None, f"nothing new to learn: {name} was trained from the same labels")
    candidate = local.train(shipped, team=team, team_weight=weight)
    in_use, in_use_name = _model_in_use()
    judged_on = _examples(held)
    figures = {
        "candidate": evaluation.model_figures(candidate, judged_on),
        "in_use": evaluation.model_figures(in_use, judged_on),
        "in_use_version": in_use_name,
    }
    promote, decision = _judge(figures["candidate"], figures["in_use"], len(held))
    message = f"{candidate.version}: {decision}"
    if dry_run:
        return Retraining(None, f"dry run, nothing recorded. {message}")
    data = local.dumps(candidate)
    if local.loads(data) is None:  # never record what no process could load
        raise VersionUnusable(f"{candidate.version} did not load back after it was written")
    usernames = dict(get_user_model().objects.filter(pk__in=[*pool.used, *pool.left_out]).values_list("pk", "username"))
    teachers = {
        usernames.get(pk, "(deleted user)"): {"used": pool.used[pk], "left_out": pool.left_out[pk]}
        for pk in sorted({*pool.used, *pool.left_out}, key=lambda pk: -pool.used[pk])
    }
    with transaction.atomic():
        version = ClassifierVersion.objects.create(
            version=candidate.version,
            trigger=trigger,
            trained_at=timezone.now(),
            labels_until=pool.until,
            trained_on=len(learn),
            held_back=len(held),
            figures=figures,
            teachers=teachers,
            decision=decision,
            data=data,
            size=len(data),
            requested_by=actor,
        )
        if promote:
            _make_active(version, actor=None)
    logger.info("classifier retrained (%s): %s", trigger, message)
    return Retraining(version, message)


def _examples(rows: list[dict]) -> list[local.Example]:
    return [local.Example(r["title"], r["description"], r["category"], r["priority"]) for r in rows]


def _model_in_use() -> tuple[local.LocalModel, str]:
    """The promoted version's model as stored (not this process's copy, which may be a moment behind)."""
    active = ClassifierVersion.objects.filter(state=ModelState.ACTIVE).values_list("pk", "version").first()
    if active:
        model = local.load_version(active[0])
        if model is not None:
            return model, active[1]
    base = local._base_model()
    return base, f"{base.version} (shipped)"


def _judge(candidate: dict, in_use: dict, held: int) -> tuple[bool, str]:
    """Promote only when judged on enough tickets and not worse on either field."""
    minimum = settings.CLASSIFIER_MIN_HELD_BACK
    if held < minimum:
        return False, f"kept as a candidate: judged on {held} held-back tickets, fewer than the {minimum} needed"
    fields = (("category accuracy", "category_accuracy"), ("priority macro-F1", "priority_macro_f1"))
    worse = [
        f"{name} {candidate[key]:.3f} against {in_use[key]:.3f}"
        for name, key in fields
        if (candidate[key] or 0) < (in_use[key] or 0)
    ]
    if worse:
        return False, "kept as a candidate: worse than the model in use on " + ", ".join(worse)
    same = ", ".join(f"{name} {candidate[key]:.3f} against {in_use[key]:.3f}" for name, key in fields)
    return True, f"promoted: not worse on either field ({same}, on {held} held-back tickets)"


def classifier_promote(*, version: ClassifierVersion, actor) -> ClassifierVersion:
    """Put ``version`` in use (a candidate, or one used before); every process follows within
    CLASSIFIER_RELOAD_S. A version whose model does not load is refused."""
    if local.load_version(version.pk) is None:
        raise VersionUnusable(f"The stored model of {version.version} cannot be loaded; it stays out of use.")
    with transaction.atomic():
        version = ClassifierVersion.objects.select_for_update().get(pk=version.pk)
        if version.state != ModelState.ACTIVE:
            _make_active(version, actor=actor)
    return version


def classifier_rollback(*, actor) -> ClassifierVersion | None:
    """Take the version in use out of use and put back the one it replaced (the shipped model when it replaced
    none); returns the version now in use, None for the shipped model."""
    with transaction.atomic():
        current = ClassifierVersion.objects.select_for_update().filter(state=ModelState.ACTIVE).first()
        if current is None:
            raise ValueError("The shipped model is in use: there is nothing to roll back.")
        previous = current.replaced
        if previous is not None and local.load_version(previous.pk) is None:
            raise VersionUnusable(f"The stored model of {previous.version} cannot be loaded; nothing was changed.")
        current.state = ModelState.RETIRED
        current.save(update_fields=["state"])
        if previous is not None:
            _make_active(previous, actor=actor, rollback=True)
        else:  # the shipped model: this process follows at once (_make_active does so for a version)
            transaction.on_commit(lambda: local.set_model(None))
    logger.info("classifier rolled back from %s to %s", current.version, previous.version if previous else "shipped")
    return previous


def _make_active(version: ClassifierVersion, *, actor, rollback: bool = False) -> None:
    """Inside a transaction: retire the version in use, then put ``version`` in its place (the one-active
    constraint holds at every statement). A promotion remembers what it replaced; a rollback keeps the record of
    what the version it returns to had replaced, so rolling back again goes further back."""
    current = ClassifierVersion.objects.filter(state=ModelState.ACTIVE).exclude(pk=version.pk).first()
    if current is not None:
        current.state = ModelState.RETIRED
        current.save(update_fields=["state"])
    version.state = ModelState.ACTIVE
    version.promoted_at = timezone.now()
    version.promoted_by = actor
    fields = ["state", "promoted_at", "promoted_by"]
    if not rollback:
        version.replaced = current
        fields.append("replaced")
    version.save(update_fields=fields)
    transaction.on_commit(lambda: local.set_model(None))  # this process follows at once; the others within the time
