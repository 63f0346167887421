"""Private teams: an agent outside one never meets its tickets, on any list, count, search, figure or panel; its
members and managers work them as any other. (The pages and endpoints that name one ticket are in the permission
table, project/tests/test_permissions.py: a 404 there.)"""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import selectors, services
from tickets.models import SavedView, Team, Ticket
from tickets.roles import AGENT, MANAGER

pytestmark = pytest.mark.django_db

SECRET = "Payroll error for Dana"


def new(title: str, **kwargs) -> Ticket:
    return services.ticket_create(
        title=title, description=kwargs.pop("description", "Please look."),
        category=kwargs.pop("category", "billing"), priority="high",
        classify_ticket=False, **kwargs,
    )  # fmt: skip


@pytest.fixture
def hr(make_staff):
    """A private team "HR" with one member, one ticket of its own and two public tickets beside it."""
    team = Team.objects.create(name="HR", private=True)
    member = make_staff("hana", AGENT)
    team.members.add(member)
    secret = services.ticket_update(ticket=new(SECRET, submitter_email="dana@example.com"), data={"team": team})
    public = [new("Payroll error for Ben", submitter_email="dana@example.com")]
    public.append(new("Printer jams", category="technical"))
    return {"team": team, "member": member, "secret": secret, "public": public}


@pytest.fixture
def outsider(make_staff):
    return make_staff("otto", AGENT)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def listed_ids(user, query: str = "") -> tuple[set[int], int, bool]:
    body = api(user).get(f"/api/tickets/?{query}").json()
    return {t["id"] for t in body["results"]}, body["count"], body["count_exact"]


def with_permissions(make_staff, name: str, *codenames: str):
    """An agent given extra rights (a data-team exporter, a team lead reading the figures) but no private team."""
    user = make_staff(name, AGENT)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # permissions are cached per instance


def test_the_api_list_and_its_counts_leave_another_teams_tickets_out(hr, outsider, manager):
    secret, public = hr["secret"], {t.pk for t in hr["public"]}
    assert listed_ids(outsider) == (public, 2, True)
    # Label filters are counted from the counters, less the hidden team's tickets: still exact.
    assert listed_ids(outsider, "category=billing&status=open") == ({hr["public"][0].pk}, 1, True)
    assert listed_ids(outsider, "search=payroll") == ({hr["public"][0].pk}, 1, True)
    assert listed_ids(outsider, f"team={hr['team'].pk}") == (set(), 0, True)  # not a 400 that says the team is there
    for user in (hr["member"], manager):
        assert listed_ids(user) == (public | {secret.pk}, 3, True)
        assert listed_ids(user, "category=billing&status=open")[1] == 2
        assert secret.pk in listed_ids(user, "search=payroll")[0]


def test_stats_and_the_dashboard_count_only_what_the_reader_may_see(client, hr, make_staff, manager):
    lead = with_permissions(make_staff, "lead", "view_dashboard")
    stats = api(lead).get("/api/tickets/stats/").json()
    assert stats["total_tickets"] == 2 and stats["open_tickets"] == 2 and stats["category_breakdown"]["billing"] == 1
    everything = api(manager).get("/api/tickets/stats/").json()
    assert everything["total_tickets"] == 3 and everything["category_breakdown"]["billing"] == 2

    client.force_login(lead)
    page = client.get(reverse("dashboards:stats")).content.decode()
    assert 'data-team="HR"' not in page
    client.force_login(manager)
    assert 'data-team="HR"' in client.get(reverse("dashboards:stats")).content.decode()


