"""Owners, the conversation with the submitter, email through a real SMTP server, and the tracking link."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Ticket, TicketEmail, TicketMessage
from tickets.roles import AGENT
from tickets.rules.tracking import tracking_token
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"
SUBMISSION = {
    "title": "VPN drops",
    "description": "The VPN disconnects every few minutes for our whole team.",
    "submitter_email": "ann@example.com",
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(payload=SUBMISSION) -> tuple[dict, str]:
    """Submit as the public form does; the token as the submitter gets it: in the response without an address,
    else only in the confirmation email (the same token the server puts in every email)."""
    body = APIClient().post(URL, payload, format="json").json()
    if payload.get("submitter_email"):
        assert body["tracking_url"] is None and body["tracking_link_emailed"] is True
        return body, tracking_token(Ticket.objects.get(pk=body["id"]))
    return body, body["tracking_url"].rsplit("/t/", 1)[1]


class TestOwners:
    def test_assign_unassign_and_history(self, agent, manager):
        ticket = TicketFactory()
        api = client_for(manager)
        response = api.patch(f"{URL}{ticket.pk}/", {"assignee": agent.pk}, format="json")
        assert response.status_code == 200
        assert response.json()["assignee"] == {"id": agent.pk, "username": "agent"}
        assert api.patch(f"{URL}{ticket.pk}/", {"assignee": None}, format="json").json()["assignee"] is None
        history = [(e.old_value, e.new_value, e.actor) for e in ticket.events.filter(field="assignee")]
        assert history == [("", "agent", manager), ("agent", "", manager)]

    @pytest.mark.parametrize("who", ["customer", "inactive", "unknown"])
    def test_only_active_staff_can_own_a_ticket(self, manager, django_user_model, who):
        ticket = TicketFactory()
        if who == "unknown":
            target = 999_999
        else:
            target = django_user_model.objects.create_user(
                who, is_staff=who == "inactive", is_active=who != "inactive"
            ).pk
        response = client_for(manager).patch(f"{URL}{ticket.pk}/", {"assignee": target}, format="json")
        assert response.status_code == 400 and list(response.json()) == ["assignee"]
        ticket.refresh_from_db()
        assert ticket.assignee is None and not ticket.events.filter(field="assignee").exists()

    def test_list_filter_me_none_and_id_combine_with_others(self, agent, manager):
        mine_open = TicketFactory(assignee=agent, status="open")
        TicketFactory(assignee=agent, status="closed")
        theirs = TicketFactory(assignee=manager, status="open")
        nobodys = TicketFactory(assignee=None, status="open")
        api = client_for(agent)

        def ids(query):
            response = api.get(URL, query)
            assert response.status_code == 200, response.content
            return {t["id"] for t in response.json()["results"]}, response.json()["count"]

        assert ids({"assignee": "me", "status": "open"}) == ({mine_open.pk}, 1)
        assert ids({"assignee": "none"}) == ({nobodys.pk}, 1)
        assert ids({"assignee": str(manager.pk), "status": "open"}) == ({theirs.pk}, 1)
        for bad in ("you", "-1", "1e3", "me,none"):
            assert api.get(URL, {"assignee": bad}).status_code == 400

    def test_agents_list_for_the_assignee_menu(self, agent, manager, django_user_model):
        django_user_model.objects.create_user("gone", is_staff=True, is_active=False)
        django_user_model.objects.create_user("customer")
        names = [u["username"] for u in client_for(agent).get("/api/agents/").json()]
        assert names == ["agent", "manager"]
        assert APIClient().get("/api/agents/").status_code == 401


class TestThread:
    def test_notes_and_replies_oldest_first_with_the_first_response_kept(self, agent):
        ticket = TicketFactory(submitter_email="")
        api = client_for(agent)
        note = api.post(f"{URL}{ticket.pk}/messages/", {"kind": "note", "body": "Checking the logs."}, format="json")
        assert note.status_code == 201 and note.json()["email_status"] is None
        ticket.refresh_from_db()
        assert ticket.first_response_at is None  # a note is no response to the submitter
        api.post(f"{URL}{ticket.pk}/messages/", {"kind": "reply", "body": "Fixed, please retry."}, format="json")
        ticket.refresh_from_db()
        first = ticket.first_response_at
        assert first is not None
        api.post(f"{URL}{ticket.pk}/messages/", {"kind": "reply", "body": "Anything else?"}, format="json")
        ticket.refresh_from_db()
        assert ticket.first_response_at == first
        thread = api.get(f"{URL}{ticket.pk}/messages/").json()
        assert [(m["kind"], m["author"]["username"]) for m in thread] == [
            ("note", "agent"), ("reply", "agent"), ("reply", "agent"),
        ]  # fmt: skip
        assert api.get(f"{URL}{ticket.pk}/").json()["first_response_at"] is not None

    @pytest.mark.parametrize(
        "body",
        [
            {"kind": "customer", "body": "x"},
            {"kind": "reply", "body": ""},
            {"kind": "reply", "body": "x" * 10_001},
            {"kind": "note", "body": "nul \x00 byte"},
            {"kind": "note", "body": ["a list"]},
            {"kind": "shout", "body": "x"},
            {},
        ],
    )
    def test_bad_messages_are_field_keyed_400s_and_write_nothing(self, agent, body):
        ticket = TicketFactory()
        response = client_for(agent).post(f"{URL}{ticket.pk}/messages/", body, format="json")
        assert response.status_code == 400
        assert set(response.json()) <= {"kind", "body"}
        assert not TicketMessage.objects.exists()

    def test_who_may_read_and_write_the_thread(self, make_staff, django_user_model):
        ticket = TicketFactory()
        path = f"{URL}{ticket.pk}/messages/"
        assert APIClient().get(path).status_code == 401
        no_role = django_user_model.objects.create_user("norole", is_staff=True)
        assert client_for(no_role).get(path).status_code == 403
        viewer = django_user_model.objects.create_user("viewer", is_staff=True)
        from django.contrib.auth.models import Permission

        viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
        assert client_for(viewer).get(path).status_code == 200
        assert client_for(viewer).post(path, {"kind": "note", "body": "x"}, format="json").status_code == 403
        assert client_for(make_staff("worker", AGENT)).post(path, {"kind": "note", "body": "x"}).status_code == 201


class TestTrackingLink:
    def test_the_submitter_reads_replies_never_notes_or_staff_fields(self, agent):
        created, token = submit()
        assert len(token) == 43
        ticket = Ticket.objects.get(pk=created["id"])
        assert token not in ticket.tracking_token_hash and len(ticket.tracking_token_hash) == 64
        services.message_add(ticket=ticket, kind="note", body="Internal: customer is on the old client", author=agent)
        services.message_add(ticket=ticket, kind="reply", body="Please update your client.", author=agent)
        services.ticket_update(ticket=ticket, data={"assignee": agent}, actor=agent)

        page = APIClient().get(f"/api/track/{token}/")
        assert page.status_code == 200
        body = page.json()
        assert set(body) == {
            "id", "title", "description", "status", "created_at", "messages", "page", "pages", "messages_total",
            "attachments", "rating_token",
        }  # fmt: skip
        assert [(m["kind"], m["body"]) for m in body["messages"]] == [("reply", "Please update your client.")]
        assert "Internal" not in page.content.decode() and "agent" not in page.content.decode()

    def test_any_wrong_token_is_the_same_404(self):
        _, token = submit()
        other, _ = submit({**SUBMISSION, "title": "Another"})
        answers = [
            APIClient().get(f"/api/track/{bad}/")
            for bad in (
                token[:-1] + ("A" if token[-1] != "A" else "B"),
                token[:-1],
                "x" * 43,
                "%00" * 3,
                str(other["id"]),
            )
        ]
        assert {a.status_code for a in answers} == {404}
        assert len({a.content for a in answers}) == 1

    def test_the_link_expires_some_days_after_the_ticket_closes(self, settings):
        _, token = submit()
        ticket = Ticket.objects.get()
        services.ticket_change_status(ticket=ticket, status="closed")
        assert APIClient().get(f"/api/track/{token}/").status_code == 200
        Ticket.objects.update(resolved_at=timezone.now() - timedelta(days=settings.TRACKING_LINK_DAYS + 1))
        assert APIClient().get(f"/api/track/{token}/").status_code == 404

    def test_the_token_is_never_in_staff_lists_or_exports(self, manager, client):
        _, token = submit()
        api = client_for(manager)
        listing = api.get(URL).content.decode() + api.get(f"{URL}{Ticket.objects.get().pk}/").content.decode()
        client.force_login(manager)
        export = b"".join(client.get("/admin/tickets/ticket/export/").streaming_content).decode()
        for text in (listing, export):
            assert token not in text and "tracking" not in text

    def test_a_customer_message_flags_the_ticket_and_reopens_a_resolved_one(self, agent):
        created, token = submit()
        ticket = Ticket.objects.get(pk=created["id"])
        services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)
        response = APIClient().post(f"/api/track/{token}/messages/", {"body": "Still broken!"}, format="json")
        assert response.status_code == 201 and response.json()["kind"] == "customer"
        ticket.refresh_from_db()
        assert (ticket.status, ticket.customer_replied, ticket.resolved_at) == ("open", True, None)
        reopened = ticket.events.filter(field="status").last()
        assert (reopened.old_value, reopened.new_value, reopened.actor) == ("resolved", "open", None)
        services.message_add(ticket=ticket, kind="reply", body="Looking again.", author=agent)
        ticket.refresh_from_db()
        assert ticket.customer_replied is False

    @pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "x" * 10_001}, {"body": {"a": 1}}, {"body": "\x00"}])
    def test_bad_customer_messages_are_400s(self, body):
        _, token = submit()
        response = APIClient().post(f"/api/track/{token}/messages/", body, format="json")
        assert response.status_code == 400 and list(response.json()) == ["body"]
        assert not TicketMessage.objects.exists()


class TestEmail:
    def test_confirmation_reply_and_resolution_arrive_threaded_with_the_link(
        self, smtp, agent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            created, token = submit()
        ticket = Ticket.objects.get(pk=created["id"])
        with django_capture_on_commit_callbacks(execute=True):
            services.message_add(ticket=ticket, kind="note", body="Secret internal note", author=agent)
            services.message_add(ticket=ticket, kind="reply", body="Please restart <b>the</b> client.", author=agent)
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_change_status(ticket=ticket, status="resolved", actor=agent)

        confirmation, reply, resolved = smtp.received
        link = f"https://support.example.com/t/{token}"
        for mail in (confirmation, reply, resolved):
            assert mail["To"] == "ann@example.com"
            assert link in mail.get_content()
            assert mail.get_content_type() == "text/plain"
            assert "Secret internal note" not in mail.as_string()
        assert "Please restart <b>the</b> client." in reply.get_content()  # plain text, as typed
        assert reply["In-Reply-To"] == confirmation["Message-ID"]
        assert resolved["References"].split() == [confirmation["Message-ID"], reply["Message-ID"]]
        assert "resolved" in resolved["Subject"].lower()
        assert set(TicketEmail.objects.values_list("status", flat=True)) == {"sent"}
        reply_state = client_for(agent).get(f"{URL}{ticket.pk}/messages/").json()[1]
        assert (reply_state["kind"], reply_state["email_status"]) == ("reply", "sent")

    def test_a_server_that_is_down_or_refuses_loses_no_reply(self, smtp, agent, django_capture_on_commit_callbacks):
        ticket = TicketFactory(submitter_email="bob@example.com")
        smtp.refuse = True
        with django_capture_on_commit_callbacks(execute=True):
            message = services.message_add(ticket=ticket, kind="reply", body="Here is the fix.", author=agent)
        email = TicketEmail.objects.get(message=message)
        assert (email.status, email.attempts) == ("queued", 1)
        assert "550" in email.error
        assert TicketMessage.objects.filter(pk=message.pk).exists()

        smtp.refuse = False
        with django_capture_on_commit_callbacks(execute=True):
            services.email_retry(email=email)
        email.refresh_from_db()
        assert (email.status, email.attempts, email.error) == ("sent", 2, "")
        assert [m["Subject"] for m in smtp.received] == [f"[Ticket #{ticket.pk}] Re: {ticket.title}"]

    def test_after_the_last_attempt_the_email_is_failed_with_its_error(self, settings, agent):
        from project.tests.gunicorn_server import free_port

        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
        ticket = TicketFactory(submitter_email="bob@example.com")
        message = services.message_add(ticket=ticket, kind="reply", body="Fix.", author=agent)
        email = TicketEmail.objects.get(message=message)
        for _ in range(services.email.EMAIL_MAX_ATTEMPTS):
            email = services.email_send(email_id=email.pk)
        assert email.status == "failed" and "ConnectionRefusedError" in email.error

    def test_no_address_no_email(self, agent):
        ticket = TicketFactory(submitter_email="")
        services.message_add(ticket=ticket, kind="reply", body="Fixed.", author=agent)
        assert not TicketEmail.objects.exists()
