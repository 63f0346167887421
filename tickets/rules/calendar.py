"""Working time: when a promise of "4 business hours" falls due, by a calendar of weekly working windows in a time
zone, less holidays. Pure: the calendar is built by ``selectors.sla_targets`` from the database.

Every instant is handled in UTC; a day's windows are placed on the wall clock of the calendar's zone and then
converted, so a window keeps its local hours across daylight-saving changes (a 09:00-18:00 day is 9 hours, the
day of the change included). A window may end at 24:00 (1440 minutes); a time in a spring-forward gap is read
as the instant after the gap (zoneinfo's rule), so no working time is ever counted twice or skipped.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
# A calendar must give some working time in this many days, else a due time is never reached.
SEARCH_DAYS = 3 * 366
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """What is wrong with a calendar, in words for the manager who wrote it."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working windows per weekday (Monday first), as (start, end) minutes of the local day, and the holidays."""

    zone: ZoneInfo
    windows: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date] = frozenset()

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working windows as UTC instants; none on a holiday."""
        if day in self.holidays:
            return []
        return [(_at(day, start, self.zone), _at(day, end, self.zone)) for start, end in self.windows[day.weekday()]]


def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """``minute`` minutes into ``day`` on the zone's wall clock, as a UTC instant (24:00 is the next midnight)."""
    if minute >= DAY_MINUTES:
        day, minute = day + timedelta(days=1), minute - DAY_MINUTES
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def add_working_time(start: datetime, amount: timedelta, calendar: WorkingCalendar | None) -> datetime:
    """The instant ``amount`` of working time after ``start``; without a calendar (24/7), plain ``start + amount``.
    Started outside working hours, the clock starts at the next window."""
    if calendar is None:
        return start + amount
    start = start.astimezone(UTC)
    remaining = amount
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)  # a window past midnight may hold ``start``
    for _ in range(SEARCH_DAYS):
        for opens, closes in calendar.spans(day):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += timedelta(days=1)
    raise CalendarError(f"The calendar has no working time in {SEARCH_DAYS} days after {start:%Y-%m-%d}.")


def working_time_between(start: datetime, end: datetime, calendar: WorkingCalendar | None) -> timedelta:
    """Working time from ``start`` to ``end`` (zero when ``end`` is not later)."""
    if end <= start:
        return timedelta(0)
    if calendar is None:
        return end - start
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)
    last = end.astimezone(calendar.zone).date()
    while day <= last:
        for opens, closes in calendar.spans(day):
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """A weekday's hours as managers write them, "09:00-12:00, 13:00-18:00" (empty: closed), as sorted minute
    pairs; a CalendarError says what is wrong."""
    windows = []
    for part in (p for p in (text or "").split(",") if p.strip()):
        match = _WINDOW.match(part)
        if not match:
            raise CalendarError(f"\u201c{part.strip()[:40]}\u201d: write hours as 09:00-18:00.")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > DAY_MINUTES or (h2 == 24 and m2):
            raise CalendarError(f"\u201c{part.strip()}\u201d is not a time of day (00:00 to 24:00).")
        if end <= start:
            raise CalendarError(f"\u201c{part.strip()}\u201d ends before it starts.")
        windows.append((start, end))
    windows.sort()
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        if start < end:
            raise CalendarError(f"The windows in \u201c{text.strip()}\u201d overlap.")
    return tuple(windows)


def parse_dates(text: str) -> frozenset[date]:
    """Holidays as managers list them, one per line, "2026-12-25 Christmas" (the words after the date are a note)."""
    days = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        word = line.split(maxsplit=1)[0] if line.strip() else ""
        if not word or word.startswith("#"):
            continue
        try:
            days.add(date.fromisoformat(word))
        except ValueError as error:
            raise CalendarError(f"Line {number}: \u201c{word[:20]}\u201d is not a date (write 2026-12-25).") from error
    return frozenset(days)


ICAL_MAX_BYTES = 1_048_576
ICAL_MAX_DAYS = 1000


def ical_days(raw: bytes) -> list[tuple[date, str]]:
    """The days an iCalendar file's events cover, with each event's summary: a holiday calendar exported from
    Outlook or Google, or a country's published one. All-day events cover their dates (the end is exclusive);
    a timed event covers the day it starts. A CalendarError says what is wrong with the file."""
    if len(raw) > ICAL_MAX_BYTES:
        raise CalendarError(f"The file is over {ICAL_MAX_BYTES // 1_048_576} MB; a holiday calendar is far smaller.")
    try:
        parsed = icalendar.Calendar.from_ical(raw)
    except ValueError as error:
        raise CalendarError("This is not an iCalendar (.ics) file.") from error
    days = []
    for event in parsed.walk("VEVENT"):
        start = event.get("DTSTART")
        if start is None:
            continue
        first = start.dt.date() if isinstance(start.dt, datetime) else start.dt
        end = event.get("DTEND")
        last = end.dt if end is not None and not isinstance(end.dt, datetime) else first + timedelta(days=1)
        summary = " ".join(str(event.get("SUMMARY", "")).split())[:60]
        day = first
        while day < max(last, first + timedelta(days=1)):
            days.append((day, summary))
            if len(days) > ICAL_MAX_DAYS:
                raise CalendarError(f"The file covers more than {ICAL_MAX_DAYS} days; import a year or two at a time.")
            day += timedelta(days=1)
    if not days:
        raise CalendarError("The file holds no events.")
    return sorted(set(days))
