"""The customer's "My tickets": a one-time link by email (hashed, short-lived, throttled, the same answer for any
address), then every ticket of that address, newest first with our last reply, each thread readable and
answerable; never another customer's ticket; signing out and the session's end close it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from tickets import services
from tickets.mail.parse import ParsedAttachment
from tickets.models import CustomerSignIn, MessageKind, Ticket

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://support\.example\.com/my-tickets#signin=([A-Za-z0-9_-]+)")
SENT = "If we have requests from this address, a sign-in link is on its way"


def submit(title: str, email: str = "ann@example.com") -> Ticket:
    return services.ticket_create(
        title=title, description="Details.", category="technical", priority="low", submitter_email=email,
        classify_ticket=False,
    )  # fmt: skip


def ask_link(client: Client, email: str, commit) -> dict:
    with commit(execute=True):  # the worker's job runs once the request's transaction commits
        response = client.post("/api/portal/sign-in/", {"email": email}, content_type="application/json")
    assert response.status_code == 202
    return response.json()


def signed_in(client: Client, smtp, commit, email: str = "ann@example.com") -> Client:
    ask_link(client, email, commit)
    token = LINK.search(smtp.received[-1].get_content()).group(1)
    response = client.post("/api/portal/session/", {"token": token}, content_type="application/json")
    assert response.json() == {"signed_in": True, "email": email}
    return client


def test_a_link_by_email_opens_all_my_tickets_newest_first_with_our_last_reply(
    smtp, agent, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    first = submit("Printer jams")
    time_machine.move_to(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False)
    second = submit("VPN drops", email="Ann@Example.COM")  # the same address, typed otherwise
    submit("Someone else's", email="bob@example.com")
    services.message_add(ticket=first, kind=MessageKind.REPLY, body="Please restart it.", author=agent)
    services.message_add(ticket=first, kind=MessageKind.NOTE, body="Internal: old model.", author=agent)

    client = signed_in(Client(), smtp, django_capture_on_commit_callbacks)
    mine = client.get("/api/portal/tickets/").json()
    assert [t["id"] for t in mine["results"]] == [second.pk, first.pk] and mine["count"] == 2
    assert mine["results"][1]["last_reply"] == "Please restart it." and mine["results"][0]["last_reply"] is None
    thread = client.get(f"/api/portal/tickets/{first.pk}/").json()
    assert [m["body"] for m in thread["messages"]] == ["Please restart it."]  # never the note
    answer = client.post(f"/api/portal/tickets/{first.pk}/messages/", {"body": "Done, thanks."}, "application/json")
    assert answer.status_code == 201
    assert first.messages.filter(kind=MessageKind.CUSTOMER, body="Done, thanks.").exists()


def test_another_customers_ticket_and_its_files_are_not_there(smtp, django_capture_on_commit_callbacks):
    mine, theirs = submit("Mine"), submit("Theirs", email="bob@example.com")
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    (own_file,), _ = services.attachments_add(ticket=mine, message=None, files=[ParsedAttachment("a.txt", "", b"hi")])
    (their_file,), _ = services.attachments_add(ticket=theirs, message=None, files=[ParsedAttachment("b.png", "", png)])
    client = signed_in(Client(), smtp, django_capture_on_commit_callbacks)
    assert client.get(f"/api/portal/tickets/{theirs.pk}/").status_code == 404
    body = {"body": "Let me in"}
    assert client.post(f"/api/portal/tickets/{theirs.pk}/messages/", body, "application/json").status_code == 404
    download = client.get(f"/api/portal/tickets/{mine.pk}/attachments/{own_file.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"hi"
    assert client.get(f"/api/portal/tickets/{mine.pk}/attachments/{their_file.pk}/").status_code == 404
    assert client.get(f"/api/portal/tickets/{theirs.pk}/attachments/{their_file.pk}/").status_code == 404
    listed = client.get(f"/api/portal/tickets/{mine.pk}/").json()["attachments"]
    assert listed[0]["url"].endswith(f"/api/portal/tickets/{mine.pk}/attachments/{own_file.pk}/")


def test_the_answer_is_the_same_for_any_address_and_only_real_customers_get_mail(
    smtp, django_capture_on_commit_callbacks
):
    submit("Printer jams")
    known = ask_link(Client(), "ann@example.com", django_capture_on_commit_callbacks)
    unknown = ask_link(Client(), "nobody@example.com", django_capture_on_commit_callbacks)
    assert known == unknown and SENT in known["detail"]
    assert [m["To"] for m in smtp.received] == ["ann@example.com"]
    bad = Client().post("/api/portal/sign-in/", {"email": "not an address"}, content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()


def test_an_address_gets_a_few_links_an_hour_then_the_same_answer_and_no_mail(
    smtp, settings, django_capture_on_commit_callbacks
):
    submit("Printer jams")
    settings.PORTAL_LINKS_PER_ADDRESS_PER_HOUR = 2
    for spelling in ("ann@example.com", "ANN@example.com", "ann+x@example.com"):  # one mailbox
        assert SENT in ask_link(Client(), spelling, django_capture_on_commit_callbacks)["detail"]
    assert len(smtp.received) == 2


def test_a_link_works_once_within_its_minutes_and_only_its_hash_is_kept(
    smtp, settings, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    submit("Printer jams")
    ask_link(Client(), "ann@example.com", django_capture_on_commit_callbacks)
    token = LINK.search(smtp.received[-1].get_content()).group(1)
    assert len(token) >= 43 and not CustomerSignIn.objects.filter(token_hash__contains=token).exists()
    used = Client()
    assert used.post("/api/portal/session/", {"token": token}, "application/json").status_code == 200
    again = Client().post("/api/portal/session/", {"token": token}, "application/json")
    assert again.status_code == 400 and "expired or was already used" in again.json()["token"][0]

    ask_link(Client(), "ann@example.com", django_capture_on_commit_callbacks)
    late = LINK.search(smtp.received[-1].get_content()).group(1)
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(minutes=settings.PORTAL_LINK_MINUTES + 1))
    assert Client().post("/api/portal/session/", {"token": late}, "application/json").status_code == 400
    for junk in ("x" * 43, "", "a" * 101):
        assert Client().post("/api/portal/session/", {"token": junk}, "application/json").status_code == 400


def test_signing_out_and_the_end_of_the_session_close_my_tickets(
    smtp, settings, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    submit("Printer jams")
    client = signed_in(Client(), smtp, django_capture_on_commit_callbacks)
    assert client.delete("/api/portal/session/").json() == {"signed_in": False, "email": None}
    refused = client.get("/api/portal/tickets/")
    assert refused.status_code in (401, 403) and "Sign in" in refused.json()["detail"]

    client = signed_in(Client(), smtp, django_capture_on_commit_callbacks)
    assert client.get("/api/portal/tickets/").status_code == 200
    time_machine.move_to(
        datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(hours=settings.PORTAL_SESSION_HOURS, seconds=1)
    )
    assert client.get("/api/portal/tickets/").status_code in (401, 403)
    assert client.get("/api/portal/session/").json()["signed_in"] is False


def test_writes_need_the_csrf_token(smtp, django_capture_on_commit_callbacks):
    submit("Printer jams")
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/api/portal/sign-in/", {"email": "ann@example.com"}, content_type="application/json")
    assert refused.status_code == 403
    strict.get("/api/session/")  # hands out the CSRF cookie, as the React app does first
    token = strict.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        allowed = strict.post(
            "/api/portal/sign-in/", {"email": "ann@example.com"}, content_type="application/json",
            headers={"X-CSRFToken": token},
        )  # fmt: skip
    assert allowed.status_code == 202 and len(smtp.received) == 1
