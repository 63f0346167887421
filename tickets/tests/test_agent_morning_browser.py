"""An agent's morning in headless Chromium: open the "Unassigned" view from the sidebar, take a ticket, read the
thread, answer with a canned response edited by hand and a file, tag it from the side panel, "Send and next". A
second agent on the same ticket sees "replying" and, sending after the first, is asked first with what was said."""

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import MessageKind, Status, Ticket, TicketMessage

pytestmark = pytest.mark.django_db(transaction=True)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf50000000030001b1c4c5c00000000049454e44ae426082"
)


def log_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()


def test_a_morning_in_the_unassigned_view(
    live_server, page, another_page, screenshot, smtp, settings, agent, make_staff, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.PRESENCE_POLL_SECONDS = 1
    make_staff("ana", "Support agent")
    services.saved_view_defaults()
    services.canned_add_starters()
    first = services.ticket_create(
        title="Charged twice for March",
        description="My card was charged twice for invoice 4411.",
        submitter_email="ann@example.com",
        category="billing",
        priority="high",
        classify_ticket=False,
    )
    second = services.ticket_create(
        title="Cannot log in", description="The reset email never arrives.", category="account", classify_ticket=False
    )
    services.ticket_create(title="Old and mine", description="Already taken.", assignee=agent, classify_ticket=False)
    # Newest first: the second ticket tops the view, the first comes after it.
    first_view_ticket, next_view_ticket = second, first
    dialogs = []

    # The sidebar's "Unassigned" view, with its count, opens the list of nobody's tickets.
    log_in(page, live_server.url, "agent", "/admin/")
    unassigned = page.locator("#nav-sidebar-apps a", has_text="Unassigned")
    expect(unassigned.locator(".ticket-view-count")).to_have_text("2")
    unassigned.click()
    expect(page.locator("#result_list tr.data-row")).to_have_count(2)
    folder = screenshot("1-unassigned-view").parent
    page.get_by_role("link", name=first_view_ticket.title).first.click()

    # Take it with "a"; the thread is the page's main column.
    expect(page.locator(".ticket-message-request")).to_contain_text("The reset email never arrives.")
    # The page's script (deferred) binds the keys once the page has loaded: a person cannot be quicker.
    page.wait_for_load_state("load")
    page.keyboard.press("a")
    expect(page.get_by_text(f"{first_view_ticket} is now yours.")).to_be_visible()
    page.wait_for_load_state("load")
    first_view_ticket.refresh_from_db()
    assert first_view_ticket.assignee == agent
    # "j": the next ticket of the view (the one just taken has left "Unassigned", so the view's first other one).
    page.keyboard.press("j")
    expect(page.locator(".ticket-desk-title")).to_contain_text(next_view_ticket.title)
    expect(page.locator(".ticket-back-to-view")).to_be_visible()
    page.wait_for_load_state("load")
    page.keyboard.press("a")
    expect(page.get_by_text(f"{next_view_ticket} is now yours.")).to_be_visible()
    page.wait_for_load_state("load")

    # Ana opens the same ticket.
    other = another_page()
    other.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(other, live_server.url, "ana", f"/admin/tickets/ticket/{next_view_ticket.pk}/change/")
    expect(other.locator(".ticket-desk-title")).to_contain_text(next_view_ticket.title)
    other.wait_for_load_state("load")

    # The agent answers with a canned response, edited by hand, and a screenshot the customer asked for.
    page.keyboard.press("r")
    page.get_by_label("Canned response").select_option(label="Refund on its way (Billing)")
    box = page.get_by_label("Reply to the submitter, or write an internal note")
    expect(box).to_have_value(re.compile("started the refund"))
    box.press("Control+End")
    box.press_sequentially(" P.S. The duplicate charge is marked in the attached statement.")
    expect(page.locator("#id_set_status")).to_have_value(Status.RESOLVED)
    statement = tmp_path / "statement.png"
    statement.write_bytes(PNG)
    page.get_by_label(re.compile("Attach files")).set_input_files(str(statement))
    expect(other.locator("#presence")).to_contain_text("agent is replying")
    other.screenshot(path=str(folder / "2-ana-sees-replying.png"))

    # Tagged from the side panel: saved at once, the half-written reply untouched.
    page.locator("#id_tags_text").fill("refund, vip")
    page.locator("#id_tags_text").press("Tab")
    expect(page.locator("#properties-status")).to_have_text("Saved.")
    expect(box).to_have_value(re.compile("attached statement"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(folder / "ticket-page-1440.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(folder / "ticket-page-1024.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.get_by_role("button", name="Send and next").click()
    expect(page.get_by_text("Reply added. It will be emailed to the submitter.")).to_be_visible()
    # The view held nothing else open: back to it, empty.
    expect(page.get_by_text("No other ticket in this view.")).to_be_visible()

    next_view_ticket.refresh_from_db()
    reply = TicketMessage.objects.get(ticket=next_view_ticket, kind=MessageKind.REPLY)
    assert "started the refund" in reply.body and "attached statement" in reply.body
    assert [a.name for a in reply.attachments.all()] == ["statement.png"]
    assert next_view_ticket.status == Status.RESOLVED
    assert sorted(next_view_ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    emailed = [m for m in smtp.received if "P.S. The duplicate" in m.get_body(preferencelist=("plain",)).get_content()]
    assert [a.get_filename() for a in emailed[0].iter_attachments()] == ["statement.png"]  # the reply, with its file

    # Ana, whose page still shows the thread without it, sends too: she is asked first, with what was said.
    expect(other.locator("#presence")).to_contain_text("agent replied")
    other.get_by_label("Reply to the submitter, or write an internal note").fill("We will refund you.")
    other.get_by_role("button", name=re.compile("^Send reply")).click()
    expect(other.get_by_text("Reply added.")).to_be_visible()
    assert len(dialogs) == 1 and "agent replied" in dialogs[0] and "started the refund" in dialogs[0]
    assert Ticket.objects.get(pk=next_view_ticket.pk).messages.filter(kind=MessageKind.REPLY).count() == 2
