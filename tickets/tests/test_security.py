"""The second security pass: each attack as an attacker would run it, and what Cootrack does now.

The public form as a mail cannon, an .xlsx that unpacks to gigabytes, a tracking link that floods a ticket, a
canned response that shows a ticket to someone who may not view it, a line break that stops every email, an import
that mails customers, and a leaked tracking link that staff could not revoke.
"""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from tickets import services
from tickets.models import MessageKind, Ticket, TicketEmail, TicketEvent, TicketMessage
from tickets.rules.tracking import tracking_token
from tickets.tests.factories import TicketFactory, xlsx_bytes
from tickets.transfer.files import ImportFileError, read_import_file

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"
SPAM = {
    "title": "WIN 1000 EUR now at http://evil.example/claim",
    "description": "Click http://evil.example/claim to get your prize today.",
}


def _post(payload):
    return APIClient().post(URL, payload, format="json")


class TestTheFormIsNoMailCannon:
    def test_the_link_goes_only_to_the_address_and_the_confirmation_quotes_nothing_typed(
        self, smtp, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post({**SPAM, "submitter_email": "victim@example.org"})
        body = response.json()
        assert response.status_code == 201
        assert body["tracking_url"] is None and body["tracking_link_emailed"] is True
        assert "/t/" not in response.content.decode()
        (mail,) = smtp.received
        ticket = Ticket.objects.get()
        text = mail.as_string()
        assert "evil.example" not in text and "WIN" not in text and "1000" not in text
        assert mail["Subject"] == f"[Ticket #{ticket.pk}] We received your request"
        assert f"/t/{tracking_token(ticket)}" in mail.get_content()  # the link reaches the address's owner

    def test_without_an_address_the_link_is_shown_once_and_nothing_is_mailed(self, smtp):
        body = _post(SPAM).json()
        assert body["tracking_url"].startswith("http://testserver/t/") and body["tracking_link_emailed"] is False
        assert not TicketEmail.objects.exists()

    def test_one_mailbox_gets_a_few_confirmations_a_day_and_every_ticket_is_kept(
        self, smtp, settings, django_capture_on_commit_callbacks
    ):
        settings.CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3
        spellings = ["victim@example.org", "VICTIM@example.org", "victim+1@example.org", "victim+win@Example.org"]
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(8):
                assert _post({**SPAM, "submitter_email": spellings[i % 4]}).status_code == 201
            other = _post({**SPAM, "submitter_email": "someone.else@example.org"})
        assert Ticket.objects.count() == 9  # stored, every one
        assert len(smtp.received) == 4  # three for the victim's mailbox, one for the other address
        assert sum("someone.else" in m["To"] for m in smtp.received) == 1
        assert other.status_code == 201

    def test_a_staff_reply_still_reaches_a_submitter_past_the_cap(self, smtp, settings, agent):
        settings.CONFIRMATIONS_PER_ADDRESS_PER_DAY = 0
        ticket = Ticket.objects.get(pk=_post({**SPAM, "submitter_email": "ann@example.com"}).json()["id"])
        assert not TicketEmail.objects.exists()
        services.message_add(ticket=ticket, kind="reply", body="Is this really yours?", author=agent)
        assert TicketEmail.objects.get().to == "ann@example.com"


def _rewrite_sheet(raw: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML passed through ``change`` (as an attacker's tool would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(item.filename, data)
    return out.getvalue()


HEADER = ("title", "description")
ADMIN_INLINE = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


def _wide(rows: int):
    """A sheet that declares A1:XFD<rows> (16,384 columns) and holds ``rows`` empty rows after one real one."""

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+"\s*/>', f'<dimension ref="A1:XFD{rows}"/>', xml)
        empty = "".join(f'<row r="{n}"/>' for n in range(3, rows + 1))
        return xml.replace("</sheetData>", empty + "</sheetData>")

    return _rewrite_sheet(xlsx_bytes([HEADER, ("Printer", "It jams")]), change)


def _peak_mb(read) -> float:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1] / 1_048_576
    finally:
        tracemalloc.stop()


class TestSpreadsheetBombs:
    def test_a_sheet_declaring_every_column_is_read_only_as_wide_as_its_header(self):
        raw = _wide(5_000)
        assert len(raw) < 40_000
        found = {}
        peak = _peak_mb(lambda: found.setdefault("file", read_import_file(raw, "wide.xlsx")))
        assert found["file"].rows == 1 and found["file"].text == "title,description\nPrinter,It jams\n"
        assert peak < 20, f"{peak:.0f} MB"  # was 645 MB: 5,000 rows of 16,384 empty cells

    def test_a_sheet_declaring_a_million_rows_is_refused_before_reading(self, settings):
        raw = _rewrite_sheet(
            xlsx_bytes([HEADER, ("Printer", "It jams")]),
            lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml),
        )
        with pytest.raises(ImportFileError, match="declares 1,048,576 rows; the limit is 50,000"):
            read_import_file(raw, "bomb.xlsx")

    def test_an_archive_that_unpacks_past_the_limit_is_refused_unopened(self, settings):
        settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 2 * 1_048_576
        huge = "A" * (3 * 1_048_576)  # compresses to a few KB, as the 300 MB string did to 303 KB
        raw = _rewrite_sheet(
            xlsx_bytes([HEADER, ("x", "y")]),
            lambda xml: xml.replace(
                "</sheetData>", f'<row r="3"><c r="A3" t="inlineStr"><is><t>{huge}</t></is></c></row></sheetData>'
            ),
        )
        assert len(raw) < 50_000
        refused = []

        def read():
            try:
                read_import_file(raw, "bomb.xlsx")
            except ImportFileError as error:
                refused.append(str(error))

        peak = _peak_mb(read)
        assert refused and "unpacks to 3 MB; the limit is 2 MB" in refused[0]
        assert peak < 1, f"{peak:.1f} MB"  # nothing was unpacked

    def test_a_small_file_is_read_once_per_upload(self, client, manager, monkeypatch):
        from tickets.admin import forms

        reads = []
        monkeypatch.setattr(
            forms, "read_import_file", lambda raw, name: reads.append(name) or read_import_file(raw, name)
        )
        client.force_login(manager)
        upload = io.BytesIO(xlsx_bytes([HEADER, ("Printer", "It jams")]))
        upload.name = "small.xlsx"
        response = client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": upload})
        assert response.status_code == 200 and "Printer" in response.content.decode()
        assert reads == ["small.xlsx"]


def _track_post(token, body="Any news?"):
    return APIClient().post(f"/api/track/{token}/messages/", {"body": body}, format="json")


class TestTrackingLinkFlood:
    def test_unanswered_messages_are_capped_until_staff_reply(self, settings, agent):
        settings.CUSTOMER_MESSAGES_WAITING_MAX = 3
        ticket = services.ticket_create(title="VPN", description="It drops.", tracking=True)
        token = ticket.tracking_token
        services.ticket_change_status(ticket=ticket, status="closed", actor=agent)
        answers = [_track_post(token, "x" * 10_000).status_code for _ in range(5)]
        assert answers == [201, 201, 201, 429, 429]
        refused = _track_post(token)
        assert "3 messages we have not answered yet" in refused.json()["detail"]
        assert TicketMessage.objects.filter(kind=MessageKind.CUSTOMER).count() == 3
        reopened = TicketEvent.objects.filter(ticket=ticket, field="status", new_value="open").count()
        assert reopened == 1

        services.message_add(ticket=ticket, kind="reply", body="We are on it.", author=agent)
        assert _track_post(token).status_code == 201

    def test_the_thread_is_paged_newest_first_in_the_api_tracking_page_and_admin(self, settings, agent, client):
        settings.THREAD_PAGE_SIZE = 4
        settings.CUSTOMER_MESSAGES_WAITING_MAX = 100
        ticket = services.ticket_create(title="VPN", description="It drops.", tracking=True)
        for i in range(10):
            kind = "note" if i % 5 == 4 else "customer"
            services.message_add(
                ticket=ticket, kind=kind, body=f"message {i}", author=agent if kind == "note" else None
            )

        staff = APIClient()
        staff.force_authenticate(agent)
        first = staff.get(f"{URL}{ticket.pk}/messages/")
        assert [m["body"] for m in first.json()] == ["message 6", "message 7", "message 8", "message 9"]
        assert first["X-Total-Count"] == "10" and 'rel="next"' in first["Link"] and "page=2" in first["Link"]
        last = staff.get(f"{URL}{ticket.pk}/messages/", {"page": 3})
        assert [m["body"] for m in last.json()] == ["message 0", "message 1"] and 'rel="prev"' in last["Link"]
        assert staff.get(f"{URL}{ticket.pk}/messages/", {"page": "x"}).status_code == 400

        public = APIClient().get(f"/api/track/{ticket.tracking_token}/").json()
        assert (public["page"], public["pages"], public["messages_total"]) == (1, 2, 8)  # never a note
        assert [m["body"] for m in public["messages"]] == ["message 5", "message 6", "message 7", "message 8"]
        older = APIClient().get(f"/api/track/{ticket.tracking_token}/", {"page": 2}).json()
        assert [m["body"] for m in older["messages"]] == ["message 0", "message 1", "message 2", "message 3"]

        client.force_login(agent)
        page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
        assert "message 9" in page and "message 5" not in page and "Older messages" in page
        assert 'id="id_message_body"' in page  # the reply box is on the page with the newest messages
        older_page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]), {"thread_page": "3"})
        assert "message 0" in older_page.content.decode() and "message 9" not in older_page.content.decode()


