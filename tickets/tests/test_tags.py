"""Tags: agents coin them on tickets (API PATCH, the admin's form and bulk action), every change is in the history,
and the list filters by any or all of them through the same FilterSet as the admin."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Tag, Ticket, TicketEvent
from tickets.rules.tags import tag_name, tag_problem
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
URL = "/api/tickets/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("typed", "stored"), [("  VIP Customer ", "vip-customer"), ("Billing_2026", "billing_2026"), ("a\nb", "a-b")]
)
def test_a_tag_is_written_one_way(typed, stored):
    assert tag_name(typed) == stored and tag_problem(typed) == ""


@pytest.mark.parametrize("typed", ["", "   ", "<script>", "50%-off", "x" * 51 + "!"])
def test_a_tag_that_cannot_be_one_is_refused_with_the_reason(typed):
    assert tag_problem(typed)


def test_patch_sets_the_tags_creating_new_ones_and_the_history_says_who(agent):
    ticket = TicketFactory()
    response = api(agent).patch(f"{URL}{ticket.pk}/", {"tags": ["VIP", "refund due"]}, format="json")
    assert response.status_code == 200 and response.json()["tags"] == ["refund-due", "vip"]
    assert set(Tag.objects.values_list("name", flat=True)) == {"vip", "refund-due"}
    response = api(agent).patch(f"{URL}{ticket.pk}/", {"tags": ["vip"]}, format="json")
    assert response.json()["tags"] == ["vip"]
    history = [(e.old_value, e.new_value, e.actor) for e in ticket.events.filter(field=TicketEvent.Field.TAGS)]
    assert history == [("", "refund-due, vip", agent), ("refund-due, vip", "vip", agent)]


@pytest.mark.parametrize("tags", [["<b>bold</b>"], "vip", [{"a": 1}], ["x"] * 21, ["\x00"]])
def test_bad_tags_are_400s_and_change_nothing(agent, tags):
    ticket = TicketFactory()
    response = api(agent).patch(f"{URL}{ticket.pk}/", {"tags": tags}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["tags"]
    assert not ticket.tags.exists() and not Tag.objects.exists()


def test_the_list_filters_by_any_or_all_tags_and_shows_each_tickets_tags(agent, django_assert_max_num_queries):
    both, vip, other = TicketFactory(), TicketFactory(), TicketFactory()
    services.ticket_update(ticket=both, data={"tags": ["vip", "refund"]})
    services.ticket_update(ticket=vip, data={"tags": ["vip"]})
    client = api(agent)

    def ids(query):
        body = client.get(URL, query).json()
        return {t["id"] for t in body["results"]}, body["count"]

    assert ids({"tag": "vip"}) == ({both.pk, vip.pk}, 2)
    assert ids({"tag": "refund,vip"}) == ({both.pk, vip.pk}, 2)
    assert ids({"tag_all": "refund,vip"}) == ({both.pk}, 1)
    assert ids({"tag": "nobody-uses-this"}) == (set(), 0)
    assert ids({"tag": "VIP", "status": "open"}) == ({both.pk, vip.pk}, 2)  # names as typed, combined
    listed = {t["id"]: t["tags"] for t in client.get(URL).json()["results"]}
    assert listed == {both.pk: ["refund", "vip"], vip.pk: ["vip"], other.pk: []}
    with django_assert_max_num_queries(6):  # the page's tags in one more query, not one per ticket
        client.get(URL)


def test_the_admin_filters_tags_and_changes_them_in_bulk_and_on_the_form(client, agent):
    tickets = TicketFactory.create_batch(3)
    client.force_login(agent)
    changelist = reverse("admin:tickets_ticket_changelist")
    chosen = [t.pk for t in tickets[:2]]
    page = client.post(changelist, {"action": "tag_tickets", "_selected_action": chosen})
    assert "Change the tags of 2 tickets" in page.content.decode()
    done = client.post(
        changelist,
        {"action": "tag_tickets", "_selected_action": chosen, "tags_add": "Urgent, vip", "tags_remove": ""},
        follow=True,
    )
    assert "2 ticket(s) changed." in done.content.decode()
    assert sorted(tickets[0].tags.values_list("name", flat=True)) == ["urgent", "vip"]
    filtered = client.get(changelist, {"tag": "urgent"}).content.decode()
    assert f">{tickets[0].title}<" in filtered and f">{tickets[2].title}<" not in filtered

    client.post(changelist, {"action": "tag_tickets", "_selected_action": chosen, "tags_add": "", "tags_remove": "vip"})
    assert list(tickets[1].tags.values_list("name", flat=True)) == ["urgent"]

    change = reverse("admin:tickets_ticket_change", args=[tickets[2].pk])
    form = client.get(change).context["adminform"].form
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "tags_text": "billing, follow up"}
    data |= {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "assignee": "", "category": "general"}
    data |= {"priority": tickets[2].priority, "status": "open", "title": tickets[2].title}
    data |= {"description": tickets[2].description, "submitter_email": ""}
    saved = client.post(change, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert sorted(tickets[2].tags.values_list("name", flat=True)) == ["billing", "follow-up"]


def test_each_tag_counts_its_tickets_and_a_one_tag_list_is_counted_from_it(agent):
    tickets = TicketFactory.create_batch(3)
    for ticket in tickets:
        services.ticket_update(ticket=ticket, data={"tags": ["vip"]})
    services.ticket_update(ticket=tickets[0], data={"tags": ["vip", "refund"]})
    services.ticket_tags_change(ticket_ids=[t.pk for t in tickets], add=[], remove=["vip"])
    services.ticket_tags_change(ticket_ids=[tickets[1].pk], add=["vip"], remove=[])
    services.ticket_delete(ticket_ids=[tickets[0].pk])
    # The database's counters agree with the rows after adds, bulk removes and a deleted ticket.
    for tag in Tag.objects.all():
        assert tag.ticket_count == tag.tickets.count(), tag.name
    assert dict(Tag.objects.values_list("name", "ticket_count")) == {"vip": 1, "refund": 0}
    body = api(agent).get(URL, {"tag": "vip"}).json()
    assert (body["count"], body["count_exact"], [t["id"] for t in body["results"]]) == (1, True, [tickets[1].pk])


def test_the_dashboard_shows_the_most_used_tags_linking_to_their_lists(client, manager):
    for names in (["vip"], ["vip", "refund"], ["vip"]):
        services.ticket_update(ticket=TicketFactory(), data={"tags": names})
    client.force_login(manager)
    page = client.get(reverse("dashboards:stats")).content.decode()
    section = page[page.index("Most used tags") :]
    assert section.index('data-tag="vip"') < section.index('data-tag="refund"')  # most used first
    assert reverse("admin:tickets_ticket_changelist") + "?tag=vip" in section


def test_tags_go_out_in_csv_and_excel_and_come_back_in_by_import(client, manager):
    ticket, plain = TicketFactory(), TicketFactory()
    services.ticket_update(ticket=ticket, data={"tags": ["vip", "refund"]})
    client.force_login(manager)
    csv_text = b"".join(client.get(reverse("admin:tickets_ticket_export")).streaming_content).decode("utf-8-sig")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert (rows[str(ticket.pk)]["tags"], rows[str(plain.pk)]["tags"]) == ("refund, vip", "")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("admin:tickets_ticket_export_xlsx")).content)).active
    header, *values = list(sheet.iter_rows(values_only=True))
    assert {(r[0], r[header.index("tags")]) for r in values} == {(ticket.pk, "refund, vip"), (plain.pk, None)}

    # A data team retags in a spreadsheet: the file's tags replace the ticket's; a new row brings its own.
    upload = f'id,title,description,tags\n{ticket.pk},{ticket.title},{ticket.description},"vip, Escalated"\n'
    upload += ",Card declined,My card is declined at checkout,billing-dispute\n"
    preview = _import(client, upload.encode())
    client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["escalated", "vip"]
    created = Ticket.objects.get(title="Card declined")
    assert list(created.tags.values_list("name", flat=True)) == ["billing-dispute"]
    assert ticket.events.filter(field=TicketEvent.Field.TAGS).last().new_value == "escalated, vip"


def test_an_import_with_a_bad_tag_writes_nothing_and_says_which(client, manager):
    client.force_login(manager)
    before = Ticket.objects.count()
    page = _import(client, b"title,description,tags\nA,First ticket,vip\nB,Second ticket,<script>\n")
    assert "a tag holds letters, digits, - and _ only" in page.content.decode()
    assert "confirm_form" not in page.context or page.context["confirm_form"] is None
    assert Ticket.objects.count() == before and not Tag.objects.exists()


def _import(client, raw: bytes):
    upload = SimpleUploadedFile("tickets.csv", raw, content_type="text/csv")
    return client.post(reverse("admin:tickets_ticket_import"), {"import_file": upload, "format": "0"})
