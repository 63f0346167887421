"""The admin in real headless Chromium: log in, filter, run a bulk action, open the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

XSS_TITLE = "<script>alert('x')</script><b>bold</b>"


def test_manager_triages_in_the_admin(live_server, page, screenshot, manager):
    TicketFactory.create_batch(3, status="open", category="billing", priority="high")
    TicketFactory.create_batch(2, status="closed", category="technical", priority="low")
    xss = TicketFactory(status="open", title=XSS_TITLE, description="<img src=x onerror=alert(1)>")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    refused = []  # what the Content-Security-Policy blocked: nothing the admin itself needs
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    expect(page.locator('[data-figure="total_tickets"]')).to_have_text("6")
    screenshot("1-home-dashboard")

    page.locator('a[href="/admin/tickets/ticket/"]').first.click()  # the sidebar link
    expect(page.locator("#result_list tr.data-row")).to_have_count(6)
    expect(page.get_by_text(XSS_TITLE)).to_be_visible()  # shown as text, never run
    screenshot("2-changelist")

    page.locator("a", has_text="Filters").first.click()
    page.locator('input[name="status__exact"][value="open"]').check()
    page.get_by_role("button", name=re.compile("Apply filters", re.I)).click()
    expect(page).to_have_url(re.compile(r"status__exact=open"))
    expect(page.locator("#result_list tr.data-row")).to_have_count(4)
    screenshot("3-filtered-open")

    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("mark_in_progress")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("4 ticket(s) marked in progress")).to_be_visible()
    screenshot("4-after-bulk-action")
    assert Ticket.objects.filter(status="in_progress").count() == 4

    page.goto(f"{live_server.url}/admin/tickets/ticket/{xss.pk}/change/")
    expect(page.locator(".ticket-history summary")).to_contain_text("History")
    expect(page.locator(".ticket-message-request")).to_contain_text("<img src=x onerror=alert(1)>")  # inert text
    expect(page.locator("#id_description")).to_have_value("<img src=x onerror=alert(1)>")
    screenshot("5-change-page")

    page.locator('a[href="/admin/stats/"]').first.click()
    expect(page.locator('[data-figure="open_tickets"]')).to_have_text("0")
    expect(page.get_by_text("New tickets per day")).to_be_visible()
    screenshot("6-dashboard")
    assert dialogs == []  # no script in a ticket ever ran
    assert refused == []