def test_canned_responses_filled_for_a_ticket_need_the_right_to_view_it(django_user_model):
    ticket = TicketFactory(title="Secret merger", submitter_email="ceo@example.com")
    services.canned_add_starters()
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_cannedresponse"))
    api = APIClient()
    api.force_authenticate(reader)
    filled = api.get("/api/canned-responses/", {"ticket": ticket.pk})
    assert filled.status_code == 403
    assert "Secret merger" not in filled.content.decode() and "ceo@" not in filled.content.decode()
    assert api.get("/api/canned-responses/").status_code == 200  # the bodies as written stay readable


class TestTitlesAreOneLine:
    BROKEN = "Printer\r\njams\x0bagain\x0cand\u2028again\x85!"
    CLEAN = "Printer jams again and again !"

    def test_every_door_stores_one_line(self, agent, client, manager):
        created = _post({"title": self.BROKEN, "description": "d"}).json()
        assert Ticket.objects.get(pk=created["id"]).title == self.CLEAN

        staff = APIClient()
        staff.force_authenticate(agent)
        assert staff.patch(f"{URL}{created['id']}/", {"title": "A\nB"}, format="json").json()["title"] == "A B"

        client.force_login(manager)
        upload = io.BytesIO(f'title,description\n"{self.BROKEN}",d\n'.encode())
        upload.name = "t.csv"
        preview = client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": upload})
        client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
        added = client.post(
            reverse("admin:tickets_ticket_add"),
            {"title": "Admin\nadded", "description": "d", "status": "open", **ADMIN_INLINE},
        )
        assert added.status_code == 302, added.context["adminform"].form.errors
        titles = set(Ticket.objects.values_list("title", flat=True))
        assert titles == {"A B", self.CLEAN, "Admin added"}

    def test_a_title_stored_with_a_line_break_still_gets_its_emails_sent(
        self, smtp, agent, django_capture_on_commit_callbacks
    ):
        ticket = TicketFactory(submitter_email="ann@example.com")
        Ticket.objects.filter(pk=ticket.pk).update(title="Line one\nBcc: everyone@example.com")
        ticket.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.message_add(ticket=ticket, kind="reply", body="Fixed.", author=agent)
        email = TicketEmail.objects.get()
        assert email.status == "sent", email.error
        (mail,) = smtp.received
        assert mail["Subject"] == f"[Ticket #{ticket.pk}] Re: Line one Bcc: everyone@example.com"
        assert mail["Bcc"] is None


