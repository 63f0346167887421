"""The ticket page agents work in: the conversation first, a side panel that saves as it changes, the history one
click away, who else is on the ticket, no reply sent over another agent's unseen, and "Send and next"."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import MessageKind, Status, Ticket, TicketEvent, TicketMessage
from tickets.rules.tickets import ticket_version
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def change(ticket, view="") -> str:
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return f"{url}?_changelist_filters={quote(view)}" if view else url


def panel(ticket, **changes) -> dict:
    """The side panel's fields as the page posts them, with ``changes``."""
    ticket.refresh_from_db()
    data = {
        "title": ticket.title,
        "description": ticket.description,
        "submitter_email": ticket.submitter_email,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "assignee": ticket.assignee_id or "",
        "tags_text": ", ".join(ticket.tags.values_list("name", flat=True)),
        "version": ticket_version(ticket),
    }
    return {**data, **changes}


def test_the_page_puts_the_conversation_first_and_the_properties_beside_it(client, agent, manager):
    ticket = TicketFactory(title="Printer jams", submitter_email="ann@example.com", description="It jams on page 2.")
    earlier = TicketFactory(title="Scanner too", submitter_email="ann@example.com")
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Which model?", author=manager)
    services.message_add(ticket=ticket, kind=MessageKind.NOTE, body="Known firmware bug.", author=manager)
    services.ticket_change_status(ticket=ticket, status=Status.IN_PROGRESS, actor=manager)
    client.force_login(agent)
    html = client.get(change(ticket)).content.decode()
    main, side = html.split('class="ticket-desk-side"')
    # The request, then the reply, then the note, then the reply box: all before the side panel.
    thread = main[main.index('<ol class="ticket-messages">') :]
    texts = ("It jams on page 2.", "Which model?", "Known firmware bug.", 'id="id_message_body"')
    order = [thread.index(text) for text in texts]
    assert order == sorted(order)
    assert 'id="id_status"' in side and 'id="id_assignee"' in side and 'id="id_tags_text"' in side
    assert f"#{earlier.pk} Scanner too" in side  # the submitter's other tickets
    # The history is a collapsed timeline, not a table.
    timeline = re.search(r'<details class="ticket-history".*?</details>', main, re.S).group(0)
    assert "manager" in timeline and "in_progress" in timeline
    assert "<table" not in main.split('id="thread"')[1].split("</section>")[0]
    for key in ("r", "n", "a", "s", "j", "?"):
        assert f"<kbd>{key}</kbd>" in html


def test_the_page_reads_a_bounded_number_of_rows(client, agent, django_assert_max_num_queries):
    ticket = TicketFactory(submitter_email="ann@example.com")
    for n in range(30):
        services.message_add(ticket=ticket, kind=MessageKind.NOTE, body=f"Note {n}", author=agent)
    TicketFactory.create_batch(8, submitter_email="ann@example.com")
    client.force_login(agent)
    client.get(change(ticket))  # warm the per-process caches
    with django_assert_max_num_queries(30):
        assert client.get(change(ticket)).status_code == 200


def test_the_side_panel_saves_through_the_services_and_refuses_a_stale_or_bad_change(client, agent, manager):
    ticket = TicketFactory(priority="low")
    client.force_login(agent)
    url = reverse("admin:tickets_ticket_properties", args=[ticket.pk])
    opened = panel(ticket)
    response = client.post(url, {**opened, "status": Status.IN_PROGRESS, "tags_text": "vip"})
    assert response.status_code == 200 and response.json()["status_label"] == "In progress"
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    assert ticket.events.filter(field=TicketEvent.Field.STATUS, actor=agent).exists()
    assert response.json()["version"] == ticket_version(ticket)

    # Another agent saved since this panel was drawn: nothing is written, and the page says what is there now.
    services.ticket_update(ticket=ticket, data={"priority": "critical"}, actor=manager)
    response = client.post(url, {**opened, "status": Status.RESOLVED})
    assert response.status_code == 409 and "someone else changed this ticket" in response.json()["message"]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS

    response = client.post(url, panel(ticket, status="sleeping", tags_text="<b>"))
    assert response.status_code == 400 and set(response.json()["errors"]) == {"status", "tags_text"}
    assert client.post(url, panel(ticket)).json()["message"] == "Nothing to save."


def test_who_else_is_on_the_ticket_and_what_they_wrote(client, agent, make_staff):
    ana = make_staff("ana", "Support agent")
    ticket = TicketFactory()
    url = reverse("admin:tickets_ticket_presence", args=[ticket.pk])
    first = services.message_add(ticket=ticket, kind=MessageKind.NOTE, body="Looking", author=agent)
    client.force_login(ana)
    assert client.post(url, {"state": "replying", "after": first.pk}).json() == {"others": [], "newer": []}
    client.force_login(agent)
    assert client.post(url, {"state": "viewing", "after": first.pk}).json()["others"] == [
        {"name": "ana", "state": "replying"}
    ]
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Fixed on our side.", author=ana)
    newer = client.post(url, {"state": "viewing", "after": first.pk}).json()["newer"]
    assert [(m["author"], m["kind"], m["body"]) for m in newer] == [("ana", "reply", "Fixed on our side.")]
    client.force_login(ana)
    client.post(url, {"state": "left"})
    client.force_login(agent)
    assert client.post(url, {"state": "viewing"}).json()["others"] == []
    assert "ana is replying" not in client.get(change(ticket)).content.decode()


