"""The SLA policies in force, with their calendars' working hours, and the routing rules: the help desk's settings,
read for every new ticket, so each process keeps them for ``SETTINGS_CACHE_S`` seconds (``remembered``).

A change made by this process (the admin's save) is seen at once: saving or deleting any of these models forgets
what was kept; other processes see it within ``SETTINGS_CACHE_S`` seconds."""

import functools
import logging
import threading
import time
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from tickets.models import BusinessCalendar, RoutingRule, SLAPolicy, Team
from tickets.rules.calendar import WEEKDAYS, CalendarError, WorkingCalendar, parse_dates, parse_hours
from tickets.rules.sla import Targets, targets_from

logger = logging.getLogger(__name__)


SETTINGS_MODELS = (BusinessCalendar, RoutingRule, SLAPolicy, Team)
_kept: dict[tuple, tuple[float, object]] = {}
_kept_lock = threading.Lock()


def remembered(key: tuple, make):
    """``make()``, kept in this process for ``settings.SETTINGS_CACHE_S`` seconds (0: read every time). The value
    is shared by every caller: they read it, never change it."""
    ttl = settings.SETTINGS_CACHE_S
    if ttl <= 0:
        return make()
    now = time.monotonic()
    with _kept_lock:
        hit = _kept.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = make()
    with _kept_lock:
        _kept[key] = (now, value)
    return value


def forget_settings(**kwargs) -> None:
    """A signal receiver: one of ``SETTINGS_MODELS`` was saved or deleted."""
    with _kept_lock:
        _kept.clear()


def sla_targets(team_id: int | None = None) -> Targets:
    """{priority: Target}: the policies managers set (one small query), and the defaults for any priority without
    one. A team with its own calendar (one more query) has every target counted in its working hours. Kept for
    ``SETTINGS_CACHE_S`` seconds (see the module)."""
    return remembered(("sla_targets", team_id), lambda: _sla_targets(team_id))


def _sla_targets(team_id: int | None) -> Targets:
    policies = SLAPolicy.objects.select_related("calendar")
    targets = targets_from(
        {p.priority: (p.first_response_minutes, p.resolution_minutes, working_calendar(p.calendar)) for p in policies}
    )
    team = Team.objects.filter(pk=team_id).select_related("calendar").first() if team_id else None
    if team is None or team.calendar is None:
        return targets
    hours = working_calendar(team.calendar)
    return {priority: target._replace(calendar=hours) for priority, target in targets.items()}


def answer_promises() -> dict[str, dict]:
    """What the submission form tells a customer: per priority, the minutes to our first reply and whether they
    are working minutes (a calendar) or around the clock."""
    return {
        priority: {"minutes": int(target.first.total_seconds() // 60), "working_hours": target.calendar is not None}
        for priority, target in sla_targets().items()
    }


def working_calendar(calendar: BusinessCalendar | None) -> WorkingCalendar | None:
    """The rules' calendar for a stored one; None (around the clock) for none, or for one that no longer reads
    (the admin form refuses such; a row written another way is logged, never a failed ticket)."""
    if calendar is None:
        return None
    try:
        return calendar_rules(calendar)
    except (CalendarError, LookupError, ValueError) as error:
        logger.error("Calendar %r cannot be read (%s): its SLA counts around the clock", calendar.name, error)
        return None


def calendar_rules(calendar: BusinessCalendar) -> WorkingCalendar:
    """A stored calendar as the rules read it; CalendarError (or LookupError for an unknown zone) if it cannot."""
    windows = tuple(parse_hours(getattr(calendar, day)) for day in WEEKDAYS)
    if not any(windows):
        raise CalendarError("A calendar needs working hours on at least one day.")
    year = timezone.now().year
    days = parse_dates(calendar.holidays) | public_holidays(
        calendar.holiday_country, calendar.holiday_subdivision, year - 1, year + 2
    )
    return WorkingCalendar(zone=ZoneInfo(calendar.time_zone), windows=windows, holidays=days)


@functools.lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str, first_year: int, last_year: int) -> frozenset:
    """A country's (and region's) public holidays over the years (the ``holidays`` package; computed once per
    process for each)."""
    if not country:
        return frozenset()
    try:
        days = holidays.country_holidays(
            country.upper(), subdiv=subdivision.upper() or None, years=range(first_year, last_year + 1)
        )
    except NotImplementedError as error:
        raise CalendarError(f"No public holidays are known for \u201c{country}\u201d.") from error
    return frozenset(days)


def routing_rules() -> tuple:
    """The active routing rules in order, with their teams (one small query, kept for ``SETTINGS_CACHE_S``)."""
    return remembered(
        ("routing_rules",),
        lambda: tuple(RoutingRule.objects.filter(active=True).select_related("team").order_by("position", "pk")),
    )