def test_an_import_never_mails_customers_and_the_history_keeps_the_change(client, manager, smtp):
    ticket = TicketFactory(submitter_email="ann@example.com", status="open")
    client.force_login(manager)
    upload = io.BytesIO(
        f"id,title,description,status,submitter_email\n{ticket.pk},{ticket.title},{ticket.description},resolved,"
        "ann@example.com\n,New one,Old case,resolved,bob@example.com\n".encode()
    )
    upload.name = "old.csv"
    preview = client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": upload})
    client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
    assert set(Ticket.objects.values_list("status", flat=True)) == {"resolved"}
    assert not TicketEmail.objects.exists() and smtp.received == []
    moves = TicketEvent.objects.filter(field="status").values_list("old_value", "new_value")
    assert sorted(moves) == [("open", "resolved"), ("open", "resolved")]


class TestNewTrackingLink:
    def test_staff_issue_a_new_link_the_old_one_404s_at_once_and_the_new_one_is_mailed(
        self, client, agent, smtp, django_capture_on_commit_callbacks
    ):
        ticket = services.ticket_create(
            title="VPN", description="It drops.", submitter_email="ann@example.com", tracking=True
        )
        old = ticket.tracking_token
        assert APIClient().get(f"/api/track/{old}/").status_code == 200
        client.force_login(agent)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:tickets_ticket_new_link", args=[ticket.pk]))
        assert response.status_code == 302
        assert APIClient().get(f"/api/track/{old}/").status_code == 404
        ticket.refresh_from_db()
        new = tracking_token(ticket)
        assert new != old and APIClient().get(f"/api/track/{new}/").status_code == 200
        mail = smtp.received[-1]
        assert mail["To"] == "ann@example.com" and f"/t/{new}" in mail.get_content() and old not in mail.as_string()
        event = TicketEvent.objects.get(ticket=ticket, field="tracking_link")
        assert event.actor == agent and "emailed to ann@example.com" in event.new_value

    def test_the_changelist_action_renews_links_in_bulk(self, client, agent):
        tickets = [services.ticket_create(title=f"T{i}", description="d", tracking=True) for i in range(3)]
        client.force_login(agent)
        client.post(
            reverse("admin:tickets_ticket_changelist"),
            {"action": "new_tracking_links", "_selected_action": [t.pk for t in tickets]},
        )
        for ticket in tickets:
            assert APIClient().get(f"/api/track/{ticket.tracking_token}/").status_code == 404

    def test_an_agent_without_change_rights_cannot(self, client, django_user_model):
        ticket = services.ticket_create(title="VPN", description="d", tracking=True)
        viewer = django_user_model.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
        client.force_login(viewer)
        assert client.post(reverse("admin:tickets_ticket_new_link", args=[ticket.pk])).status_code == 403
        assert APIClient().get(f"/api/track/{ticket.tracking_token}/").status_code == 200
