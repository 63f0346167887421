"""Canned responses: placeholders filled with the ticket's data, never template code; offered in the API and on
the change page, where choosing one fills the reply box and, once sent, moves the ticket if it says so."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tickets.models import CannedResponse
from tickets.rules.canned import canned_render
from tickets.tests.factories import TicketFactory


@pytest.mark.django_db
def test_placeholders_are_data_and_template_code_stays_text(agent):
    ticket = TicketFactory(title="VPN <drops>", submitter_email="ann@example.com")
    body = (
        "Hi, about #{ticket_id} ({ticket_title}): {agent_name} here. {{ settings.SECRET_KEY }} {% load x %} {unknown}"
    )
    rendered = canned_render(body, ticket=ticket, agent=agent)
    assert rendered == (
        f"Hi, about #{ticket.pk} (VPN <drops>): agent here. {{{{ settings.SECRET_KEY }}}} {{% load x %}} {{unknown}}"
    )


@pytest.mark.django_db
def test_the_api_lists_them_filled_in_for_a_ticket_its_category_first(staff_client):
    CannedResponse.objects.create(title="A general answer", body="Thanks, {agent_name}.")
    CannedResponse.objects.create(
        title="Refund sent", body="Refund for #{ticket_id} is on its way.", category="billing"
    )
    ticket = TicketFactory(category="billing")
    listed = staff_client.get("/api/canned-responses/", {"ticket": ticket.pk}).json()
    assert [r["title"] for r in listed] == ["Refund sent", "A general answer"]
    assert listed[0]["body"] == f"Refund for #{ticket.pk} is on its way."
    assert staff_client.get("/api/canned-responses/").json()[0]["body"] == "Thanks, {agent_name}."
    assert staff_client.get("/api/canned-responses/", {"ticket": "x"}).status_code == 400
    assert staff_client.get("/api/canned-responses/", {"ticket": "999999"}).status_code == 404


@pytest.mark.django_db
def test_the_change_page_offers_them_and_a_sent_one_moves_the_ticket(client, agent):
    CannedResponse.objects.create(title="Fixed", body="Fixed <b>now</b>, #{ticket_id}.", set_status="resolved")
    ticket = TicketFactory(status="open", submitter_email="")
    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert f'data-body="Fixed &lt;b&gt;now&lt;/b&gt;, #{ticket.pk}."' in page and 'data-status="resolved"' in page
    client.post(
        reverse("admin:tickets_ticket_add_message", args=[ticket.pk]),
        {"kind": "reply", "body": f"Fixed now, #{ticket.pk}.", "set_status": "resolved"},
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.messages.get().kind == "reply"


@pytest.mark.django_db(transaction=True)
def test_choosing_one_fills_the_reply_box_in_chromium(live_server, page, agent):
    CannedResponse.objects.create(
        title="Restart", body="Please restart the app, {agent_name}.", set_status="in_progress"
    )
    ticket = TicketFactory(status="open", submitter_email="")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/tickets/ticket/{ticket.pk}/change/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    # The change page's script (deferred) binds the select once the page has loaded: a person cannot be quicker.
    page.wait_for_url(f"**/admin/tickets/ticket/{ticket.pk}/change/", wait_until="load")
    page.get_by_label("Canned response").select_option(label="Restart")
    box = page.get_by_label("Reply to the submitter, or write an internal note")
    expect(box).to_have_value("Please restart the app, agent.")
    box.fill("Please restart the app, agent. Then tell us.")  # editable before sending
    page.get_by_role("button", name=re.compile("Send reply")).click()
    expect(page.get_by_text("Reply added.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert ticket.messages.get().body == "Please restart the app, agent. Then tell us."
