"""The customer's side in headless Chromium, on a phone and on a desktop: submit with a file, follow the emailed
link, sign in to "My tickets" by an emailed link, answer the thread, rate the resolution from the email. Every page
is checked with axe-core (WCAG 2 A and AA), for links to staff pages, sideways scrolling and small touch targets."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Attachment, MessageKind, SatisfactionRating, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"small phone": (320, 640), "phone": (390, 844), "desktop": (1280, 900)}
STAFF_PAGES = ("/tickets", "/dashboard", "/admin", "/login")


def check_page(page, name: str) -> None:
    """What every customer page must hold: no WCAG 2 A/AA violation, no door to a staff page, and on a phone no
    sideways scrolling and nothing to tap smaller than 44 px."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert violations == [], (name, violations)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => new URL(a.href).pathname)")
    assert not [h for h in hrefs if h.startswith(STAFF_PAGES)], (name, hrefs)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, "scrolls sideways")
    if width < 600:
        small = page.evaluate(
            """() => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, summary')]
                .filter(e => e.offsetParent !== null && !e.closest('[aria-hidden=true]'))
                .map(e => [e.textContent.trim() || e.id || e.tagName, e.getBoundingClientRect().height])
                .filter(([, h]) => h < 44)"""
        )
        assert small == [], (name, small)


def link_in(mail, pattern: str) -> str:
    return re.search(pattern, mail.get_body(preferencelist=("plain",)).get_content()).group(0)


@pytest.mark.parametrize("size", SIZES)
def test_a_customer_submits_follows_signs_in_answers_and_rates(
    size, live_server, another_page, smtp, settings, agent, tmp_path
):
    settings.SITE_URL = live_server.url
    page = another_page(*SIZES[size], bypass_csp=True)
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Submit a ticket", "My tickets"])
    check_page(page, "submit")

    # Submit with a file and an address.
    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"))
    page.get_by_label("Title").fill("Export page times out")
    page.get_by_label("Description").fill("The export page times out every time I export last month's invoices.")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_label("Files").set_input_files(str(screenshot))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("We emailed a link to ann@example.com")).to_be_visible()
    ticket = Ticket.objects.get(title="Export page times out")
    assert list(Attachment.objects.filter(ticket=ticket).values_list("name", flat=True)) == ["screen.png"]

    # Follow the emailed link: the ticket and its file.
    page.goto(link_in(smtp.received[-1], r"https?://\S+/t/[A-Za-z0-9_-]{43}"))
    expect(page.get_by_role("heading", name="Export page times out")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("screen.png"))).to_be_visible()
    check_page(page, "tracking page")

    # An agent answers; the customer signs in to "My tickets" by an emailed link and answers there.
    services.message_add(ticket=ticket, kind=MessageKind.REPLY, body="Which browser do you use?", author=agent)
    page.get_by_role("link", name="My tickets").click()
    page.get_by_label("Your email address").fill("ann@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")
    check_page(page, "ask for a link")
    page.goto(link_in(smtp.received[-1], r"https?://\S+/my-tickets#signin=[A-Za-z0-9_-]+"))
    expect(page.get_by_text("Signed in as ann@example.com.")).to_be_visible()
    assert "signin" not in page.url  # the one-time token is wiped from the address bar
    expect(page.get_by_text("Our last reply: Which browser do you use?")).to_be_visible()
    check_page(page, "my tickets")
    page.get_by_role("link", name=re.compile("Export page times out")).click()
    page.get_by_label("Your answer").fill("Firefox 140 on Windows.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()
    expect(page.locator(".message-customer")).to_contain_text("Firefox 140 on Windows.")
    check_page(page, "my ticket")
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER, body="Firefox 140 on Windows.").exists()

    # Resolved: the email's "Bad" link records the answer in one click, then takes a comment.
    services.ticket_change_status(ticket=Ticket.objects.get(pk=ticket.pk), status="resolved", actor=agent)
    page.goto(link_in(smtp.received[-1], r"https?://\S+/rate/\S+\?rating=bad"))
    expect(page.get_by_text("Thank you: your answer was saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Bad")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Anything to add? (optional)").fill("It took three days.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_text("Thank you: your answer and comment were saved.")).to_be_visible()
    check_page(page, "rating")
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.rating, rating.comment) == ("bad", "It took three days.")

    # Signing out ends it.
    page.goto(live_server.url + "/my-tickets")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Your email address")).to_be_visible()
