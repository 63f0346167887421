"""The staff workspace, page by page, as a support agent and as a manager."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.admin import paginator
from tickets.classifier.prompts import PROMPT_VERSION
from tickets.models import SavedView, Ticket, TicketEvent
from tickets.rules.tickets import ticket_version
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")
NO_INLINE_FORMS = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def page_text(response) -> str:
    """What the page reads, tags dropped."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def listed_ids(response) -> list[int]:
    return [t.pk for t in response.context["cl"].result_list]


class TestChangelist:
    @pytest.fixture(autouse=True)
    def _no_saved_views(self):
        # The sidebar's badges count their views' tickets on every admin page; these tests count the list's own.
        SavedView.objects.all().delete()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    @pytest.mark.parametrize("who", ["agent_client", "manager_client"])
    def test_newest_first_with_badges_and_ai_agreement(self, request, who):
        c = request.getfixturevalue(who)
        old = TicketFactory(created_at=timezone.now() - timedelta(days=2), priority="critical")
        new = TicketFactory(priority="low", ai_category="billing", ai_priority="low", category="billing")
        response = c.get(CHANGELIST)
        assert response.status_code == 200
        assert listed_ids(response) == [new.pk, old.pk]
        html = response.content.decode()
        rows = re.findall(r'<tr class="[^"]*data-row.*?</tr>', html, re.S)
        assert len(rows) == 2
        old_row = rows[1]
        # The old ticket's own row carries a "Critical" badge (not just the filter's option text).
        assert re.search(r">\s*Critical\s*<", old_row) and 'data-status="open"' in old_row
        assert not re.search(r">\s*Critical\s*<", rows[0])

    def test_each_filter_and_their_combination(self, agent_client):
        a = TicketFactory(status="open", priority="high", category="billing")
        b = TicketFactory(status="closed", priority="high", category="technical")
        c = TicketFactory(status="open", priority="low", category="account")
        assert set(listed_ids(agent_client.get(CHANGELIST, {"status__exact": "open"}))) == {a.pk, c.pk}
        assert set(listed_ids(agent_client.get(CHANGELIST, {"priority__exact": "high"}))) == {a.pk, b.pk}
        assert listed_ids(agent_client.get(CHANGELIST, {"category__exact": "account"})) == [c.pk]
        both = agent_client.get(CHANGELIST, {"status__exact": ["open", "closed"], "priority__exact": "high"})
        assert set(listed_ids(both)) == {a.pk, b.pk}
        assert listed_ids(agent_client.get(CHANGELIST, {"status__exact": "open", "priority__exact": "high"})) == [a.pk]

    def test_created_date_range_filter(self, agent_client):
        old = TicketFactory(created_at=timezone.now() - timedelta(days=40))
        recent = TicketFactory()
        since = (timezone.localdate() - timedelta(days=7)).isoformat()
        assert listed_ids(agent_client.get(CHANGELIST, {"created_at_from": since})) == [recent.pk]
        until = (timezone.localdate() - timedelta(days=30)).isoformat()
        assert listed_ids(agent_client.get(CHANGELIST, {"created_at_to": until})) == [old.pk]

    def test_search_any_part_of_a_word(self, agent_client):
        hit = TicketFactory(title="Password reset", description="mail never arrives")
        TicketFactory(title="Invoice", description="wrong total")
        assert listed_ids(agent_client.get(CHANGELIST, {"q": "pASS"})) == [hit.pk]

    def test_a_broad_search_counts_to_the_cap_and_says_so(self, agent_client, monkeypatch):
        """Past the cap the page says "5+" (not a count it never made) beside the pages and in "Select all";
        the pages stop at the cap (a search that broad is narrowed, not paged through)."""
        monkeypatch.setattr(paginator, "CHANGELIST_COUNT_CAP", 5)
        monkeypatch.setattr(admin.site._registry[Ticket], "list_per_page", 2)
        TicketFactory.create_batch(3, title="Printer jam")
        page = agent_client.get(CHANGELIST, {"q": "printer"})
        assert page.context["cl"].result_count == 3
        assert "3 tickets" in page_text(page) and "3+" not in page_text(page)
        TicketFactory.create_batch(4, title="Printer offline")
        page = agent_client.get(CHANGELIST, {"q": "printer"})
        assert "- 5+ tickets" in page_text(page)
        assert "Select all 5+ tickets" in page_text(page)
        assert page.context["cl"].paginator.num_pages == 3
        last = agent_client.get(CHANGELIST, {"q": "printer", "p": 3})
        assert len(listed_ids(last)) == 1

    def test_a_capped_count_is_remembered_and_an_exact_one_never(self, agent_client, monkeypatch):
        monkeypatch.setattr(paginator, "CHANGELIST_COUNT_CAP", 5)
        TicketFactory.create_batch(3, title="Scanner jam")
        counted = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                agent_client.get(CHANGELIST, {"q": "scanner"})
            counted.append(sum("COUNT(*)" in q["sql"] for q in queries.captured_queries))
        assert counted == [1, 1]  # below the cap: counted on every view
        TicketFactory.create_batch(4, title="Scanner offline")
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                page = agent_client.get(CHANGELIST, {"q": "scanner"})
            counted.append(sum("COUNT(*)" in q["sql"] for q in queries.captured_queries))
            assert "- 5+ tickets" in page_text(page) or "5+ tickets" in page_text(page)
        assert counted[2:] == [1, 0]  # reached the cap once: the next view (the next page) does not recount

    def test_a_count_with_the_clock_in_it_is_never_kept(self, agent_client, monkeypatch):
        """An SLA state compares due times with now: its query is new on each view, so nothing is stored."""
        monkeypatch.setattr(paginator, "CHANGELIST_COUNT_CAP", 2)
        # Critical tickets that arrived five hours ago and were never answered: their first reply is overdue.
        TicketFactory.create_batch(
            3, status="open", priority="critical", created_at=timezone.now() - timedelta(hours=5)
        )
        stored = []
        monkeypatch.setattr(paginator.cache, "set", lambda *args, **kwargs: stored.append(args))
        for _ in range(2):
            page = agent_client.get(CHANGELIST, {"sla": "breached"})
            assert "2+ tickets" in page_text(page)
        assert stored == []

    def test_query_count_does_not_grow_with_rows(self, agent_client):
        TicketFactory.create_batch(3)
        with CaptureQueriesContext(connection) as few:
            agent_client.get(CHANGELIST)
        TicketFactory.create_batch(40)
        with CaptureQueriesContext(connection) as many:
            agent_client.get(CHANGELIST)
        assert len(many) == len(few)


