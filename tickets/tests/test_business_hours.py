"""Business hours: an SLA promise counts the working time of a calendar (weekly windows in a time zone, less
holidays), across weekends, daylight-saving changes and holidays; managers set calendars in the admin and import
days off from an iCalendar file."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tickets import services
from tickets.models import BusinessCalendar, SLAPolicy, Ticket
from tickets.rules.calendar import (
    CalendarError,
    WorkingCalendar,
    add_working_time,
    ical_days,
    parse_dates,
    parse_hours,
    working_time_between,
)

PARIS = ZoneInfo("Europe/Paris")
NINE_TO_SIX = parse_hours("09:00-18:00")
OFFICE = WorkingCalendar(zone=PARIS, windows=(NINE_TO_SIX,) * 5 + ((), ()))


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def local(instant: datetime, zone=PARIS) -> tuple:
    moment = instant.astimezone(zone)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def test_friday_evening_plus_one_business_hour_is_monday_morning():
    due = add_working_time(paris(2026, 11, 27, 17, 50), timedelta(hours=1), OFFICE)  # a Friday
    assert local(due) == (2026, 11, 30, 9, 50)
    assert working_time_between(paris(2026, 11, 27, 17, 50), due, OFFICE) == timedelta(hours=1)


def test_outside_hours_the_clock_starts_at_the_next_window():
    assert local(add_working_time(paris(2026, 11, 28, 23, 0), timedelta(minutes=30), OFFICE)) == (2026, 11, 30, 9, 30)
    assert local(add_working_time(paris(2026, 11, 30, 6, 0), timedelta(hours=9), OFFICE)) == (2026, 11, 30, 18, 0)


def test_several_windows_a_day_skip_the_lunch_break():
    split = WorkingCalendar(zone=PARIS, windows=(parse_hours("13:00-18:00, 09:00-12:00"),) * 7)
    assert local(add_working_time(paris(2026, 12, 1, 11, 30), timedelta(hours=1), split)) == (2026, 12, 1, 13, 30)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Spring forward (Sunday 29 March 2026, 02:00 -> 03:00): a Friday's last hour, then Monday in summer time.
        (paris(2026, 3, 27, 17, 0), 2, (2026, 3, 30, 10, 0)),
        # Fall back (Sunday 25 October 2026): the same, the other way.
        (paris(2026, 10, 23, 17, 0), 2, (2026, 10, 26, 10, 0)),
    ],
)
def test_a_working_day_keeps_its_local_hours_across_daylight_saving(start, hours, expected):
    assert local(add_working_time(start, timedelta(hours=hours), OFFICE)) == expected


def test_around_the_clock_counts_real_hours_over_a_short_night():
    always = WorkingCalendar(zone=PARIS, windows=(parse_hours("00:00-24:00"),) * 7)
    # Saturday noon + 24 hours of working time, over the night that loses an hour: Sunday 13:00 local.
    due = add_working_time(paris(2026, 3, 28, 12, 0), timedelta(hours=24), always)
    assert local(due) == (2026, 3, 29, 13, 0)
    assert due - paris(2026, 3, 28, 12, 0).astimezone(UTC) == timedelta(hours=24)


def test_holidays_on_both_sides_of_a_weekend():
    easter = WorkingCalendar(
        zone=PARIS, windows=OFFICE.windows, holidays=frozenset({date(2026, 4, 3), date(2026, 4, 6)})
    )
    # Thursday before Good Friday, half an hour before closing, plus an hour: Tuesday after Easter Monday.
    assert local(add_working_time(paris(2026, 4, 2, 17, 30), timedelta(hours=1), easter)) == (2026, 4, 7, 9, 30)


def test_without_a_calendar_time_is_plain_time():
    start = datetime(2026, 11, 27, 17, 50, tzinfo=UTC)
    assert add_working_time(start, timedelta(hours=1), None) == start + timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "says"),
    [("9-18", "write hours as 09:00-18:00"), ("18:00-09:00", "ends before it starts"), ("25:00-26:00", "not a time"),
     ("09:00-13:00, 12:00-18:00", "overlap")],
)  # fmt: skip
def test_hours_that_cannot_be_read_say_why(text, says):
    with pytest.raises(CalendarError, match=says):
        parse_hours(text)


def test_days_off_are_listed_one_per_line_with_a_note():
    assert parse_dates("2026-12-24 Christmas Eve\n\n# office party\n2026-12-31") == {
        date(2026, 12, 24),
        date(2026, 12, 31),
    }
    with pytest.raises(CalendarError, match="Line 2"):
        parse_dates("2026-12-24\n24/12/2026")


def ics(*events) -> bytes:
    calendar = icalendar.Calendar()
    for summary, start, end in events:
        event = icalendar.Event()
        event.add("summary", summary)
        event.add("dtstart", start)
        if end:
            event.add("dtend", end)
        calendar.add_component(event)
    return calendar.to_ical()


def test_an_icalendar_file_gives_its_days():
    raw = ics(
        ("Christmas break", date(2026, 12, 24), date(2026, 12, 27)),  # all-day, end exclusive
        ("Team day", datetime(2026, 11, 20, 9, 0, tzinfo=UTC), None),
    )
    assert ical_days(raw) == [
        (date(2026, 11, 20), "Team day"),
        (date(2026, 12, 24), "Christmas break"),
        (date(2026, 12, 25), "Christmas break"),
        (date(2026, 12, 26), "Christmas break"),
    ]
    for bad in (b"not a calendar", ics()):
        with pytest.raises(CalendarError):
            ical_days(bad)


@pytest.mark.django_db
def test_a_policy_in_business_hours_sets_the_due_times_on_creation_and_in_bulk():
    calendar = BusinessCalendar.objects.create(
        name="Paris office", time_zone="Europe/Paris", mon="09:00-18:00", tue="09:00-18:00", wed="09:00-18:00",
        thu="09:00-18:00", fri="09:00-18:00", holiday_country="FR",
    )  # fmt: skip
    SLAPolicy.objects.update_or_create(
        priority="critical", defaults={"first_response_minutes": 60, "resolution_minutes": 240, "calendar": calendar}
    )
    friday_evening = paris(2026, 11, 27, 17, 50)
    ticket = services.ticket_create(
        title="Site down", description="Everything is down.", priority="critical", category="technical",
        classify_ticket=False,
    )  # fmt: skip
    staged = {"created_at": friday_evening, "resolution_clock_at": None, "first_response_due_at": None}
    Ticket.objects.filter(pk=ticket.pk).update(**staged)
    services.sla_backfill(connection)
    ticket.refresh_from_db()
    assert local(ticket.first_response_due_at) == (2026, 11, 30, 9, 50)
    assert local(ticket.resolution_due_at) == (2026, 11, 30, 12, 50)
    # "Due soon" once a fifth of the working hour is left: Monday 09:38, not Friday 18:38.
    assert local(ticket.sla_warn_at) == (2026, 11, 30, 9, 38)
    # Christmas is a French public holiday: a Thursday-evening ticket waits until Monday 28 December.
    christmas_eve = services.ticket_create(
        title="Down again", description="Down.", priority="critical", category="technical", classify_ticket=False
    )
    Ticket.objects.filter(pk=christmas_eve.pk).update(created_at=paris(2026, 12, 24, 17, 30), resolution_clock_at=None)
    christmas_eve.refresh_from_db()
    services.sla_refresh(christmas_eve)
    assert local(christmas_eve.first_response_due_at) == (2026, 12, 28, 9, 30)


@pytest.mark.django_db
def test_managers_write_calendars_with_plain_errors_and_import_days_off(client, manager):
    client.force_login(manager)
    url = reverse("admin:tickets_businesscalendar_add")
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00")
    bad = {"name": "Bad", "time_zone": "Mars/Olympus", **week, "tue": "9 to 6", "holiday_country": "XX"}
    page = client.post(url, bad).content.decode()
    assert "is not a time zone" in page and "write hours as 09:00-18:00" in page
    assert not BusinessCalendar.objects.exists()
    upload = SimpleUploadedFile("holidays.ics", ics(("Company day", date(2027, 5, 14), None)), "text/calendar")
    good = {
        "name": "Berlin",
        "time_zone": "Europe/Berlin",
        **week,
        "holiday_country": "DE",
        "holidays": "",
        "ical": upload,
    }
    response = client.post(url, good)
    assert response.status_code == 302
    assert BusinessCalendar.objects.get().holidays == "2027-05-14 Company day"
    assert client.get(reverse("admin:tickets_businesscalendar_changelist")).status_code == 200


@pytest.mark.django_db
def test_waiting_on_the_customer_pauses_the_clock_and_their_answer_resumes_it(agent, time_machine):
    from tickets.models import MessageKind, TicketEvent
    from tickets.rules.sla import sla_filter, sla_state

    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)
    ticket = services.ticket_create(
        title="Export fails", description="The export fails.", priority="high", category="technical",
        classify_ticket=False,
    )  # fmt: skip
    resolution_due = ticket.resolution_due_at  # 24 h after creation, around the clock
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Which browser do you use?", author=agent)
    ticket = services.ticket_update(ticket=ticket, data={"waiting": True}, actor=agent)
    assert ticket.sla_due_at is None and sla_state(ticket, ticket.waiting_since) == "paused"

    # Two days later the deadline would have passed; waiting, the ticket is not breached but paused.
    time_machine.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False)
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert Ticket.objects.filter(sla_filter("paused", now)).get() == ticket
    assert not Ticket.objects.filter(sla_filter("breached", now)).exists()
    assert not Ticket.objects.filter(sla_filter("met", now)).exists()

    # The customer answers: the wait ends and the resolution is due 48 h later than first promised.
    services.message_add(ticket=ticket, kind=MessageKind.CUSTOMER, body="Firefox 130.")
    ticket.refresh_from_db()
    assert ticket.waiting_since is None and ticket.sla_paused == timedelta(hours=48)
    assert ticket.resolution_due_at == resolution_due + timedelta(hours=48)
    assert sla_state(ticket, now) == "ok"
    moves = list(ticket.events.filter(field=TicketEvent.Field.SLA).values_list("new_value", flat=True))
    assert moves[0].startswith("paused (waiting on the customer)")
    assert moves[1].endswith("(the customer answered)") and "2026-12-04" in moves[1]

    # Resolving while waiting ends the wait too; reopening starts a fresh clock without the old waits.
    services.ticket_update(ticket=ticket, data={"waiting": True}, actor=agent)
    ticket = services.ticket_update(ticket=ticket, data={"status": "resolved"}, actor=agent)
    assert ticket.waiting_since is None and ticket.sla_due_at is None
    ticket = services.ticket_update(ticket=ticket, data={"status": "open"}, actor=agent)
    assert ticket.sla_paused == timedelta(0) and ticket.resolution_due_at == now + timedelta(hours=24)


@pytest.mark.django_db
def test_a_reply_that_asks_a_question_pauses_the_sla_from_the_ticket_page(client, agent):
    ticket = services.ticket_create(title="Printer", description="It jams.", classify_ticket=False)
    client.force_login(agent)
    url = reverse("admin:tickets_ticket_add_message", args=[ticket.pk])
    response = client.post(url, {"kind": "reply", "body": "Which model?", "set_status": "waiting"}, follow=True)
    assert "waits on the customer: its SLA is paused" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.waiting_since is not None
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "Waiting on the customer since" in page
    api = client.get(f"/api/tickets/{ticket.pk}/")
    assert api.json()["sla_state"] == "paused" and api.json()["waiting_since"]


def test_a_calendar_with_no_working_time_ahead_falls_back_to_plain_time():
    from types import SimpleNamespace

    from tickets.rules.sla import Target, sla_apply

    mondays = frozenset(date(2026, 11, 30) + timedelta(weeks=n) for n in range(-2, 60 * 4))
    closed = WorkingCalendar(zone=PARIS, windows=(NINE_TO_SIX,) + ((),) * 6, holidays=mondays)
    with pytest.raises(CalendarError):
        add_working_time(paris(2026, 12, 1, 10, 0), timedelta(hours=1), closed)
    created = paris(2026, 12, 1, 10, 0)
    ticket = SimpleNamespace(
        priority="high", created_at=created, resolution_clock_at=None, first_response_at=None, resolved_at=None,
        status="open", waiting_since=None, sla_paused=timedelta(0),
    )  # fmt: skip
    sla_apply(ticket, {"high": Target(timedelta(hours=1), timedelta(hours=8), closed)})
    assert ticket.first_response_due_at == created + timedelta(hours=1)