def test_a_reply_is_not_sent_over_another_agents_unseen_reply(client, agent, make_staff, settings):
    ana = make_staff("ana", "Support agent")
    ticket = TicketFactory(submitter_email="ann@example.com")
    client.force_login(agent)
    page = client.get(change(ticket)).content.decode()
    seen = re.search(r'name="seen" id="id_seen" value="(\d+)"', page).group(1)
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Restart the router, please.", author=ana)

    url = reverse("admin:tickets_ticket_add_message", args=[ticket.pk])
    response = client.post(url, {"kind": "reply", "body": "Have you tried a restart?", "seen": seen}, follow=True)
    html = response.content.decode()
    assert "Not sent: ana replied at" in html and "Restart the router, please." in html
    assert ">Have you tried a restart?</textarea>" in html  # the draft waits in the box
    assert not TicketMessage.objects.filter(author=agent).exists()

    # Seen now (the page shows ana's reply), or confirmed: it goes.
    seen = re.search(r'name="seen" id="id_seen" value="(\d+)"', html).group(1)
    client.post(url, {"kind": "reply", "body": "Have you tried a restart?", "seen": seen})
    assert TicketMessage.objects.filter(author=agent, kind=MessageKind.REPLY).count() == 1
    old_seen = "0"
    client.post(url, {"kind": "reply", "body": "One more thing.", "seen": old_seen, "confirmed": "1"})
    assert TicketMessage.objects.filter(author=agent, kind=MessageKind.REPLY).count() == 2
    # A note is never held back.
    client.post(url, {"kind": "note", "body": "FYI", "seen": old_seen})
    assert TicketMessage.objects.filter(author=agent, kind=MessageKind.NOTE).count() == 1


def test_send_and_next_opens_the_next_ticket_of_the_view_the_agent_came_from(client, agent):
    older, middle, newest = (TicketFactory(title=f"Unassigned {n}") for n in range(3))
    TicketFactory(assignee=agent, title="Mine")
    client.force_login(agent)
    view = "assignee=none"
    url = reverse("admin:tickets_ticket_add_message", args=[newest.pk])
    response = client.post(
        url, {"and_next": "1", "body": "On it.", "view": view, "set_status": Status.IN_PROGRESS, "seen": "0"}
    )
    assert response["Location"] == change(middle, view)
    newest.refresh_from_db()
    assert newest.status == Status.IN_PROGRESS and newest.messages.get().kind == MessageKind.REPLY

    # "j": the next one without answering; at the end of the view, back to the list.
    response = client.get(reverse("admin:tickets_ticket_next", args=[middle.pk]) + f"?_changelist_filters={view}")
    assert response["Location"] == change(older, view)
    services.ticket_update(ticket=newest, data={"assignee": agent})
    services.ticket_update(ticket=middle, data={"assignee": agent})
    response = client.get(reverse("admin:tickets_ticket_next", args=[older.pk]) + f"?_changelist_filters={view}")
    assert response["Location"] == f"/admin/tickets/ticket/?{view}"
    # A view query that is not one falls back to every open ticket, never a 500.
    response = client.get(reverse("admin:tickets_ticket_next", args=[older.pk]) + "?_changelist_filters=zz%3D1")
    assert response.status_code == 302 and Ticket.objects.filter(pk=int(response["Location"].split("/")[-3])).exists()


def test_the_thread_order_is_the_agents_choice_and_stays(client, agent):
    ticket = TicketFactory()
    for body in ("first", "second"):
        services.message_add(ticket=ticket, kind=MessageKind.NOTE, body=body, author=agent)
    client.force_login(agent)
    html = client.get(change(ticket)).content.decode()
    assert html.index(">first<") < html.index(">second<")
    html = client.get(change(ticket) + "?thread_order=newest").content.decode()
    assert html.index(">second<") < html.index(">first<")
    html = client.get(change(ticket)).content.decode()  # remembered
    assert html.index(">second<") < html.index(">first<")


def test_pages_closed_without_a_word_are_swept_from_presence(agent, make_staff, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.models import TicketPresence

    ana = make_staff("ana", "Support agent")
    old, current = TicketFactory(), TicketFactory()
    services.presence_mark(ticket=old, user=ana, state="replying")
    TicketPresence.objects.filter(ticket=old).update(seen_at=timezone.now() - timedelta(hours=2))
    monkeypatch.setattr("tickets.services.views.PRESENCE_SWEEP_EVERY", 1)
    services.presence_mark(ticket=current, user=agent, state="viewing")
    assert list(TicketPresence.objects.values_list("ticket", "user")) == [(current.pk, agent.pk)]


def test_a_page_opened_just_after_another_agents_reply_says_so(client, agent, make_staff):
    ana = make_staff("ana", "Support agent")
    ticket = TicketFactory()
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Done.", author=ana)
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Mine.", author=agent)
    client.force_login(agent)
    html = client.get(change(ticket)).content.decode()
    assert re.search(r"ana replied [0\xa0minutes]+ ago", html) and "agent replied" not in html