class TestStatusChanges:
    def test_bulk_action_changes_status_writes_history_and_reports_count(self, agent_client, agent):
        tickets = TicketFactory.create_batch(3, status="open")
        TicketFactory(status="resolved")
        response = agent_client.post(
            CHANGELIST,
            {"action": "mark_resolved", "_selected_action": [t.pk for t in tickets]},
            follow=True,
        )
        assert "3 ticket(s) marked resolved" in response.content.decode()
        assert Ticket.objects.filter(status="resolved").count() == 4
        events = TicketEvent.objects.filter(field="status", new_value="resolved", ticket__in=tickets)
        assert events.count() == 3 and {e.actor for e in events} == {agent}

    def test_one_click_status_change_on_a_row(self, agent_client, agent):
        ticket = TicketFactory(status="open")
        url = reverse("admin:tickets_ticket_set_status", args=[ticket.pk])
        response = agent_client.post(url, {"status": "in_progress"}, HTTP_REFERER=f"http://testserver{CHANGELIST}?q=x")
        assert response.status_code == 302 and response["Location"].endswith("?q=x")
        ticket.refresh_from_db()
        assert ticket.status == "in_progress"
        assert ticket.events.get(field="status").actor == agent

    def test_one_click_refuses_get_and_unknown_status(self, agent_client):
        ticket = TicketFactory(status="open")
        url = reverse("admin:tickets_ticket_set_status", args=[ticket.pk])
        assert agent_client.get(url).status_code == 405
        agent_client.post(url, {"status": "nonsense"})
        ticket.refresh_from_db()
        assert ticket.status == "open"

    def test_row_buttons_post_with_the_csrf_protected_changelist_form(self, agent_client):
        ticket = TicketFactory(status="open")
        html = agent_client.get(CHANGELIST).content.decode()
        url = reverse("admin:tickets_ticket_set_status", args=[ticket.pk])
        assert f'formaction="{url}"' in html and 'value="in_progress"' in html
        assert 'name="csrfmiddlewaretoken"' in html


