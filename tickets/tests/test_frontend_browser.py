"""The React app end to end in headless Chromium against a live server on PostgreSQL."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def built_app():
    if not (settings.FRONTEND_DIST / "index.html").is_file():
        raise pytest.UsageError("frontend/dist is missing: `make test` builds it (cd frontend && npm run build)")


def test_submit_with_live_suggestion_then_triage_as_staff(live_server, page, screenshot, staff_user):
    TicketFactory.create_batch(2, status="open", category="account", priority="low", title="Old ticket")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    refused = []  # what the Content-Security-Policy blocked: nothing the app itself needs
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    # A customer submits a ticket; the AI's suggestion fills category and priority as they type.
    page.goto(live_server.url + "/")
    page.get_by_label("Title").fill("Refund <b>please</b>")
    page.get_by_label("Description").press_sequentially("My card was charged twice for the same invoice, refund one")
    expect(page.get_by_label("Category")).to_have_value("billing", timeout=10_000)
    expect(page.get_by_text("Suggested from your description").first).to_be_visible()
    screenshot("1-form-with-suggestion")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Submit").click()
    reference = page.locator(".reference")
    expect(reference).to_have_text(re.compile(r"#\d+"))
    ticket = Ticket.objects.get(title="Refund <b>please</b>")
    expect(reference).to_have_text(f"#{ticket.pk}")
    assert (ticket.category, ticket.submitter_email) == ("billing", "ann@example.com")
    screenshot("2-confirmation")

    # A customer is shown no staff page; staff reach theirs by address (or from the admin), and log in there.
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Submit a ticket", "My tickets"]
    )
    page.goto(live_server.url + "/tickets")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("staff-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("3 tickets")).to_be_visible()
    screenshot("3-ticket-list")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("open-tickets")).to_have_text("3")
    page.get_by_role("link", name="Tickets", exact=True).click()

    # Search and filter live in the URL, so a reload keeps them.
    page.get_by_label("Search").fill("refu")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"search=refu"))
    page.get_by_label("Category").select_option("billing")
    expect(page).to_have_url(re.compile(r"category=billing"))
    page.reload()
    expect(page.get_by_label("Search")).to_have_value("refu")
    expect(page.get_by_label("Category")).to_have_value("billing")
    row = page.locator(f'tr[data-ticket-id="{ticket.pk}"]')
    expect(row).to_contain_text("Refund <b>please</b>")  # shown as text
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot("4-search-and-filter")

    # One-click status change, updated in place.
    row.get_by_label(f"Status of ticket {ticket.pk}").select_option("in_progress")
    expect(page.get_by_text(f"Ticket #{ticket.pk} is now in progress.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("open-tickets")).to_have_text("2")
    expect(page.get_by_test_id("total-tickets")).to_have_text("3")
    screenshot("5-dashboard")
    assert dialogs == []
    assert refused == []
