"""Teams: routing rules choose a new ticket's team, in order, from every door; a team hands its tickets to free
agents (round robin or fewest open), never past the limit or to an agent who is away, even under concurrent
creations; tickets nobody could take wait and go out when someone comes back or frees up."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import services
from tickets.models import BusinessCalendar, RoutingRule, Status, Team, Ticket, TicketEvent
from tickets.tests.concurrency import run_together


def new(title="Printer jams", description="It jams on page two.", **kwargs) -> Ticket:
    return services.ticket_create(
        title=title, description=description, category=kwargs.pop("category", "technical"),
        priority=kwargs.pop("priority", "medium"), classify_ticket=False, **kwargs,
    )  # fmt: skip


@pytest.fixture
def billing(make_staff):
    team = Team.objects.create(name="Billing")
    RoutingRule.objects.create(position=1, name="Invoices", team=team, title_word="invoice")
    return team


@pytest.mark.django_db
class TestRouting:
    def test_the_first_matching_rule_in_order_chooses_the_team_and_the_history_says_which(self, billing):
        it = Team.objects.create(name="IT")
        RoutingRule.objects.create(position=5, name="Technical", team=it, category="technical")
        RoutingRule.objects.create(position=9, name="Never", team=it, priority="low", active=False)
        ticket = new(title="Invoice 4411 is wrong")  # both match: position 1 wins
        assert ticket.team == billing
        event = ticket.events.get(field=TicketEvent.Field.TEAM)
        assert event.new_value == "Billing (rule \u201cInvoices\u201d)"
        assert new(title="Printer jams").team == it
        assert new(title="Invoices", category="general", priority="low").team is None  # no whole word "invoice"

    def test_every_condition_of_a_rule_must_hold(self, billing):
        vip = Team.objects.create(name="VIP")
        RoutingRule.objects.create(position=0, name="Urgent billing", team=vip, category="billing", priority="critical")
        assert new(title="Refund", category="billing", priority="critical").team == vip
        assert new(title="Refund", category="billing", priority="high").team is None

    def test_email_to_an_address_routes_by_it(self, billing):
        RoutingRule.objects.create(
            position=0, name="HR mail", team=Team.objects.create(name="HR"), inbound_address="hr@example.com"
        )
        raw = b"From: ann@example.org\r\nTo: HR@example.com\r\nSubject: Payslip\r\n\r\nWhere is my payslip?"
        inbound = services.mail_receive(raw=raw, transport="pipe")
        assert inbound.ticket.team.name == "HR"

    def test_api_submission_and_staff_move_and_filter(self, billing, agent):
        api = APIClient()
        created = api.post("/api/tickets/", {"title": "Invoice missing", "description": "No invoice this month."})
        ticket = Ticket.objects.get(pk=created.json()["id"])
        assert ticket.team == billing
        billing.members.add(agent)
        api.force_authenticate(agent)
        assert api.get(f"/api/tickets/{ticket.pk}/").json()["team"] == {"id": billing.pk, "name": "Billing"}
        other = new(title="Printer")
        assert [t["id"] for t in api.get("/api/tickets/", {"team": "mine"}).json()["results"]] == [ticket.pk]
        assert [t["id"] for t in api.get("/api/tickets/", {"team": "none"}).json()["results"]] == [other.pk]
        assert api.get("/api/tickets/", {"team": "billing"}).status_code == 400
        assert api.patch(f"/api/tickets/{other.pk}/", {"team": 999999}, format="json").status_code == 400
        response = api.patch(f"/api/tickets/{other.pk}/", {"team": billing.pk}, format="json")
        assert response.status_code == 200 and response.json()["team"]["name"] == "Billing"
        assert api.get("/api/tickets/", {"team": str(billing.pk)}).json()["count"] == 2


@pytest.mark.django_db
class TestAssignment:
    def test_round_robin_takes_each_free_agent_in_turn(self, billing, make_staff):
        ana, bob, cy = (make_staff(n, "Support agent") for n in ("ana", "bob", "cy"))
        billing.members.add(ana, bob, cy)
        billing.assignment = Team.Assignment.ROUND_ROBIN
        billing.save()
        owners = [new(title=f"Invoice {n}").assignee.username for n in range(4)]
        assert owners == ["ana", "bob", "cy", "ana"]
        assert TicketEvent.objects.filter(field="assignee", new_value="ana (round robin)").count() == 2

    def test_fewest_open_skips_the_away_the_inactive_and_the_full(self, billing, make_staff):
        ana, bob, cy, dee = (make_staff(n, "Support agent") for n in ("ana", "bob", "cy", "dee"))
        billing.members.add(ana, bob, cy, dee)
        billing.assignment, billing.max_open_per_agent = Team.Assignment.FEWEST_OPEN, 2
        billing.save()
        services.agent_set_away(user=cy, away=True)
        dee.is_active = False
        dee.save()
        new(title="Printer", assignee=ana)  # ana has one already (not a billing ticket: counted all the same)
        made = [new(title=f"Invoice {n}") for n in range(4)]
        owners = [t.assignee.username if t.assignee else None for t in made]
        assert owners == ["bob", "ana", "bob", None]  # then all are full
        waiting = made[3]

        # cy comes back: the waiting ticket goes to her at once.
        services.agent_set_away(user=cy, away=False)
        waiting.refresh_from_db()
        assert waiting.assignee == cy
        # ana resolves one: the next waiting ticket of the team goes out.
        late = new(title="Invoice late")
        assert late.assignee == cy  # cy has one, the others two
        queued = new(title="Invoice queued")
        assert queued.assignee is None
        services.ticket_update(ticket=made[1], data={"status": Status.RESOLVED}, actor=ana)
        queued.refresh_from_db()
        assert queued.assignee == ana

    def test_fewest_open_counts_only_so_far_and_busy_agents_take_turns(self, billing, make_staff, monkeypatch):
        from tickets.services import teams

        monkeypatch.setattr(teams, "OPEN_COUNT_CAP", 2)  # past two open tickets, agents count as equally busy
        ana, bob, cy = (make_staff(n, "Support agent") for n in ("ana", "bob", "cy"))
        billing.members.add(ana, bob, cy)
        billing.assignment = Team.Assignment.FEWEST_OPEN
        billing.save()
        for agent, backlog in ((ana, 5), (bob, 3), (cy, 1)):
            for n in range(backlog):
                new(title=f"Old {n}", assignee=agent)
        owners = [new(title=f"Invoice {n}").assignee.username for n in range(5)]
        assert owners == ["cy", "ana", "bob", "cy", "ana"]  # cy reaches two, then all three take turns

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.parametrize(("assignment", "limit", "locks"), [
        ("fewest_open", None, False), ("fewest_open", 5, True), ("round_robin", None, True),
    ])  # fmt: skip
    def test_only_a_promise_to_keep_locks_the_team_while_a_ticket_is_created(
        self, make_staff, assignment, limit, locks
    ):
        """Round robin's turn and a maximum per agent hold under concurrency only if creations for the team queue;
        "fewest open" without a maximum promises neither, so its creations do not wait for one another."""
        from django.db import DatabaseError, connections, transaction

        team = Team.objects.create(name="Billing", assignment=assignment, max_open_per_agent=limit)
        RoutingRule.objects.create(position=1, name="Invoices", team=team, title_word="invoice")
        team.members.add(make_staff("ana", "Support agent"))
        seen = []

        def other_connection_locks_team(_):
            try:
                with transaction.atomic(), connections["default"].cursor() as cursor:
                    cursor.execute("SELECT id FROM tickets_team WHERE id = %s FOR UPDATE NOWAIT", [team.pk])
                seen.append("free")
            except DatabaseError:
                seen.append("locked")

        with transaction.atomic():
            assert new(title="Invoice 1").assignee.username == "ana"
            run_together(other_connection_locks_team, 1)  # while this creation's transaction is still open
        assert seen == ["locked" if locks else "free"]

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_creations_never_push_an_agent_past_the_limit(self, make_staff):
        team = Team.objects.create(name="Billing", assignment=Team.Assignment.ROUND_ROBIN, max_open_per_agent=2)
        RoutingRule.objects.create(position=1, name="Invoices", team=team, title_word="invoice")
        team.members.add(*(make_staff(n, "Support agent") for n in ("ana", "bob")))
        run_together(lambda n: new(title=f"Invoice {n}"), 8)
        owners = Ticket.objects.filter(team=team).values_list("assignee__username", flat=True)
        loads = sorted(owners, key=lambda name: (name is None, name or ""))
        assert loads == ["ana", "ana", "bob", "bob", None, None, None, None]


@pytest.mark.django_db
def test_a_team_calendar_counts_its_tickets_in_its_working_hours(billing, time_machine):
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    billing.calendar = BusinessCalendar.objects.create(
        name="Paris", time_zone="Europe/Paris", **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00")
    )
    billing.save()
    time_machine.move_to(datetime(2026, 11, 27, 17, 50, tzinfo=paris), tick=False)  # a Friday evening
    ticket = new(title="Invoice wrong", priority="critical")  # 1 hour to the first reply
    local = ticket.first_response_due_at.astimezone(paris)
    assert (local.date(), local.hour, local.minute) == (date(2026, 11, 30), 9, 50)


@pytest.mark.django_db
def test_teams_in_the_admin(client, manager, agent, billing):
    billing.members.add(agent)
    billing.assignment = Team.Assignment.ROUND_ROBIN
    billing.save()
    client.force_login(agent)
    assert client.post(reverse("admin:tickets_ticket_away"), {"away": "1"}).status_code == 302
    assert new(title="Invoice A").assignee is None  # away
    page = client.get(reverse("admin:tickets_ticket_changelist"), {"team": "mine"}).content.decode()
    assert "You are away" in page and "Invoice A" in page
    response = client.post(reverse("admin:tickets_ticket_away"), {"away": "0"}, follow=True)
    assert "1 waiting ticket(s) of your teams were assigned" in response.content.decode()
    client.force_login(manager)
    export = b"".join(client.get(reverse("admin:tickets_ticket_export")).streaming_content).decode("utf-8-sig")
    assert export.splitlines()[0].endswith(",tags,team,satisfaction") and ",Billing" in export
    assert client.get(reverse("admin:tickets_routingrule_changelist")).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_gives_each_teams_open_breached_and_first_reply(client, manager, agent, billing, time_machine):
    from datetime import UTC, timedelta

    from tickets.models import MessageKind

    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    answered, late, _ = (new(title=f"Invoice {n}", priority="critical") for n in range(3))
    Team.objects.create(name="HR")  # no tickets: zeros
    new(title="Printer")  # no team: not counted
    time_machine.move_to(start + timedelta(minutes=30), tick=False)
    services.message_add(ticket=answered, kind=MessageKind.REPLY, body="On it.", author=agent)
    time_machine.move_to(start + timedelta(hours=2), tick=False)  # the other two are past their first-reply due
    client.force_login(manager)
    page = client.get(reverse("dashboards:stats")).content.decode()
    row = page[page.index('data-team="Billing"') :].split("</tr>")[0]
    assert '"team_open">3<' in row and '"team_breached">2<' in row and "0.5 h" in row
    hr = page[page.index('data-team="HR"') :].split("</tr>")[0]
    assert '"team_open">0<' in hr and '"team_breached">0<' in hr


@pytest.mark.django_db
def test_each_process_keeps_the_rules_and_policies_a_few_seconds_but_sees_its_own_changes_at_once(
    settings, billing, monkeypatch
):
    """Production keeps the settings read for every new ticket (SETTINGS_CACHE_S): a rule saved here routes the next
    ticket at once; a change written by another process (raw SQL here) is seen once the seconds have passed."""
    from tickets.selectors import sla as kept

    settings.SETTINGS_CACHE_S = 5
    clock = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: clock[0])
    kept.forget_settings()
    assert services.ticket_create(title="Invoice missing", description="x").team == billing
    it = Team.objects.create(name="IT")
    RoutingRule.objects.create(position=0, name="Printers", team=it, title_word="printer")  # this process: at once
    assert services.ticket_create(title="Printer jam", description="x").team == it
    with connection.cursor() as cursor:  # another process moves the rule to billing
        cursor.execute("UPDATE tickets_routingrule SET team_id = %s WHERE name = 'Printers'", [billing.pk])
    assert services.ticket_create(title="Printer jam again", description="x").team == it
    clock[0] += 5.1
    assert services.ticket_create(title="Printer jam once more", description="x").team == billing
