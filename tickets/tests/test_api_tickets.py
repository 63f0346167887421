"""The public REST contract of /api/tickets/, over Django's test client on PostgreSQL."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.classifier.prompts import PROMPT_VERSION
from tickets.models import Category, Priority, Ticket, TicketEvent
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"


def post_raw(client, body: str, content_type="application/json", url=URL):
    return client.generic("POST", url, body.encode("utf-8", "surrogatepass"), content_type=content_type)


class TestCreate:
    def test_anyone_creates_an_open_ticket_classified_by_the_server(self, api_client):
        response = api_client.post(
            URL,
            {"title": "Charged twice", "description": "My card was charged twice for one invoice, please refund."},
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "open"
        assert body["category"] == "billing"
        assert body["priority"] in Priority.values
        ticket = Ticket.objects.get(pk=body["id"])
        assert ticket.title == "Charged twice"
        assert ticket.ai_category == ticket.category
        assert ticket.classified_by.startswith("local:")
        assert ticket.events.get().field == TicketEvent.Field.CREATED
        # Which model and prompt labelled it is the staff's business, not an anonymous submitter's.
        assert not {"ai_category", "ai_priority", "ai_confidence", "classified_by", "version"} & set(body)
        assert PROMPT_VERSION not in response.content.decode()

    def test_staff_creating_a_ticket_get_the_whole_ticket(self, staff_client):
        body = staff_client.post(URL, {"title": "Charged twice", "description": "Refund my double charge."}).json()
        assert body["classified_by"].startswith("local:") and body["ai_category"] == body["category"]

    def test_given_labels_are_stored_and_ai_suggestion_kept_beside_them(self, api_client):
        response = api_client.post(
            URL,
            {
                "title": "Site down",
                "description": "Every customer gets a 502 error, nobody can order.",
                "category": "general",
                "priority": "low",
                "submitter_email": "ann@example.com",
            },
        )
        assert response.status_code == 201
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert (ticket.category, ticket.priority) == ("general", "low")
        assert ticket.ai_category == "technical"
        assert ticket.submitter_email == "ann@example.com"

    def test_status_cannot_be_set_on_create(self, api_client):
        response = api_client.post(URL, {"title": "Hi", "description": "A question.", "status": "closed"})
        assert response.status_code == 201
        assert response.json()["status"] == "open"

    def test_title_and_description_are_trimmed(self, api_client):
        response = api_client.post(URL, {"title": "  Padded  ", "description": "\n body \n"})
        assert response.json()["title"] == "Padded"
        assert response.json()["description"] == "body"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"description": "no title"}, "title"),
            ({"title": "", "description": "blank title"}, "title"),
            ({"title": "   ", "description": "whitespace title"}, "title"),
            ({"title": "x" * 201, "description": "long title"}, "title"),
            ({"title": "ok"}, "description"),
            ({"title": "ok", "description": "d" * 10_001}, "description"),
            ({"title": "nul\x00byte", "description": "d"}, "title"),
            ({"title": "ok", "description": "nul\x00byte"}, "description"),
            ({"title": {"nested": "object"}, "description": "d"}, "title"),
            ({"title": ["a", "list"], "description": "d"}, "title"),
            ({"title": True, "description": "d"}, "title"),
            ({"title": "ok", "description": None}, "description"),
            ({"title": "ok", "description": "d", "category": "hardware"}, "category"),
            ({"title": "ok", "description": "d", "priority": "URGENT!"}, "priority"),
            ({"title": "ok", "description": "d", "priority": ["high"]}, "priority"),
            ({"title": "ok", "description": "d", "submitter_email": "not-an-email"}, "submitter_email"),
            ({"title": "ok", "description": "d", "submitter_email": "a@b.c\x00"}, "submitter_email"),
        ],
    )
    def test_bad_fields_get_400_keyed_by_field_and_write_nothing(self, api_client, payload, field):
        response = api_client.post(URL, payload, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()
        assert not Ticket.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ('{"title": "\\ud800", "description": "lone surrogate"}', "title"),
            ('{"title": "ok", "description": "bad \\udfff end"}', "description"),
        ],
    )
    def test_lone_surrogates_are_400(self, api_client, body, field):
        response = post_raw(api_client, body)
        assert response.status_code == 400
        assert field in response.json()
        assert not Ticket.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [
            "{broken json",
            "",
            '{"title": "a", "description": NaN}',
            "[1, 2, 3]",
            '"just a string"',
            "null",
            "[" * 100_000 + "]" * 100_000,
            '{"a":' * 30_000 + "1" + "}" * 30_000,
        ],
    )
    def test_malformed_bodies_are_400(self, api_client, body):
        response = post_raw(api_client, body)
        assert response.status_code == 400
        assert not Ticket.objects.exists()

    def test_wrong_content_type_is_415(self, api_client):
        response = post_raw(api_client, "title=a&description=b", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415
        assert not Ticket.objects.exists()


class TestList:
    def test_anonymous_cannot_read(self, api_client):
        TicketFactory()
        assert api_client.get(URL).status_code in (401, 403)
        assert api_client.get(f"{URL}stats/").status_code in (401, 403)

    def test_non_staff_user_cannot_read(self, django_user_model):
        user = django_user_model.objects.create_user("customer", password="x-pass-123")
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(URL).status_code == 403

    def test_newest_first_with_count_and_pages(self, staff_client):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        tickets = [TicketFactory(created_at=now - timedelta(hours=i)) for i in range(30)]
        body = staff_client.get(URL).json()
        assert body["count"] == 30
        assert [t["id"] for t in body["results"]] == [t.id for t in tickets[:25]]
        second = staff_client.get(body["next"]).json()
        assert [t["id"] for t in second["results"]] == [t.id for t in tickets[25:]]
        assert staff_client.get(URL, {"page_size": 5}).json()["results"].__len__() == 5

    def test_filters_combine(self, staff_client):
        match = TicketFactory(category="billing", priority="high", status="open")
        TicketFactory(category="billing", priority="high", status="closed")
        TicketFactory(category="billing", priority="low", status="open")
        TicketFactory(category="account", priority="high", status="open")
        body = staff_client.get(URL, {"category": "billing", "priority": "high", "status": "open"}).json()
        assert [t["id"] for t in body["results"]] == [match.id]
        assert body["count"] == 1

    def test_search_matches_part_of_a_word_in_any_case_with_filters(self, staff_client):
        pw = TicketFactory(title="Password reset", description="Email never arrives", category="account")
        desc = TicketFactory(title="Login", description="the PASSWORD field is greyed out", category="technical")
        TicketFactory(title="Invoice", description="wrong amount", category="billing")
        ids = {t["id"] for t in staff_client.get(URL, {"search": "pass"}).json()["results"]}
        assert ids == {pw.id, desc.id}
        combined = staff_client.get(URL, {"search": "pass", "category": "account"}).json()
        assert [t["id"] for t in combined["results"]] == [pw.id]

    def test_search_treats_wildcards_literally(self, staff_client):
        pct = TicketFactory(title="100% CPU", description="server busy")
        TicketFactory(title="100 users", description="fine")
        assert [t["id"] for t in staff_client.get(URL, {"search": "100%"}).json()["results"]] == [pct.id]
        assert staff_client.get(URL, {"search": "_"}).json()["count"] == 0

    @pytest.mark.parametrize(
        "params",
        [
            {"category": "hardware"},
            {"priority": "urgent"},
            {"status": "pending"},
            {"status": "OPEN"},
            {"search": "nul\x00"},
            {"search": "x" * 201},
        ],
    )
    def test_unknown_filter_values_are_400(self, staff_client, params):
        response = staff_client.get(URL, params)
        assert response.status_code == 400
        assert set(params) <= set(response.json())

    @pytest.mark.parametrize("params", [{"page": "999999999999"}, {"page": "abc"}, {"page": "-1"}])
    def test_pages_out_of_range_are_404_not_500(self, staff_client, params):
        TicketFactory()
        assert staff_client.get(URL, params).status_code == 404

    def test_sql_and_html_metacharacters_in_search_are_plain_text(self, staff_client):
        t = TicketFactory(title="Robert'); DROP TABLE tickets_ticket;-- <b>", description="x")
        body = staff_client.get(URL, {"search": "'); DROP TABLE"}).json()
        assert [r["id"] for r in body["results"]] == [t.id]
        assert Ticket.objects.count() == 1


class TestRetrieveAndUpdate:
    def test_retrieve(self, staff_client):
        t = TicketFactory(title="One")
        assert staff_client.get(f"{URL}{t.id}/").json()["title"] == "One"

    @pytest.mark.parametrize("ident", ["999999", "abc", "-1", "99999999999999999999999"])
    def test_unknown_ids_are_404(self, staff_client, ident):
        assert staff_client.get(f"{URL}{ident}/").status_code == 404

    def test_patch_status_writes_history_and_resolution_time(self, staff_client, staff_user):
        t = TicketFactory(status="open")
        response = staff_client.patch(f"{URL}{t.id}/", {"status": "resolved"})
        assert response.status_code == 200
        assert response.json()["status"] == "resolved"
        assert response.json()["resolved_at"] is not None
        event = TicketEvent.objects.get(ticket=t, field="status")
        assert (event.old_value, event.new_value, event.actor) == ("open", "resolved", staff_user)

    def test_patch_labels_and_text(self, staff_client):
        t = TicketFactory(category="billing", priority="low")
        response = staff_client.patch(
            f"{URL}{t.id}/", {"category": "technical", "priority": "critical", "title": "New title"}
        )
        assert response.status_code == 200
        t.refresh_from_db()
        assert (t.category, t.priority, t.title) == ("technical", "critical", "New title")
        assert set(t.events.exclude(field="created").values_list("field", flat=True)) == {
            "category", "priority", "title", "sla"
        }  # fmt: skip

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"status": "done"}, "status"),
            ({"title": ""}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"description": {"a": 1}}, "description"),
            ({}, "non_field_errors"),
        ],
    )
    def test_bad_patches_are_400_and_change_nothing(self, staff_client, payload, field):
        t = TicketFactory(title="Keep", status="open")
        response = staff_client.patch(f"{URL}{t.id}/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()
        t.refresh_from_db()
        assert (t.title, t.status) == ("Keep", "open")
        assert not t.events.exclude(field="created").exists()

    def test_anonymous_cannot_patch(self, api_client):
        t = TicketFactory(status="open")
        assert api_client.patch(f"{URL}{t.id}/", {"status": "closed"}).status_code in (401, 403)
        t.refresh_from_db()
        assert t.status == "open"

    def test_put_and_delete_are_not_allowed(self, staff_client):
        t = TicketFactory()
        assert staff_client.delete(f"{URL}{t.id}/").status_code == 405
        assert staff_client.put(f"{URL}{t.id}/", {}).status_code == 405
        assert Ticket.objects.filter(pk=t.pk).exists()


class TestStats:
    def test_stats_equal_counts_from_the_list(self, staff_client):
        for status in ["open", "open", "closed", "in_progress"]:
            TicketFactory(status=status, category="billing", priority="high")
        TicketFactory(status="open", category="technical", priority="critical")
        with CaptureQueriesContext(connection) as queries:
            stats = staff_client.get(f"{URL}stats/").json()
        stats_queries = [q for q in queries.captured_queries if "tickets_ticket" in q["sql"]]
        assert len(stats_queries) <= 2
        assert stats["total_tickets"] == staff_client.get(URL).json()["count"] == 5
        assert stats["open_tickets"] == staff_client.get(URL, {"status": "open"}).json()["count"] == 3
        for priority in Priority.values:
            expected = staff_client.get(URL, {"priority": priority}).json()["count"]
            assert stats["priority_breakdown"][priority] == expected
        for category in Category.values:
            expected = staff_client.get(URL, {"category": category}).json()["count"]
            assert stats["category_breakdown"][category] == expected
        assert stats["priority_breakdown"]["low"] == 0

    def test_empty_stats(self, staff_client):
        assert staff_client.get(f"{URL}stats/").json() == {
            "total_tickets": 0,
            "open_tickets": 0,
            "avg_tickets_per_day": 0,
            "priority_breakdown": {"low": 0, "medium": 0, "high": 0, "critical": 0},
            "category_breakdown": {"billing": 0, "technical": 0, "account": 0, "general": 0},
        }


class TestClassify:
    def test_anyone_gets_a_suggestion(self, api_client):
        response = api_client.post(
            f"{URL}classify/", {"description": "I forgot my password and cannot log in to my account"}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["suggested_category"] == "account"
        assert body["suggested_priority"] in Priority.values
        assert 0 <= body["confidence"] <= 1
        assert body["source"] == "local"
        assert not Ticket.objects.exists()

    @pytest.mark.parametrize("payload", [{}, {"description": ""}, {"description": ["x"]}, {"title": "only"}])
    def test_bad_requests_are_400(self, api_client, payload):
        response = api_client.post(f"{URL}classify/", payload, format="json")
        assert response.status_code == 400
        assert "description" in response.json()

    def test_classify_is_throttled(self, api_client, settings):
        settings.API_THROTTLE_CLASSIFY = "1/min"
        assert api_client.post(f"{URL}classify/", {"description": "a"}).status_code == 200
        assert api_client.post(f"{URL}classify/", {"description": "a"}).status_code == 429


class TestAuthentication:
    def test_session_login_enforces_csrf_on_writes(self, staff_user):
        t = TicketFactory(status="open")
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(staff_user)
        assert client.get(URL).status_code == 200
        refused = client.patch(f"{URL}{t.id}/", {"status": "closed"}, format="json")
        assert refused.status_code == 403
        assert "CSRF" in refused.json()["detail"]

    def test_token_for_scripts(self, staff_user):
        token = Token.objects.create(user=staff_user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert client.get(URL).status_code == 200
        assert APIClient().get(URL, HTTP_AUTHORIZATION="Token wrong").status_code == 401


class TestServiceEndpoints:
    def test_health_and_readiness(self, client):
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json()["database"] == "ok"

    def test_openapi_schema_and_docs(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        paths = json.loads(schema.content)["paths"]
        assert {"/api/tickets/", "/api/tickets/{id}/", "/api/tickets/stats/", "/api/tickets/classify/"} <= set(paths)
        docs = client.get("/api/docs/")
        assert docs.status_code == 200
        assert b"swagger-ui" in docs.content


def test_meta_gives_the_react_app_the_rules_from_their_one_home(api_client):
    from tickets.filters import SEARCH_MAX_LENGTH
    from tickets.models import DESCRIPTION_MAX_LENGTH, PAGE_SIZE, TITLE_MAX_LENGTH, Status

    meta = api_client.get("/api/meta/").json()
    assert meta["choices"]["category"] == [[c.value, c.label] for c in Category]
    assert meta["choices"]["priority"] == [[p.value, p.label] for p in Priority]
    assert meta["choices"]["status"] == [[s.value, s.label] for s in Status]
    assert meta["limits"] == {
        "title": TITLE_MAX_LENGTH,
        "description": DESCRIPTION_MAX_LENGTH,
        "search": SEARCH_MAX_LENGTH,
    }
    assert meta["page_size"] == PAGE_SIZE


# The list's reads, under the API.


def test_ticket_list_validates_filters():
    from django.core.exceptions import ValidationError

    from tickets import selectors

    with pytest.raises(ValidationError) as excinfo:
        selectors.ticket_list(filters={"status": "bogus"})
    assert "status" in excinfo.value.message_dict


def test_ticket_list_filters_and_searches():
    from tickets import selectors

    hit = TicketFactory(title="VPN drops", category="technical", status="open")
    TicketFactory(title="VPN invoice", category="billing", status="open")
    result = selectors.ticket_list(filters={"search": "vpn", "category": "technical"})
    assert list(result) == [hit]