def test_the_changelist_its_search_filters_and_export_leave_them_out(client, hr, make_staff):
    exporter = with_permissions(make_staff, "exporter", "export_ticket")
    client.force_login(exporter)
    changelist = reverse("admin:tickets_ticket_changelist")
    page = client.get(changelist).content.decode()
    assert "Payroll error for Ben" in page and SECRET not in page
    assert SECRET not in client.get(changelist, {"q": "Dana"}).content.decode()
    assert ">HR<" not in page  # not even a choice of the team filter
    export = client.get(reverse("admin:tickets_ticket_export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert sorted(r["title"] for r in rows) == ["Payroll error for Ben", "Printer jams"]

    client.force_login(hr["member"])
    page = client.get(changelist).content.decode()
    assert SECRET in page and ">HR<" in page


def test_similar_tickets_and_the_submitters_other_tickets_leave_them_out(client, hr, outsider):
    twin = hr["public"][0]  # "Payroll error for Ben": the secret ticket's title is its near twin, and older
    similar = api(outsider).get(f"/api/tickets/{twin.pk}/similar/").json()
    assert hr["secret"].pk not in [t["id"] for t in similar]
    assert hr["secret"].pk in [t["id"] for t in api(hr["member"]).get(f"/api/tickets/{twin.pk}/similar/").json()]

    client.force_login(outsider)
    page = client.get(reverse("admin:tickets_ticket_change", args=[twin.pk])).content.decode()
    assert SECRET not in page  # neither among similar tickets nor among the submitter's other tickets
    client.force_login(hr["member"])
    assert SECRET in client.get(reverse("admin:tickets_ticket_change", args=[twin.pk])).content.decode()


def test_saved_view_badges_count_only_what_each_agent_sees(hr, outsider):
    unassigned = SavedView.objects.create(name="Nobody's", query="assignee=none", shared=True)
    assert selectors.view_counts([unassigned], user=outsider) == {unassigned.pk: "2"}
    assert selectors.view_counts([unassigned], user=hr["member"]) == {unassigned.pk: "3"}  # not the cached "2"


def test_a_private_ticket_is_only_given_to_someone_who_can_see_it(client, hr, outsider, manager):
    secret = hr["secret"]
    response = api(manager).patch(f"/api/tickets/{secret.pk}/", {"assignee": outsider.pk}, format="json")
    assert response.status_code == 400
    assert "otto is not in the private team HR" in response.json()["assignee"][0]
    for owner in (hr["member"], manager):
        assert (
            api(manager).patch(f"/api/tickets/{secret.pk}/", {"assignee": owner.pk}, format="json").status_code == 200
        )

    # Moving an outsider's ticket into the private team is refused too: it would vanish from its owner's lists.
    theirs = services.ticket_update(ticket=hr["public"][1], data={"assignee": outsider})
    response = api(manager).patch(f"/api/tickets/{theirs.pk}/", {"team": hr["team"].pk}, format="json")
    assert response.status_code == 400 and Ticket.objects.get(pk=theirs.pk).team is None

    client.force_login(manager)
    client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "assign_to", "_selected_action": [secret.pk], "assignee": str(outsider.pk)},
    )
    assert Ticket.objects.get(pk=secret.pk).assignee == manager
    messages = [str(m) for m in client.get(reverse("admin:tickets_ticket_changelist")).context["messages"]]
    assert any("Not assigned" in m and "otto is not in the private team HR" in m for m in messages)


def test_an_outsider_cannot_merge_into_a_private_ticket(client, hr, outsider):
    client.force_login(outsider)
    duplicate = hr["public"][0]
    client.post(reverse("admin:tickets_ticket_merge", args=[duplicate.pk]), {"into": str(hr["secret"].pk)})
    assert Ticket.objects.get(pk=duplicate.pk).merged_into is None
    api_answer = api(outsider).post(f"/api/tickets/{duplicate.pk}/merge/", {"into": hr["secret"].pk}, format="json")
    assert api_answer.status_code == 400
    assert api_answer.json() == {"into": [f"No ticket has the id {hr['secret'].pk}."]}  # as for a wrong number


def test_a_manager_sees_every_private_team_without_joining_it(hr, make_staff):
    other = Team.objects.create(name="Legal", private=True)
    boss = make_staff("boss", MANAGER)
    legal = services.ticket_update(ticket=new("Contract review"), data={"team": other})
    assert {hr["secret"].pk, legal.pk} <= listed_ids(boss)[0]
    assert legal.pk not in listed_ids(hr["member"])[0]  # a member of one private team is an outsider to another
