"""A submitted ticket routed to its team and assigned, in headless Chromium: a customer writes about an invoice in
the React app, the billing team's rule routes it and round robin gives it to the agent on duty, who sees it in
"My teams" with the rule in its history; an away agent gets nothing until they are back; a duplicate is merged
from the similar-tickets panel."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import RoutingRule, Team, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, base: str, title: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("The invoice for March charges us twice for the same seats.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".reference")).to_have_text(re.compile(r"#\d+"))


def test_a_submission_is_routed_to_billing_and_assigned(live_server, page, another_page, screenshot, agent):
    billing = Team.objects.create(name="Billing", assignment=Team.Assignment.ROUND_ROBIN)
    billing.members.add(agent)
    RoutingRule.objects.create(position=1, name="Invoices", team=billing, title_word="invoice")

    customer = another_page()
    submit(customer, live_server.url, "Invoice 4411 charged twice")
    ticket = Ticket.objects.get(title="Invoice 4411 charged twice")
    assert (ticket.team, ticket.assignee) == (billing, agent)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/tickets/ticket/%3Fteam%3Dmine")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    row = page.locator("#result_list tr.data-row", has_text="Invoice 4411 charged twice")
    expect(row).to_contain_text("Billing")
    expect(row).to_contain_text("agent")
    screenshot("1-my-teams")
    row.get_by_role("link", name="Invoice 4411 charged twice").click()
    expect(page.locator("#id_team")).to_have_value(str(billing.pk))
    page.locator(".ticket-history summary").click()
    expect(page.locator(".ticket-timeline")).to_contain_text("Billing (rule \u201cInvoices\u201d)")
    expect(page.locator(".ticket-timeline")).to_contain_text("agent (round robin)")

    # Away: the next invoice waits; back: it is assigned at once.
    page.goto(f"{live_server.url}/admin/tickets/ticket/")
    page.get_by_role("button", name="Go away").click()
    expect(page.get_by_text("You are away: no ticket is assigned to you until you are back.")).to_be_visible()
    submit(customer, live_server.url, "Second invoice wrong")
    assert Ticket.objects.get(title="Second invoice wrong").assignee is None
    page.get_by_role("button", name="I am back").click()
    expect(page.get_by_text("Welcome back. 1 waiting ticket(s) of your teams were assigned.")).to_be_visible()
    assert Ticket.objects.get(title="Second invoice wrong").assignee == agent
    screenshot("2-back-and-assigned")

    # The customer writes the same again; the agent merges it into the first from the similar-tickets panel.
    submit(customer, live_server.url, "Invoice 4411 charged twice again")
    duplicate = Ticket.objects.get(title="Invoice 4411 charged twice again")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/admin/tickets/ticket/{duplicate.pk}/change/")
    page.get_by_role("button", name=f"Merge this ticket into #{ticket.pk}").click()
    expect(page.get_by_text(f"#{duplicate.pk} was merged into this ticket and closed.")).to_be_visible()
    expect(page.locator(".ticket-desk-title")).to_contain_text("Invoice 4411 charged twice")
    expect(page.locator(".ticket-messages")).to_contain_text(f"[Merged from #{duplicate.pk}]")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("closed", ticket.pk)
    screenshot("3-merged")
