"""Email in, end to end in headless Chromium: a customer's email becomes a ticket, the agent answers with a file
in the admin (it reaches a real SMTP server as an attachment, with the reply address), the ticket is resolved,
and the customer's emailed answer with a screenshot lands in the thread and opens the ticket again."""

import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
MAIL = Path(__file__).parent / "mail"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf50000000030001b1c4c5c00000000049454e44ae426082"
)


def test_an_emailed_request_answered_with_a_file_and_reopened_by_an_emailed_answer(
    live_server, page, screenshot, smtp, settings, agent, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.EMAIL_REPLY_ADDRESS = "support@example.com"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The customer writes to the support address (the pipe, IMAP and the webhook all hand it to this service).
    inbound = services.mail_receive(raw=(MAIL / "new-request.eml").read_bytes(), transport="pipe")
    ticket = inbound.ticket
    (confirmation,) = smtp.received
    assert confirmation["To"] == "renee@example.org"

    # The agent opens it: the request, the screenshot that came with it, and a reply with a file.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/tickets/ticket/{ticket.pk}/change/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("pass-123-word")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    expect(page.locator(".ticket-files").first).to_contain_text("screen shot_1_.png")
    steps = tmp_path / "steps.txt"
    steps.write_text("1. Open settings\n2. Reset the password\n")
    page.get_by_label("Reply to the submitter, or write an internal note").fill("Please follow the attached steps.")
    page.locator("#id_attachments").set_input_files(str(steps))
    page.get_by_role("button", name=re.compile("Send reply")).click()
    expect(page.get_by_text("Reply added. It will be emailed to the submitter.")).to_be_visible()
    expect(page.locator(".ticket-message-reply .ticket-files")).to_contain_text("steps.txt")
    screenshot("1-reply-with-a-file")

    # It reached the customer with the file attached and a reply address that threads; then it is resolved.
    reply = smtp.received[-1]
    assert [part.get_filename() for part in reply.iter_attachments()] == ["steps.txt"]
    assert reply["Reply-To"].startswith("support+t") and reply["Reply-To"].endswith("@example.com")
    services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)

    # The customer answers by email, from their mail client, with a screenshot.
    answer = EmailMessage()
    answer["From"], answer["To"] = "Ren\u00e9e M\u00fcller <renee@example.org>", reply["Reply-To"]
    answer["Subject"], answer["Message-ID"] = f"Re: {reply['Subject']}", "<answer-1@mail.example.org>"
    answer["In-Reply-To"] = reply["Message-ID"]
    quoted = reply.get_body(preferencelist=("plain",)).get_content()[:40]
    answer.set_content(f"Still broken, see the screenshot.\n\nOn Friday, Support wrote:\n> {quoted}")
    answer.add_attachment(PNG, maintype="image", subtype="png", filename="still broken.png")
    stored = services.mail_receive(raw=answer.as_bytes(), transport="imap")
    assert (stored.state, stored.ticket_id, stored.created_ticket) == ("stored", ticket.pk, False)

    # The agent sees it in the thread as the customer's message, with its screenshot, and the ticket open again.
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    customer = page.locator(".ticket-message-customer")
    expect(customer).to_contain_text("Still broken, see the screenshot.")
    expect(customer).not_to_contain_text("On Friday")  # the quoted history is cut
    expect(customer.locator(".ticket-file")).to_have_text("still broken.png")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.customer_replied) == ("open", True)
    screenshot("2-the-emailed-answer-in-the-thread")
    assert Ticket.objects.count() == 1 and dialogs == []
