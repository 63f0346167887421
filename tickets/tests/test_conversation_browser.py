"""Working a ticket end to end in headless Chromium: a customer submits in React, an agent takes the ticket in
the admin, writes a note and a reply, the reply reaches a real SMTP server with the link, the customer opens the
link, reads the reply (never the note) and answers, and the agent sees the answer flagged."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_submit_take_reply_follow_and_answer(live_server, page, another_page, screenshot, smtp, settings, agent):
    settings.SITE_URL = live_server.url
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The customer submits with their address: the link goes to that address only, and the page says so.
    page.goto(live_server.url + "/")
    page.get_by_label("Title").fill("VPN drops every hour")
    page.get_by_label("Description").fill("Our whole team loses the VPN every hour since Monday.")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".tracking-emailed")).to_contain_text("We emailed a link to ann@example.com")
    expect(page.locator("a.tracking-link")).to_have_count(0)
    ticket = Ticket.objects.get(title="VPN drops every hour")
    folder = screenshot("1-confirmation-link-emailed").parent
    # The worker's send runs at once in tests, so the confirmation is in the mailbox when the page answers.
    shown = re.search(r"https?://\S+/t/[A-Za-z0-9_-]{43}", smtp.received[0].get_content()).group(0)

    # An agent takes it in the admin, writes a note, then a reply.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/tickets/ticket/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.locator('tr:has(a:text-is("VPN drops every hour")) button.ticket-assign-me').click()
    expect(page.get_by_text(f"{ticket} is now yours.")).to_be_visible()
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    page.get_by_label("Reply to the submitter, or write an internal note").fill("Customer is on the 2019 client.")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.get_by_text("Internal note added.")).to_be_visible()
    page.get_by_label("Reply to the submitter, or write an internal note").fill("Please update the VPN client.")
    page.get_by_role("button", name=re.compile("Send reply")).click()
    expect(page.get_by_text("Reply added. It will be emailed to the submitter.")).to_be_visible()
    expect(page.locator(".ticket-message-note")).to_contain_text("Customer is on the 2019 client.")
    expect(page.locator(".ticket-message-reply")).to_contain_text("email sent")
    screenshot("2-admin-thread")

    # The reply reached the SMTP server, with the link; the note did not.
    confirmation, reply = smtp.received
    assert "Please update the VPN client." in reply.get_content()
    assert "2019 client" not in reply.as_string()
    link = re.search(r"https?://\S+/t/[A-Za-z0-9_-]{43}", reply.get_content()).group(0)
    assert link == shown  # the same link the confirmation email carried

    # The customer opens the link, reads the reply (not the note) and answers.
    customer = another_page()
    customer.goto(link)
    expect(customer.get_by_role("heading", name="VPN drops every hour")).to_be_visible()
    expect(customer.get_by_text("Please update the VPN client.")).to_be_visible()
    expect(customer.get_by_text("2019 client")).to_have_count(0)
    customer.get_by_label("Your answer").fill("Updated it, still dropping.")
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_text("Your message was sent.")).to_be_visible()
    expect(customer.get_by_text("Updated it, still dropping.")).to_be_visible()
    customer.screenshot(path=str(folder / "3-customer-page.png"), full_page=True)

    # The agent sees the answer flagged on the changelist and in the thread.
    page.goto(f"{live_server.url}/admin/tickets/ticket/?assignee=me")
    row = page.locator("#result_list tr.data-row").first
    expect(row).to_contain_text("replied")
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    expect(page.locator(".ticket-message-customer")).to_contain_text("Updated it, still dropping.")
    screenshot("4-agent-sees-the-answer")
    assert dialogs == []