class TestClassification:
    def test_add_without_labels_is_classified_by_the_save_hook(self, agent_client, agent):
        response = agent_client.post(
            reverse("admin:tickets_ticket_add"),
            {
                "title": "Charged twice",
                "description": "My card was charged twice, please refund one payment.",
                "submitter_email": "",
                "category": "",
                "priority": "",
                "status": "open",
                **NO_INLINE_FORMS,
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        ticket = Ticket.objects.get()
        assert ticket.category == ticket.ai_category == "billing"
        assert ticket.priority and ticket.classified_by.startswith("local:")
        assert ticket.events.get(field="created").actor == agent

    def test_change_page_shows_ai_suggestion_and_read_only_history(self, agent_client, agent):
        ticket = TicketFactory(ai_category="billing", ai_priority="high", ai_confidence=0.8, classified_by="local:x")
        url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        response = agent_client.post(
            url,
            {
                "title": ticket.title,
                "description": ticket.description,
                "submitter_email": "",
                "category": ticket.category,
                "priority": ticket.priority,
                "status": "in_progress",
                **NO_INLINE_FORMS,
            },
        )
        assert response.status_code == 302
        page = agent_client.get(url).content.decode()
        assert "AI suggestion" in page and "local:x" in page
        assert "History" in page and "in_progress" in page

    def test_clearing_a_label_lets_the_ai_fill_it(self, agent_client):
        ticket = TicketFactory(title="Locked out", description="I cannot log in to my account", category="billing")
        agent_client.post(
            reverse("admin:tickets_ticket_change", args=[ticket.pk]),
            {
                "title": ticket.title,
                "description": ticket.description,
                "submitter_email": "",
                "category": "",
                "priority": ticket.priority,
                "status": "open",
                **NO_INLINE_FORMS,
            },
        )
        ticket.refresh_from_db()
        assert ticket.category == ticket.ai_category == "account"

    def test_a_save_over_someone_elses_later_change_is_refused(self, agent_client, manager):
        ticket = TicketFactory(title="Printer", description="It jams", priority="low", status="open")
        url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        opened = agent_client.get(url).context["adminform"].form
        version = opened["version"].value()
        assert 'type="hidden" name="version"' in agent_client.get(url).content.decode()
        # Another agent moves the ticket after this form was opened.
        services.ticket_update(ticket=ticket, data={"priority": "critical"}, actor=manager)
        form = {
            "title": "Printer on floor 2",
            "description": "It jams",
            "submitter_email": "",
            "category": ticket.category,
            "priority": "low",
            "status": "resolved",
            "version": version,
            **NO_INLINE_FORMS,
        }
        response = agent_client.post(url, form)
        assert response.status_code == 200  # the form again, with the error, not a redirect
        page = response.content.decode()
        assert "someone else changed this ticket" in page and "priority Critical" in page
        ticket.refresh_from_db()
        assert (ticket.title, ticket.priority, ticket.status) == ("Printer", "critical", "open")
        # With the current version (a reload), the same save goes through.
        form["version"] = ticket_version(ticket)
        assert agent_client.post(url, form).status_code == 302
        ticket.refresh_from_db()
        assert (ticket.title, ticket.priority, ticket.status) == ("Printer on floor 2", "low", "resolved")

    def test_invalid_add_shows_form_errors_and_writes_nothing(self, agent_client):
        response = agent_client.post(
            reverse("admin:tickets_ticket_add"),
            {
                "title": "x" * 201,
                "description": "",
                "status": "open",
                **NO_INLINE_FORMS,
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert {"title", "description"} <= set(errors)
        assert not Ticket.objects.exists()

    def test_classify_action_inline_for_a_page(self, agent_client):
        tickets = TicketFactory.create_batch(2, title="Refund", description="I was charged twice", category="general")
        response = agent_client.post(
            CHANGELIST, {"action": "classify_with_ai", "_selected_action": [t.pk for t in tickets]}, follow=True
        )
        assert "2 ticket(s) classified with AI" in response.content.decode()
        assert set(Ticket.objects.values_list("category", flat=True)) == {"billing"}

    def test_classify_action_queues_a_background_job_beyond_a_page(self, agent_client):
        tickets = TicketFactory.create_batch(30, title="Refund", description="I was charged twice", category="general")
        response = agent_client.post(
            CHANGELIST, {"action": "classify_with_ai", "_selected_action": [t.pk for t in tickets]}, follow=True
        )
        assert "30 ticket(s) queued for AI classification" in response.content.decode()
        # The test settings run jobs immediately; in production `manage.py db_worker` runs them.
        assert set(Ticket.objects.values_list("category", flat=True)) == {"billing"}

    def test_with_an_llm_more_than_a_few_tickets_go_to_the_background(self, agent_client, llm):
        llm.answer({"category": "billing", "priority": "low", "confidence": 0.9})
        tickets = TicketFactory.create_batch(6, title="Refund", description="I was charged twice", category="general")
        response = agent_client.post(
            CHANGELIST, {"action": "classify_with_ai", "_selected_action": [t.pk for t in tickets]}, follow=True
        )
        assert "6 ticket(s) queued for AI classification" in response.content.decode()
        assert set(Ticket.objects.values_list("classified_by", flat=True)) == {f"llm:fake-model@{PROMPT_VERSION}"}


class TestPermissions:
    def test_agent_cannot_delete_export_or_import(self, agent_client):
        ticket = TicketFactory()
        assert agent_client.get(reverse("admin:tickets_ticket_delete", args=[ticket.pk])).status_code == 403
        assert agent_client.get(reverse("admin:tickets_ticket_export")).status_code == 403
        assert agent_client.get(reverse("admin:tickets_ticket_import")).status_code == 403
        assert agent_client.get(reverse("dashboards:stats")).status_code == 403
        page = agent_client.get(CHANGELIST).content.decode()
        assert "delete_selected" not in page
        assert Ticket.objects.filter(pk=ticket.pk).exists()

    def test_manager_can_delete_through_the_service(self, manager_client):
        ticket = TicketFactory()
        response = manager_client.post(reverse("admin:tickets_ticket_delete", args=[ticket.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Ticket.objects.exists() and not TicketEvent.objects.exists()

    def test_view_only_staff_see_no_status_buttons(self, client, django_user_model):
        from django.contrib.auth.models import Permission

        viewer = django_user_model.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
        client.force_login(viewer)
        TicketFactory()
        page = client.get(CHANGELIST).content.decode()
        assert "ticket-quick-move" not in page


class TestExport:
    def test_export_streams_the_filtered_and_searched_changelist(self, manager_client, manager):
        keep = TicketFactory(
            title="VPN down", description="=cmd|' /C calc'!A0", status="open", priority="high", assignee=manager
        )
        TicketFactory(title="VPN slow", status="closed", priority="high")
        TicketFactory(title="Invoice", status="open", priority="high")
        response = manager_client.get(
            reverse("admin:tickets_ticket_export"), {"q": "vpn", "status__exact": "open", "priority__exact": "high"}
        )
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content)
        assert body.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert [int(r["id"]) for r in rows] == [keep.pk]
        assert rows[0]["description"].startswith("'=")  # no formula runs when opened in a spreadsheet
        assert list(rows[0]) == [
            "id", "title", "description", "category", "priority", "status", "submitter_email",
            "created_at", "updated_at", "resolved_at", "ai_category", "ai_priority", "ai_confidence", "classified_by",
            "assignee", "first_response_at", "first_response_due_at", "resolution_due_at", "sla_state",
            "tags", "team", "satisfaction",
        ]  # fmt: skip
        assert rows[0]["created_at"].startswith(timezone.now().strftime("%Y-%m-%d"))
        assert (rows[0]["assignee"], rows[0]["first_response_at"]) == ("manager", "")

    def test_export_of_everything_keeps_newest_first(self, manager_client):
        tickets = [TicketFactory(created_at=timezone.now() - timedelta(minutes=i)) for i in range(5)]
        body = b"".join(manager_client.get(reverse("admin:tickets_ticket_export")).streaming_content)
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert [int(r["id"]) for r in rows] == [t.pk for t in tickets]


def _import(client, content: str):
    upload = io.BytesIO(content.encode())
    upload.name = "tickets.csv"
    return client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": upload})


class TestImport:
    def test_good_file_is_previewed_then_written_through_the_services(self, manager_client, manager):
        existing = TicketFactory(title="Old title", status="open")
        content = (
            "id,title,description,category,priority,status,submitter_email\n"
            ",Printer jam,The office printer jams on every page,technical,low,open,ann@example.com\n"
            ",Refund,I was charged twice for my plan,,,resolved,\n"
            f"{existing.pk},New title,{existing.description},{existing.category},{existing.priority},closed,\n"
        )
        preview = _import(manager_client, content)
        assert preview.status_code == 200
        result = preview.context["result"]
        assert not result.has_errors() and not result.has_validation_errors()
        assert Ticket.objects.count() == 1  # a preview writes nothing

        confirm = preview.context["confirm_form"]
        response = manager_client.post(reverse("admin:tickets_ticket_process_import"), confirm.initial, follow=True)
        assert response.status_code == 200
        assert Ticket.objects.count() == 3
        refund = Ticket.objects.get(title="Refund")
        assert (refund.category, refund.status) == ("billing", "resolved")
        assert refund.classified_by.startswith("local:")
        assert refund.events.filter(field="status", new_value="resolved", actor=manager).exists()
        existing.refresh_from_db()
        assert (existing.title, existing.status) == ("New title", "closed")

    def test_bad_file_lists_rows_and_reasons_and_writes_nothing(self, manager_client):
        content = (
            "title,description,category,priority,status\n"
            "Fine,A valid row,billing,low,open\n"
            ",Missing title,billing,low,open\n"
            "Bad category,desc,hardware,low,open\n"
        )
        response = _import(manager_client, content)
        result = response.context["result"]
        assert result.has_validation_errors()
        invalid = {row.number: row.field_specific_errors for row in result.invalid_rows}
        assert set(invalid) == {2, 3}
        assert "title" in invalid[2] and "category" in invalid[3]
        assert "confirm_form" not in response.context or response.context["confirm_form"] is None
        assert not Ticket.objects.exists()


class TestDashboard:
    def test_manager_sees_the_same_figures_as_the_api(self, manager_client, manager):
        TicketFactory.create_batch(3, status="open", priority="high", category="billing")
        TicketFactory(
            status="resolved",
            priority="low",
            category="general",
            created_at=timezone.now() - timedelta(days=3),
            resolved_at=timezone.now() - timedelta(days=1),
        )
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(manager)
        stats = api.get("/api/tickets/stats/").json()
        for url in (reverse("admin:index"), reverse("dashboards:stats"), reverse("dashboards:stats") + "?days=90"):
            response = manager_client.get(url)
            assert response.status_code == 200
            figures = response.context["figures"]
            for key in ("total_tickets", "open_tickets", "avg_tickets_per_day"):
                assert figures[key] == stats[key]
            assert figures["priority_breakdown"] == stats["priority_breakdown"]
            assert figures["category_breakdown"] == stats["category_breakdown"]
            html = response.content.decode()
            assert f'data-figure="total_tickets">{stats["total_tickets"]}<' in html
        assert manager_client.get(reverse("dashboards:stats")).context["median_resolution"] == "2.0 days"

    def test_agent_home_page_has_no_dashboard(self, agent_client):
        response = agent_client.get(reverse("admin:index"))
        assert response.status_code == 200
        assert "figures" not in response.context


class TestUsersAndGroups:
    @pytest.mark.parametrize("name", ["auth_user", "auth_group"])
    def test_pages_load_for_a_superuser(self, admin_client, name):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200


class TestImportLimitsAndAudit:
    def _confirm(self, client, preview):
        return client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)

    def test_too_many_rows_or_bytes_are_refused_with_a_plain_message(self, manager_client, settings):
        settings.IMPORT_MAX_ROWS = 3
        header = "title,description,category,priority,status\n"
        many = header + "".join(f"T{i},Row {i},billing,low,open\n" for i in range(4))
        response = _import(manager_client, many)
        errors = response.context["form"].errors["import_file"]
        assert errors == [
            "The file has 4 rows; the limit is 3 per file. "
            "Split it into smaller files and import them one after another."
        ]
        settings.IMPORT_MAX_BYTES = 50
        response = _import(manager_client, header + "T,Row,billing,low,open\n")
        assert "the limit is 0.0 MB" in response.context["form"].errors["import_file"][0]
        assert "Traceback" not in response.content.decode()
        assert not Ticket.objects.exists()

    def test_export_then_import_of_the_same_file_changes_nothing(self, manager_client):
        tickets = [
            TicketFactory(title="=SUM(A1:A9)", description="-5 degrees in the server room", priority="high"),
            TicketFactory(title="'=already quoted", description="+1 for this", submitter_email="a@example.com"),
            TicketFactory(title="@home printer", description="Plain text, nothing odd"),
        ]
        before = list(Ticket.objects.order_by("pk").values())
        body = b"".join(manager_client.get(reverse("admin:tickets_ticket_export")).streaming_content)
        upload = io.BytesIO(body)
        upload.name = "export.csv"
        preview = manager_client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": upload})
        result = preview.context["result"]
        assert not result.has_validation_errors() and not result.has_errors(), [
            e.error for r in result.row_errors() for e in r[1]
        ]
        self._confirm(manager_client, preview)
        assert list(Ticket.objects.order_by("pk").values()) == before
        assert Ticket.objects.count() == len(tickets)
        assert not TicketEvent.objects.exclude(field="created").exists()

    def test_exports_and_imports_are_in_the_audit_log(self, manager_client, manager):
        from tickets.models import AuditEntry

        TicketFactory.create_batch(2, status="open")
        TicketFactory(status="closed")
        manager_client.get(reverse("admin:tickets_ticket_export"), {"status__exact": "open", "q": "no-such-word"})
        preview = _import(manager_client, "title,description,category,priority,status\nNew,Desc,billing,low,open\n")
        self._confirm(manager_client, preview)
        imported, exported = AuditEntry.objects.order_by("-id")
        assert (exported.action, exported.actor, exported.rows) == ("export", manager, 0)
        assert exported.detail == {"filters": {"status__exact": ["open"], "q": ["no-such-word"]}, "format": "csv"}
        assert (imported.action, imported.actor, imported.rows) == ("import", manager, 1)
        assert imported.detail["file"] == "tickets.csv" and imported.detail["new"] == 1
        page = manager_client.get(reverse("admin:tickets_auditentry_changelist")).content.decode()
        assert "Export" in page and "Import" in page

    def test_agents_cannot_read_the_audit_log(self, agent_client):
        assert agent_client.get(reverse("admin:tickets_auditentry_changelist")).status_code == 403

    def test_edits_of_the_text_are_in_the_history(self, agent_client, agent):
        ticket = TicketFactory(title="Old", description="Old text", submitter_email="a@example.com")
        services.ticket_update(
            ticket=ticket, data={"title": "New", "description": "New text", "submitter_email": ""}, actor=agent
        )
        changes = {e.field: (e.old_value, e.new_value, e.actor) for e in ticket.events.exclude(field="created")}
        assert changes == {
            "title": ("Old", "New", agent),
            "description": ("Old text", "New text", agent),
            "submitter_email": ("a@example.com", "", agent),
        }


class TestWorkTheTicket:
    def test_assign_to_me_from_the_row_and_the_mine_filter(self, agent_client, agent, manager):
        mine = TicketFactory()
        theirs = TicketFactory(assignee=manager)
        nobodys = TicketFactory()
        page = agent_client.get(CHANGELIST).content.decode()
        assert page.count("ticket-assign-me") == 2  # the unowned rows only
        response = agent_client.post(reverse("admin:tickets_ticket_assign_me", args=[mine.pk]), HTTP_REFERER=CHANGELIST)
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.assignee == agent
        assert mine.events.get(field="assignee").new_value == "agent"
        assert listed_ids(agent_client.get(CHANGELIST, {"assignee": "me"})) == [mine.pk]
        assert listed_ids(agent_client.get(CHANGELIST, {"assignee": "none"})) == [nobodys.pk]
        assert listed_ids(agent_client.get(CHANGELIST, {"assignee": str(manager.pk)})) == [theirs.pk]

    def test_bulk_assign_to_an_agent_through_the_chooser_page(self, manager_client, agent):
        tickets = TicketFactory.create_batch(3)
        ids = [str(t.pk) for t in tickets[:2]]
        chooser = manager_client.post(CHANGELIST, {"action": "assign_to", "_selected_action": ids})
        assert chooser.status_code == 200 and b'name="assignee"' in chooser.content
        done = manager_client.post(
            CHANGELIST, {"action": "assign_to", "_selected_action": ids, "assignee": str(agent.pk)}, follow=True
        )
        assert "2 ticket(s) assigned to agent" in done.content.decode()
        assert sorted(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == sorted(map(int, ids))
        manager_client.post(CHANGELIST, {"action": "assign_to", "_selected_action": ids, "assignee": "none"})
        assert not Ticket.objects.filter(assignee__isnull=False).exists()

    def test_the_thread_with_a_reply_box_and_notes_set_apart(self, agent_client, agent):
        ticket = TicketFactory(submitter_email="ann@example.com")
        url = reverse("admin:tickets_ticket_add_message", args=[ticket.pk])
        agent_client.post(url, {"kind": "note", "body": "Customer is on the <b>old</b> plan"})
        agent_client.post(url, {"kind": "reply", "body": "We fixed it."})
        response = agent_client.post(url, {"kind": "reply", "body": ""}, follow=True)
        assert "Nothing was added" in response.content.decode()
        page = agent_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
        kinds = re.findall(r'data-kind="(\w+)"', page)
        assert kinds == ["request", "note", "reply"]  # the request, then oldest first
        assert "Customer is on the &lt;b&gt;old&lt;/b&gt; plan" in page  # inert text
        assert "ticket-message-note" in page and "email queued" in page
        assert 'name="kind" value="reply"' in page and 'name="kind" value="note"' in page
        ticket.refresh_from_db()
        assert ticket.first_response_at is not None

    def test_customer_replies_are_flagged_in_the_changelist(self, agent_client):
        ticket = TicketFactory()
        services.message_add(ticket=ticket, kind="customer", body="Any news?")
        rows = re.findall(r'<tr class="[^"]*data-row.*?</tr>', agent_client.get(CHANGELIST).content.decode(), re.S)
        assert "replied" in rows[0]

    def test_view_only_staff_cannot_assign_or_write(self, client, django_user_model):
        from django.contrib.auth.models import Permission

        viewer = django_user_model.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
        client.force_login(viewer)
        ticket = TicketFactory()
        assert "ticket-assign-me" not in client.get(CHANGELIST).content.decode()
        assert client.post(reverse("admin:tickets_ticket_assign_me", args=[ticket.pk])).status_code == 403
        url = reverse("admin:tickets_ticket_add_message", args=[ticket.pk])
        assert client.post(url, {"kind": "note", "body": "x"}).status_code == 403
        assert not ticket.messages.exists()
