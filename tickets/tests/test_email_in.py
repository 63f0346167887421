"""Email in: customers write and answer by mail. One path for every door (the pipe command with real .eml files,
a real Dovecot IMAP server on 127.0.0.1), exactly once by Message-ID, loops and bounces never answered, the text
an agent reads cleaned and the original kept, attachments stored privately."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from project.tests.gunicorn_server import ROOT, free_port, production_env
from tickets import selectors, services
from tickets.mail.addresses import reply_address, ticket_from_address
from tickets.mail.parse import Unreadable, parse, safe_name
from tickets.models import Attachment, InboundEmail, Ticket, TicketEmail, TicketMessage
from tickets.tests.factories import TicketFactory
from tickets.tests.imap_server import Dovecot

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"


def eml(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def message(
    *,
    sender="ann@example.com",
    subject="VPN drops",
    body="The VPN drops every hour.",
    msgid="<m1@example.com>",
    **extra,
) -> bytes:
    headers = {"From": sender, "To": "support@example.com", "Subject": subject, "Message-ID": msgid, **extra}
    lines = [f"{name}: {value}" for name, value in headers.items() if value is not None]
    return ("\r\n".join([*lines, "Content-Type: text/plain; charset=utf-8", "", body, ""])).encode()


def receive(raw: bytes, transport="pipe") -> InboundEmail:
    return services.mail_receive(raw=raw, transport=transport)


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_REPLY_ADDRESS = "support@example.com"
    settings.DEFAULT_FROM_EMAIL = "Support <support@example.com>"
    settings.EMAIL_MESSAGE_ID_DOMAIN = "support.example.com"
    return settings


class TestParse:
    def test_every_byte_fixture_is_read(self):
        request = parse(eml("new-request.eml"))
        assert request.subject == "Password reset doesn't work \u2013 urgent"  # RFC 2047, base64
        assert (request.sender, request.sender_name) == ("renee@example.org", "Ren\u00e9e M\u00fcller")
        assert "never arrives. Our whole team is locked out" in request.text  # quoted-printable, plain preferred
        assert "Head of Operations" not in request.text and "Head of Operations" in request.full_text
        (shot,) = request.attachments
        assert (shot.name, shot.content_type, shot.data[:4]) == ("screen shot_1_.png", "image/png", b"\x89PNG")

        html = parse(eml("html-only-no-message-id.eml"))
        assert "Why was I charged twice for invoice INV-7?" in html.text and "<" not in html.text
        assert "alert" not in html.text and html.message_id == ""

        invite = parse(eml("invite-cp1252.eml"))
        assert "outage \u2013 today at 3pm? Cost: \u20ac40." in invite.text  # the declared windows-1252
        assert [(a.name, a.content_type) for a in invite.attachments] == [("attachment.ics", "text/calendar")]

        forwarded = parse(eml("forwarded-unknown-charset.eml"))
        assert "The API server is down." in forwarded.full_text  # an unknown charset read as UTF-8

    @pytest.mark.parametrize(
        "raw",
        [
            b"",
            b"   \r\n",
            b"\x00\x01\x02garbage",
            b"no headers at all",
            "Subject: caf\u00e9\r\n\r\nbody".encode("latin-1"),
        ],
    )
    def test_anything_is_a_parsed_mail_or_a_reason_never_a_crash(self, raw):
        try:
            parsed = parse(raw)
        except Unreadable as reason:
            assert str(reason)
        else:
            assert isinstance(parsed.text, str)

    def test_a_quoted_history_and_signature_are_cut_from_an_answer(self):
        body = (
            "Still broken after the update.\r\n\r\nBest regards,\r\nAnn\r\n\r\n"
            "On Fri, 4 Dec 2026, Support wrote:\r\n> Please update."
        )
        assert parse(message(body=body)).text == "Still broken after the update."

    @pytest.mark.parametrize(
        ("given", "shown"),
        [
            ("../../etc/passwd", "passwd"),
            ("C:\\temp\\a b.pdf", "a b.pdf"),
            ("<script>.html", "script_.html"),
            ("", "attachment"),
        ],
    )
    def test_file_names_are_made_safe_to_show(self, given, shown):
        assert safe_name(given) == shown


class TestNewRequests:
    def test_an_email_becomes_a_ticket_classified_timed_and_confirmed(
        self, mail_settings, smtp, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            inbound = receive(eml("new-request.eml"))
        ticket = Ticket.objects.get()
        assert (inbound.state, inbound.ticket, inbound.created_ticket) == ("stored", ticket, True)
        assert ticket.title == "Password reset doesn't work \u2013 urgent"
        assert ticket.submitter_email == "renee@example.org"
        assert ticket.category == "account" and ticket.ai_category == "account"
        assert ticket.first_response_due_at is not None  # the SLA clock started
        (confirmation,) = smtp.received
        assert confirmation["To"] == "renee@example.org" and confirmation["Auto-Submitted"] == "auto-generated"
        assert confirmation["Reply-To"] == reply_address(ticket.pk)
        assert "reply to this email" in confirmation.get_content().lower()

    def test_attachments_are_kept_privately_under_random_names_typed_by_their_bytes(self, mail_settings):
        receive(eml("new-request.eml"))
        (shot,) = Attachment.objects.all()
        assert (shot.name, shot.content_type, shot.size, shot.message) == ("screen shot_1_.png", "image/png", 70, None)
        stored = Path(shot.file.path)
        assert "screen" not in stored.name and ".png" not in stored.name and stored.read_bytes()[:4] == b"\x89PNG"
        assert str(stored).startswith(str(mail_settings.PRIVATE_FILES_DIR))

    def test_attachment_limits_leave_files_out_and_say_so(self, mail_settings):
        mail_settings.ATTACHMENTS_MAX, mail_settings.ATTACHMENT_MAX_BYTES = 1, 50
        inbound = receive(eml("new-request.eml"))  # one 70-byte PNG
        assert not Attachment.objects.exists() and Ticket.objects.count() == 1
        assert "screen shot_1_.png: 70 bytes, over 50" in inbound.reason

    def test_files_past_the_total_for_one_message_are_left_out(self, mail_settings):
        from tickets.mail.parse import ParsedAttachment
        from tickets.rules.files import upload_problems

        mail_settings.ATTACHMENTS_MAX_TOTAL_BYTES = 100
        ticket = TicketFactory()
        files = [ParsedAttachment(f"{i}.txt", "text/plain", b"x" * 60) for i in range(2)]
        stored, left_out = services.attachments_add(ticket=ticket, message=None, files=files)
        assert [a.name for a in stored] == ["0.txt"] and "1.txt" in left_out[0]
        assert upload_problems([("a", 60), ("b", 60)]) == ["The files come to 0.0 MB; at most 0 MB together."]

    def test_html_only_mail_without_a_message_id_is_read_and_stored_once(self, mail_settings):
        raw = eml("html-only-no-message-id.eml")
        first, again = receive(raw), receive(raw, transport="imap")
        assert first.pk == again.pk and first.key.startswith("sha256:")
        ticket = Ticket.objects.get()
        assert "Why was I charged twice for invoice INV-7?" in ticket.description and "<b>" not in ticket.description

    def test_the_same_message_by_two_doors_is_one_ticket(self, mail_settings):
        raw = eml("new-request.eml")
        assert receive(raw, "pipe").pk == receive(raw, "imap").pk
        assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 1

    def test_a_flood_from_one_sender_is_stored_without_more_confirmations(
        self, mail_settings, smtp, django_capture_on_commit_callbacks
    ):
        mail_settings.CONFIRMATIONS_PER_ADDRESS_PER_DAY = 2
        with django_capture_on_commit_callbacks(execute=True):
            records = [receive(message(subject=f"Spam {i}", msgid=f"<flood-{i}@example.com>")) for i in range(4)]
        assert Ticket.objects.count() == 4 and len(smtp.received) == 2
        assert "no confirmation sent" in records[-1].reason


class TestLoopsAndBounces:
    @pytest.mark.parametrize(
        ("raw", "why"),
        [
            (eml("out-of-office.eml"), "Auto-Submitted: auto-replied"),
            (eml("bounce.eml"), "a bounce or delivery report"),
            (message(Precedence="bulk"), "Precedence: bulk"),
            (message(**{"List-Id": "<news.example.com>"}), "mailing-list mail"),
            (message(**{"X-Loop": "support@example.com"}), "X-Loop"),
            (message(**{"X-Auto-Response-Suppress": "All"}), "X-Auto-Response-Suppress"),
            (message(sender="support+t12-abc@example.com"), "sent from our own address"),
            (message(msgid="<abc@support.example.com>"), "our own message came back"),
        ],
    )
    def test_automatic_mail_is_recorded_and_never_answered(self, mail_settings, smtp, raw, why):
        inbound = receive(raw)
        assert inbound.state == "ignored" and why in inbound.reason
        assert not Ticket.objects.exists() and not TicketEmail.objects.exists() and smtp.received == []

    def test_a_message_over_the_size_limit_is_kept_aside_whole(self, mail_settings):
        mail_settings.EMAIL_MAX_BYTES = 500
        inbound = receive(message(body="x" * 1000))
        assert (inbound.state, Ticket.objects.count()) == ("too_large", 0)
        with inbound.raw.open("rb") as kept:
            assert kept.read() == message(body="x" * 1000)

    def test_an_unreadable_message_is_kept_aside_and_the_next_is_read(self, mail_settings):
        aside = receive(b"\x00\x01\x02 not an email")
        assert aside.state == "unreadable" and aside.reason
        assert receive(message()).state == "stored"


class TestAnswers:
    def reply_to(self, ticket, **kwargs) -> bytes:
        return message(sender=ticket.submitter_email, subject=f"Re: [Ticket #{ticket.pk}] {ticket.title}", **kwargs)

    def test_an_answer_to_our_email_reopens_the_ticket_and_is_the_customers_message(
        self, mail_settings, agent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = receive(message(msgid="<first@example.com>"))
        ticket = first.ticket
        services.message_add(ticket=ticket, kind="reply", body="Please update the client.", author=agent)
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
        ours = TicketEmail.objects.filter(ticket=ticket).order_by("-id").first().header_id
        body = "Updated, still broken.\r\n\r\nOn Fri, Support wrote:\r\n> Please update the client."
        inbound = receive(
            message(msgid="<answer@example.com>", body=body, subject="Re: whatever", **{"In-Reply-To": ours})
        )
        ticket.refresh_from_db()
        assert (inbound.state, inbound.created_ticket, inbound.ticket) == ("stored", False, ticket)
        assert (ticket.status, ticket.customer_replied) == ("open", True)
        assert inbound.message.kind == "customer" and inbound.message.body == "Updated, still broken."
        assert Ticket.objects.count() == 1

    def test_the_signed_reply_address_threads_and_a_forged_one_does_not(self, mail_settings):
        ticket = TicketFactory(submitter_email="ann@example.com")
        address = reply_address(ticket.pk)
        assert ticket_from_address(address) == ticket.pk
        assert ticket_from_address(address.replace(f"t{ticket.pk}-", f"t{ticket.pk + 1}-")) is None
        receive(message(msgid="<r1@example.com>", To=address, subject="no tag here"))
        assert TicketMessage.objects.get().ticket == ticket
        forged = address.replace(f"t{ticket.pk}-", f"t{ticket.pk}-0")[:-1]
        receive(message(msgid="<r2@example.com>", To=forged, subject="guessing"))
        assert Ticket.objects.count() == 2  # a new ticket, not a message on someone else's

    def test_a_subject_tag_threads_only_from_the_submitter(self, mail_settings):
        ticket = TicketFactory(submitter_email="ann@example.com", title="VPN drops")
        receive(self.reply_to(ticket, msgid="<t1@example.com>"))
        assert ticket.messages.count() == 1
        stranger = message(
            sender="mallory@example.net", subject=f"Re: [Ticket #{ticket.pk}] hi", msgid="<t2@example.com>"
        )
        assert receive(stranger).created_ticket is True
        assert ticket.messages.count() == 1 and Ticket.objects.count() == 2

    def test_answers_are_kept_past_the_tracking_pages_waiting_cap(self, mail_settings):
        mail_settings.CUSTOMER_MESSAGES_WAITING_MAX = 1
        ticket = TicketFactory(submitter_email="ann@example.com")
        for i in range(3):
            receive(self.reply_to(ticket, msgid=f"<w{i}@example.com>"))
        assert ticket.messages.filter(kind="customer").count() == 3

    def test_threading_reads_one_indexed_row(self, mail_settings, django_assert_max_num_queries):
        TicketFactory(submitter_email="ann@example.com")
        with django_assert_max_num_queries(2):
            assert selectors.mail_thread(parse(message(**{"In-Reply-To": "<nothing@x>"}))) == (None, "")


def run_pipe(raw: bytes, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "receive_email"],
        input=raw,
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_the_pipe_stores_real_eml_files_and_asks_the_mta_to_retry_when_the_database_is_down():
    for name in ("new-request.eml", "out-of-office.eml", "new-request.eml"):
        result = run_pipe(eml(name))
        assert result.returncode == 0, result.stderr.decode()[-1000:]
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 2
    down = run_pipe(eml("bounce.eml"), DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    assert down.returncode == 75 and b"try again later" in down.stderr


@pytest.fixture
def dovecot():
    server = Dovecot()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
class TestImap:
    def test_the_mailbox_is_fetched_stored_then_marked_seen(self, dovecot, mail_settings):
        from django.core.management import call_command

        mail_settings.EMAIL_INBOX_URL = dovecot.url
        for name in ("new-request.eml", "bounce.eml", "invite-cp1252.eml"):
            dovecot.deliver(eml(name))
        call_command("fetch_email")
        assert Ticket.objects.count() == 2 and InboundEmail.objects.count() == 3
        assert set(InboundEmail.objects.values_list("transport", flat=True)) == {"imap"}
        assert dovecot.seen_count() == 3
        call_command("fetch_email")  # nothing unseen: nothing more
        assert InboundEmail.objects.count() == 3

    def test_a_poller_killed_between_storing_and_flagging_gives_no_duplicate(self, dovecot, mail_settings):
        from tickets import inbox

        raw = eml("new-request.eml")
        dovecot.deliver(raw)
        receive(raw, "imap")  # stored and committed; the process died before it marked the message seen
        assert dovecot.seen_count() == 0
        result = inbox.poll(dovecot.url)
        assert (result.fetched, Ticket.objects.count(), dovecot.seen_count()) == (1, 1, 1)

    def test_two_pollers_never_fetch_one_mailbox_at_once(self, dovecot):
        from tickets import inbox

        box = inbox.Mailbox.from_url(dovecot.url)
        with inbox.only_poller(box) as first:
            assert first is True
            assert inbox.poll(dovecot.url).skipped is True
        assert inbox.poll(dovecot.url).skipped is False

    def test_the_worker_polls_the_mailbox_on_its_own(self, dovecot, mail_settings):
        env = production_env(EMAIL_INBOX_URL=dovecot.url, EMAIL_INBOX_POLL_S="0.2")
        dovecot.deliver(eml("new-request.eml"))
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "fetch_email", "--loop", "--rounds", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr.decode()[-1000:]
        assert Ticket.objects.get().submitter_email == "renee@example.org" and dovecot.seen_count() == 1


def test_a_kept_aside_message_is_retried_after_a_fix(mail_settings, monkeypatch):
    from tickets.services import mail as mail_service

    def broken(raw):
        raise Unreadable("a parser bug")

    monkeypatch.setattr(mail_service, "parse", broken)
    aside = receive(message())
    assert aside.state == "unreadable"
    monkeypatch.undo()
    retried = services.mail_retry(inbound=aside)
    assert retried.state == "stored" and Ticket.objects.count() == 1
    assert not InboundEmail.objects.filter(state="unreadable").exists()
    assert retried.received_at <= timezone.now()


class TestAttachmentDownloads:
    HTML = b"<html><script>alert(document.cookie)</script></html>"

    def ticket_with_files(self, agent):
        from tickets.mail.parse import ParsedAttachment

        inbound = receive(eml("new-request.eml"))  # the request itself carries a PNG
        ticket = inbound.ticket
        note = services.message_add(ticket=ticket, kind="note", body="Internal: see the log", author=agent)
        reply = services.message_add(ticket=ticket, kind="reply", body="Here is the fix", author=agent)
        (log,), _ = services.attachments_add(
            ticket=ticket, message=note, files=[ParsedAttachment("server.log", "text/plain", b"secret log")]
        )
        (page,), _ = services.attachments_add(
            ticket=ticket, message=reply, files=[ParsedAttachment("fix.html", "text/html", self.HTML)]
        )
        return ticket, ticket.attachments.get(message=None), log, page

    def test_downloads_are_never_pages_that_run_script(self, mail_settings, agent):
        from rest_framework.test import APIClient

        ticket, shot, _, page = self.ticket_with_files(agent)
        staff = APIClient()
        staff.force_authenticate(agent)
        response = staff.get(f"/api/attachments/{page.pk}/", {"inline": "1"})
        assert response.status_code == 200 and b"".join(response.streaming_content) == self.HTML
        assert response["Content-Type"] == "application/octet-stream"  # never text/html, even when asked inline
        assert response["Content-Disposition"].startswith('attachment; filename="fix.html"')
        assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
        image = staff.get(f"/api/attachments/{shot.pk}/", {"inline": "1"})
        assert image["Content-Type"] == "image/png" and image["Content-Disposition"].startswith("inline")
        assert b"".join(image.streaming_content)[:4] == b"\x89PNG"

    def test_the_tracking_link_opens_public_files_only_and_the_api_lists_them(self, mail_settings, agent):
        from rest_framework.test import APIClient

        from tickets.rules.tracking import tracking_token

        ticket, shot, log, page = self.ticket_with_files(agent)
        token = tracking_token(ticket)
        public = APIClient()

        def status(url):
            response = public.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end: the test client then closes the file
            return response.status_code

        assert status(f"/api/track/{token}/attachments/{shot.pk}/") == 200
        assert status(f"/api/track/{token}/attachments/{page.pk}/") == 200
        assert status(f"/api/track/{token}/attachments/{log.pk}/") == 404  # on an internal note
        other = receive(message(msgid="<other@example.com>", sender="zed@example.com")).ticket
        assert status(f"/api/track/{tracking_token(other)}/attachments/{shot.pk}/") == 404

        body = public.get(f"/api/track/{token}/").json()
        assert [a["name"] for a in body["attachments"]] == ["screen shot_1_.png"]
        reply = next(m for m in body["messages"] if m["kind"] == "reply")
        assert [(a["name"], a["url"].split("/api/")[1]) for a in reply["attachments"]] == [
            ("fix.html", f"track/{token}/attachments/{page.pk}/")
        ]
        assert "server.log" not in public.get(f"/api/track/{token}/").content.decode()

        staff = APIClient()
        staff.force_authenticate(agent)
        detail = staff.get(f"/api/tickets/{ticket.pk}/").json()
        assert [(a["name"], a["content_type"], a["size"]) for a in detail["attachments"]] == [
            ("screen shot_1_.png", "image/png", 70)
        ]
        thread = staff.get(f"/api/tickets/{ticket.pk}/messages/").json()
        assert {m["kind"]: [a["name"] for a in m["attachments"]] for m in thread} == {
            "note": ["server.log"],
            "reply": ["fix.html"],
        }


class TestMailgunWebhook:
    URL = "/api/email/mailgun/inbound_mime/"
    KEY = "key-test-signing-0123456789"

    def post(self, client, raw: bytes, *, key=None, timestamp=None):
        import hashlib
        import hmac
        import time

        timestamp = str(int(timestamp or time.time()))
        token = "t" * 50
        signature = hmac.new((key or self.KEY).encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
        fields = {
            "recipient": "support@example.com",
            "sender": "renee@example.org",
            "body-mime": raw.decode("utf-8"),
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        }
        return client.post(self.URL, fields)

    def test_a_signed_delivery_is_stored_once_and_a_forged_one_refused(self, client, mail_settings):
        mail_settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": self.KEY}
        raw = eml("new-request.eml")
        assert self.post(client, raw).status_code == 200
        assert self.post(client, raw).status_code == 200  # Mailgun retried: still one ticket
        inbound = InboundEmail.objects.get()
        assert (inbound.transport, inbound.state, Ticket.objects.count()) == ("webhook", "stored", 1)
        assert Attachment.objects.get().name == "screen shot_1_.png"

        forged = self.post(client, message(msgid="<forged@example.com>"), key="someone-elses-key")
        assert forged.status_code == 400 and InboundEmail.objects.count() == 1

    def test_without_a_signing_key_there_is_no_webhook(self, client, mail_settings):
        mail_settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": ""}
        assert self.post(client, eml("new-request.eml")).status_code == 404
        assert not InboundEmail.objects.exists()

    @pytest.mark.parametrize(
        "fields",
        [
            {},
            {"timestamp": "yesterday", "token": "x", "signature": "y"},
            {"timestamp": "1", "token": "x" * 10_000, "signature": "\x00"},
            {"event": "delivered", "timestamp": "1", "token": "t", "signature": "s"},
        ],
    )
    def test_malformed_deliveries_are_refused_never_a_server_error(self, client, mail_settings, fields):
        mail_settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": self.KEY}
        assert client.post(self.URL, fields).status_code == 400
        assert not InboundEmail.objects.exists()

    def test_signed_garbage_is_kept_aside_not_lost(self, client, mail_settings):
        mail_settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": self.KEY}
        assert self.post(client, b"\x01\x02 not an email at all").status_code == 200
        assert InboundEmail.objects.get().state in ("unreadable", "ignored")


class TestFilesFromPeople:
    PNG = (MAIL / "new-request.eml").read_bytes()  # any bytes do; the type is read from them

    def test_an_agents_reply_carries_its_files_as_real_email_attachments(
        self, client, agent, smtp, mail_settings, django_capture_on_commit_callbacks
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        ticket = TicketFactory(submitter_email="ann@example.com")
        client.force_login(agent)
        upload = SimpleUploadedFile("fix steps.pdf", b"%PDF-1.4 the steps", content_type="application/pdf")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:tickets_ticket_add_message", args=[ticket.pk]),
                {"kind": "reply", "body": "The steps are attached.", "attachments": [upload]},
            )
        assert response.status_code == 302
        (stored,) = Attachment.objects.filter(message__kind="reply")
        assert (stored.name, stored.content_type) == ("fix steps.pdf", "application/pdf")
        (mail,) = smtp.received
        (part,) = list(mail.iter_attachments())
        assert (part.get_filename(), part.get_content()) == ("fix steps.pdf", b"%PDF-1.4 the steps")
        page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
        assert f'href="/api/attachments/{stored.pk}/"' in page and "fix steps.pdf" in page

    def test_too_many_or_too_large_files_are_refused_with_the_reason_and_nothing_is_stored(
        self, client, agent, settings
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse
        from rest_framework.test import APIClient

        settings.ATTACHMENTS_MAX, settings.ATTACHMENT_MAX_BYTES = 2, 1_048_576
        ticket = services.ticket_create(title="VPN", description="It drops.", tracking=True)
        big = SimpleUploadedFile("huge.bin", b"x" * 1_100_000)
        client.force_login(agent)
        response = client.post(
            reverse("admin:tickets_ticket_add_message", args=[ticket.pk]),
            {"kind": "reply", "body": "Here.", "attachments": [big]},
            follow=True,
        )
        assert "huge.bin is 1.0 MB; a file may be at most 1 MB." in response.content.decode()
        three = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(3)]
        refused = APIClient().post(
            f"/api/track/{ticket.tracking_token}/messages/", {"body": "Files", "attachments": three}, format="multipart"
        )
        assert refused.status_code == 400 and "at most 2 files" in refused.json()["attachments"][0]
        assert not TicketMessage.objects.exists() and not Attachment.objects.exists()

    def test_a_customer_answers_with_a_file_through_the_tracking_page(self, mail_settings):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from rest_framework.test import APIClient

        ticket = services.ticket_create(title="VPN", description="It drops.", tracking=True)
        shot = SimpleUploadedFile("screen.png", bytes.fromhex("89504e470d0a1a0a") + b"rest", content_type="image/png")
        response = APIClient().post(
            f"/api/track/{ticket.tracking_token}/messages/",
            {"body": "See the screen", "attachments": [shot]},
            format="multipart",
        )
        assert response.status_code == 201
        (file,) = response.json()["attachments"]
        assert (file["name"], file["content_type"]) == ("screen.png", "image/png")
        assert file["url"].endswith(f"/api/track/{ticket.tracking_token}/attachments/{file['id']}/")

    def test_a_form_upload_in_another_charset_is_refused(self):
        from rest_framework.test import APIClient

        ticket = services.ticket_create(title="VPN", description="It drops.", tracking=True)
        response = APIClient().generic(
            "POST",
            f"/api/track/{ticket.tracking_token}/messages/",
            b'--b\r\nContent-Disposition: form-data; name="body"\r\n\r\nx\r\n--b--\r\n',
            content_type="multipart/form-data; boundary=b; charset=zlib_codec",
        )
        assert response.status_code == 415 and not TicketMessage.objects.exists()

    def test_the_submission_form_sends_files_with_the_request(self, mail_settings):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from rest_framework.test import APIClient

        invoice = SimpleUploadedFile("invoice.pdf", b"%PDF-1.7 total 40 EUR", content_type="application/pdf")
        fields = {"title": "Invoice wrong", "description": "See the invoice.", "attachments": [invoice]}
        response = APIClient().post("/api/tickets/", fields, format="multipart")
        assert response.status_code == 201, response.content
        ticket = Ticket.objects.get(pk=response.json()["id"])
        (stored,) = ticket.attachments.all()
        assert (stored.name, stored.content_type, stored.message) == ("invoice.pdf", "application/pdf", None)

    def test_a_json_submission_naming_files_is_a_400(self):
        from rest_framework.test import APIClient

        payload = {"title": "x", "description": "y", "attachments": ["/etc/passwd"]}
        response = APIClient().post("/api/tickets/", payload, format="json")
        assert response.status_code == 400 and list(response.json()) == ["attachments"]
        assert not Ticket.objects.exists()


def test_a_message_that_breaks_storing_is_kept_aside_and_the_next_one_is_stored(mail_settings, monkeypatch):
    from tickets.services import mail as mail_service

    real = mail_service.attachments_add

    def broken(**kwargs):
        if kwargs["files"]:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(mail_service, "attachments_add", broken)
    aside = receive(eml("new-request.eml"))  # it has a file: storing it fails
    assert aside.state == "unreadable" and "OSError" in aside.reason and not Ticket.objects.exists()
    assert receive(message()).state == "stored"
