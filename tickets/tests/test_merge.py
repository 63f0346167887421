"""Merging a duplicate: its request, messages and files join the target's thread, its submitter is kept as a
contact, it closes pointing to the target, later answers to it land in the target, and both histories record
what moved."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import services
from tickets.mail.parse import ParsedAttachment
from tickets.models import MessageKind, Status, Ticket, TicketEmail, TicketEvent

pytestmark = pytest.mark.django_db


def new(title, email="ann@example.com"):
    return services.ticket_create(
        title=title, description=f"{title}, since Monday.", submitter_email=email, classify_ticket=False
    )


def test_a_duplicate_joins_its_target_and_closes_pointing_to_it(agent):
    target, duplicate = new("VPN drops"), new("VPN drops again", email="bob@example.com")
    note = services.message_add(ticket=duplicate, kind=MessageKind.NOTE, body="Same as the other?", author=agent)
    services.attachments_add(ticket=duplicate, message=None, files=[ParsedAttachment("log.txt", "text/plain", b"lost")])
    merged = services.ticket_merge(duplicate=duplicate, target=target, actor=agent)
    duplicate.refresh_from_db()
    assert merged == target
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, target)
    thread = list(target.messages.order_by("created_at", "pk"))
    assert thread[0].body.startswith(f"[Merged from #{duplicate.pk}] VPN drops again")
    assert [a.name for a in thread[0].attachments.all()] == ["log.txt"]  # the duplicate's request files
    assert note.pk in [m.pk for m in thread]
    assert list(target.contacts.values_list("email", flat=True)) == ["bob@example.com"]
    record = target.events.get(field=TicketEvent.Field.MERGE).new_value
    assert f"#{duplicate.pk} merged in (messages {note.pk}" in record
    assert duplicate.events.filter(field=TicketEvent.Field.MERGE, new_value__startswith=f"into #{target.pk}").exists()


def test_later_answers_to_the_duplicate_land_in_the_target(agent):
    target, duplicate = new("Printer jams"), new("Printer jams again")
    services.message_add(ticket=duplicate, kind=MessageKind.REPLY, body="Which model?", author=agent)
    header = TicketEmail.objects.get(ticket=duplicate, message__isnull=False).header_id
    services.ticket_merge(duplicate=duplicate, target=target, actor=agent)
    raw = f"From: ann@example.com\r\nIn-Reply-To: {header}\r\nSubject: Re: Printer\r\n\r\nAn HP 4200.".encode()
    inbound = services.mail_receive(raw=raw, transport="pipe")
    assert inbound.ticket == target and inbound.message.ticket == target
    services.message_add(ticket=duplicate, kind=MessageKind.CUSTOMER, body="From the old link.")  # tracking page
    assert target.messages.filter(body="From the old link.").exists()
    assert not Ticket.objects.get(pk=duplicate.pk).messages.exists()


def test_the_api_merges_and_refuses_what_cannot_be(agent):
    target, duplicate, other = new("A"), new("B"), new("C")
    api = APIClient()
    api.force_authenticate(agent)
    url = f"/api/tickets/{duplicate.pk}/merge/"
    assert api.post(url, {"into": duplicate.pk}, format="json").json() == {
        "into": ["A ticket cannot be merged into itself."]
    }
    assert api.post(url, {"into": 999999}, format="json").status_code == 400
    assert api.post(url, {}, format="json").status_code == 400
    response = api.post(url, {"into": target.pk}, format="json")
    assert response.status_code == 200 and response.json()["id"] == target.pk
    again = api.post(url, {"into": other.pk}, format="json")
    assert again.status_code == 400 and f"already merged into #{target.pk}" in again.json()["into"][0]
    into_merged = api.post(f"/api/tickets/{other.pk}/merge/", {"into": duplicate.pk}, format="json")
    assert into_merged.status_code == 400 and "merge there" in into_merged.json()["into"][0]


def test_the_admin_merges_from_the_similar_panel_and_the_list(client, agent):
    target, duplicate = new("Cannot log in to the portal"), new("Cannot log in to the portal today")
    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[duplicate.pk])).content.decode()
    assert f"Merge this ticket into #{target.pk}" in page
    response = client.post(reverse("admin:tickets_ticket_merge", args=[duplicate.pk]), {"into": target.pk}, follow=True)
    assert f"#{duplicate.pk} was merged into this ticket and closed." in response.content.decode()
    assert "Also following" not in response.content.decode()  # the same submitter: no extra contact
    a, b, c = new("X1"), new("X2"), new("X3")
    client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "merge_into_oldest", "_selected_action": [a.pk, b.pk, c.pk]},
    )
    assert list(Ticket.objects.filter(pk__in=[b.pk, c.pk]).values_list("merged_into", flat=True)) == [a.pk, a.pk]
