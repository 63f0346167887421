"""Tickets in the staff workspace: triage, one-click moves, bulk actions, import and export."""

import functools

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import ChoicesCheckboxFilter
from unfold.contrib.import_export.forms import ExportForm
from unfold.decorators import action, display

from tickets import services
from tickets.admin.desk import TicketDeskMixin
from tickets.admin.filters import AIUnsureFilter, AssigneeFilter, DayRangeFilter, SLAFilter
from tickets.admin.forms import TicketAdminForm, TicketImportForm, stale_message
from tickets.admin.navigation import back_to
from tickets.admin.paginator import EstimatedCountPaginator
from tickets.admin.rows import ROW_PK, row_url_pattern
from tickets.admin.tags import TagFilter, TicketTagsMixin
from tickets.admin.teams import TeamFilter, TicketTeamsMixin
from tickets.admin.transfer import TicketTransferMixin
from tickets.admin.views import TicketViewsMixin
from tickets.admin.work import TicketWorkMixin
from tickets.filters import search_tickets, visible_to
from tickets.models import NEWEST_FIRST, PAGE_SIZE, TICKET_FIELDS, Priority, Status, Ticket, TicketEvent
from tickets.tasks import classify_tickets, inline_classify_limit
from tickets.transfer.resource import TicketResource

STATUS_COLOURS = dict(zip(Status.values, ("info", "warning", "success", "default"), strict=True))
PRIORITY_COLOURS = dict(zip(Priority.values, ("default", "info", "warning", "danger"), strict=True))
# The one-click moves offered on each changelist row, by current status.
QUICK_MOVES = {
    Status.OPEN: (Status.IN_PROGRESS, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.RESOLVED,),
    Status.RESOLVED: (Status.CLOSED, Status.OPEN),
    Status.CLOSED: (Status.OPEN,),
}


class TicketEventInline(TabularInline):
    model = TicketEvent
    fields = ["created_at", "field", "old_value", "new_value", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "History"
    ordering = NEWEST_FIRST

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


def status_badge(status: str) -> str:
    return format_html(
        '<span class="ticket-status ticket-status-{}" data-status="{}">{}</span>',
        STATUS_COLOURS.get(status, "default"),
        status,
        Status(status).label if status in Status.values else status,
    )


@functools.lru_cache(maxsize=64)
def status_cell(status: str, url: str, language: str) -> str:
    """A status's badge and one-click moves, posting to ``url``: the same for every row in that status but
    for the ticket id in the URL, so it is built once per status (and language)."""
    buttons = format_html_join(
        "",
        '<button type="submit" class="ticket-quick-move" formaction="{}" name="status" value="{}" '
        'title="Move to {}">{}</button>',
        ((url, move.value, move.label, move.label) for move in QUICK_MOVES.get(Status(status), ())),
    )
    return format_html('<span class="ticket-status-cell">{} {}</span>', status_badge(status), buttons)


@admin.register(Ticket)
class TicketAdmin(
    TicketDeskMixin,
    TicketWorkMixin,
    TicketTagsMixin,
    TicketViewsMixin,
    TicketTeamsMixin,
    TicketTransferMixin,
    ModelAdmin,
    ImportExportModelAdmin,
):
    list_display = [
        "id",
        "title",
        "category_badge",
        "priority_badge",
        "status_badge",
        "assignee_column",
        "team",
        "due_column",
        "customer_flag",
        "created_at",
        "ai_flag",
        "ai_agreement",
    ]
    list_display_links = ["id", "title"]
    # unfold's changelist, rows built once per page (tickets/admin/rows.py); import-export extends it.
    change_list_template = "admin/tickets/ticket/change_list.html"
    # unfold's rows template asks for it twice a row; left undefined, each miss costs a dir() of this class.
    list_sections = []
    list_filter = [
        ("status", ChoicesCheckboxFilter),
        ("priority", ChoicesCheckboxFilter),
        ("category", ChoicesCheckboxFilter),
        AssigneeFilter,
        TeamFilter,
        SLAFilter,
        AIUnsureFilter,
        TagFilter,
        ("created_at", DayRangeFilter),
    ]
    list_filter_submit = True
    # Each filter's HTML is drawn once per process for a query string and its choices (ticket_list_filter).
    cache_list_filters = True
    search_fields = ["title", "description"]
    search_help_text = "Any part of a word in the title or description, in any case."
    ordering = NEWEST_FIRST
    list_per_page = PAGE_SIZE
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [TicketEventInline]
    list_select_related = ["assignee", "team"]
    actions = [
        "mark_open",
        "mark_in_progress",
        "mark_resolved",
        "mark_closed",
        "assign_to_me",
        "assign_to",
        "classify_with_ai",
        "new_tracking_links",
        "tag_tickets",
        "merge_into_oldest",
    ]
    # Staff edit the text, labels, status and owner; every other column is the application's to write.
    readonly_fields = [
        *(name for name in TICKET_FIELDS if name not in {"id", *services.UPDATABLE_FIELDS}),
        "ai_agreement",
        "first_response_at",
        "first_response_due_at",
        "resolution_due_at",
        "sla_breached",
    ]
    fieldsets = [
        (None, {"fields": ["title", "description", "submitter_email", "version"]}),
        ("Triage", {"fields": ["category", "priority", "status", "assignee", "tags_text"]}),
        (
            "AI suggestion",
            {"fields": ["ai_category", "ai_priority", "ai_confidence", "classified_by", "ai_agreement"]},
        ),
        ("Dates", {"fields": ["created_at", "updated_at", "first_response_at", "resolved_at"]}),
        ("SLA", {"fields": ["first_response_due_at", "resolution_due_at", "sla_breached"]}),
    ]
    resource_classes = [TicketResource]
    import_form_class = TicketImportForm
    export_form_class = ExportForm
    formats = [CSV]
    skip_export_form = True

    # --- columns -------------------------------------------------------------------------------

    @display(description="Category", ordering="category", label=True)
    def category_badge(self, obj):
        return obj.get_category_display()

    @display(description="Priority", ordering="priority", label=PRIORITY_COLOURS)
    def priority_badge(self, obj):
        return obj.priority, obj.get_priority_display()

    @display(description="Status", ordering="status")
    def status_badge(self, obj):
        return status_badge(obj.status)

    @display(description="Status", ordering="status")
    def status_with_moves(self, obj):
        """The status badge plus one-click moves; the buttons post the changelist form (CSRF token included)."""
        cell = status_cell(obj.status, row_url_pattern("admin:tickets_ticket_set_status"), get_language())
        return mark_safe(cell.replace(str(ROW_PK), str(int(obj.pk))))  # noqa: S308 (built by format_html)

    @display(description="AI kept", boolean=True)
    def ai_agreement(self, obj):
        return obj.ai_agrees

    @display(description="AI", label={"unsure": "warning"})
    def ai_flag(self, obj):
        """ "unsure" when the AI's labels came with a low confidence: check them first."""
        return "unsure" if obj.ai_is_unsure else ""

    # --- pages ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        # Every page and action of the ticket workspace starts here: another private team's tickets are not there.
        return visible_to(super().get_queryset(request), request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # A ticket that does not exist, or that this agent may not see, is a 404: never "it was deleted" for one and
        # a different answer for the other.
        raise Http404(f"No ticket with the id {object_id}.")

    def get_search_results(self, request, queryset, search_term):
        # The API's search rule (the FilterSet's), so the changelist, its export and the API agree.
        return search_tickets(queryset, search_term), False

    def get_list_display(self, request):
        if not self.has_change_permission(request):
            return [("assignee" if c == "assignee_column" else c) for c in self.list_display]
        return [("status_with_moves" if c == "status_badge" else c) for c in self.list_display]

    def get_urls(self):
        urls = [
            *self.work_urls(),
            *self.desk_urls(),
            *self.views_urls(),
            *self.teams_urls(),
            *self.transfer_urls(),
            path(
                "<int:pk>/set-status/",
                self.admin_site.admin_view(require_POST(self.set_status_view)),
                name="tickets_ticket_set_status",
            ),
        ]
        return urls + super().get_urls()

    def set_status_view(self, request, pk):
        """One click on a changelist row: move the ticket to the posted status, then back to the same list."""
        ticket = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        status = request.POST.get("status", "")
        if status not in Status.values:
            self.message_user(request, "Unknown status.", messages.ERROR)
        else:
            services.ticket_change_status(ticket=ticket, status=status, actor=request.user)
            self.message_user(request, f"{ticket} is now {Status(status).label.lower()}.", messages.SUCCESS)
        return back_to(request, reverse("admin:tickets_ticket_changelist"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, form=TicketAdminForm, **kwargs)
        # Left empty, the labels are filled by the classifier on save.
        for name in ("category", "priority"):
            if name in form.base_fields:
                form.base_fields[name].required = False
                form.base_fields[name].help_text = "Leave empty to let the AI classify the ticket."
        return form

    # --- writes go through the services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            ticket = services.ticket_create(
                title=data["title"],
                description=data["description"],
                category=data.get("category") or None,
                priority=data.get("priority") or None,
                submitter_email=data.get("submitter_email") or "",
                status=data.get("status") or Status.OPEN,
                assignee=data.get("assignee"),
                actor=request.user,
            )
            if tags := [n for n in data.get("tags_text", "").split(",") if n.strip()]:
                ticket = services.ticket_update(ticket=ticket, data={"tags": tags}, actor=request.user)
        else:
            # A label staff cleared is in the changes, empty: the service lets the AI fill it.
            changes = {name: data[name] for name in form.changed_data if name in services.UPDATABLE_FIELDS}
            if "tags_text" in form.changed_data:
                changes["tags"] = [n for n in data["tags_text"].split(",") if n.strip()]
            if "waiting" in form.changed_data:
                changes["waiting"] = data["waiting"]
            ticket = services.ticket_update(
                ticket=obj, data=changes, actor=request.user, expected_version=data.get("version")
            )
        obj.pk = ticket.pk
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.thread_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleTicket as stale:
            # The form's own check passed, then another save landed first: nothing of this one was written.
            self.message_user(request, stale_message(stale.current), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        services.ticket_delete(ticket_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.ticket_delete(ticket_ids=queryset.values_list("pk", flat=True))

    # --- bulk actions ------------------------------------------------------------------------------

    def _bulk_status(self, request, queryset, status: Status):
        changed = services.ticket_bulk_change_status(
            ticket_ids=queryset.values_list("pk", flat=True), status=status, actor=request.user
        )
        self.message_user(request, f"{changed} ticket(s) marked {status.label.lower()}.", messages.SUCCESS)

    @action(description="Mark as open", permissions=["change"])
    def mark_open(self, request, queryset):
        self._bulk_status(request, queryset, Status.OPEN)

    @action(description="Mark as in progress", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._bulk_status(request, queryset, Status.IN_PROGRESS)

    @action(description="Mark as resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._bulk_status(request, queryset, Status.RESOLVED)

    @action(description="Mark as closed", permissions=["change"])
    def mark_closed(self, request, queryset):
        self._bulk_status(request, queryset, Status.CLOSED)

    @action(description="Merge into the oldest selected", permissions=["change"])
    def merge_into_oldest(self, request, queryset):
        """Duplicates picked on the list: each merged into the oldest of them (at most a page at once)."""
        picked = list(queryset.order_by("created_at", "pk")[: PAGE_SIZE + 1])
        if len(picked) < 2 or len(picked) > PAGE_SIZE:  # noqa: PLR2004
            self.message_user(request, f"Select from 2 to {PAGE_SIZE} tickets to merge.", messages.ERROR)
            return
        target, merged = picked[0], 0
        for duplicate in picked[1:]:
            try:
                services.ticket_merge(duplicate=duplicate, target=target, actor=request.user)
                merged += 1
            except ValidationError as error:
                self.message_user(request, f"#{duplicate.pk} not merged: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, f"{merged} ticket(s) merged into {target}.", messages.SUCCESS)

    @action(description="Classify with AI", permissions=["change"])
    def classify_with_ai(self, request, queryset):
        limit = inline_classify_limit()
        ids = list(queryset.values_list("pk", flat=True)[: limit + 1])
        if len(ids) > limit:
            ids = list(queryset.values_list("pk", flat=True))
            classify_tickets.enqueue(ids, overwrite=True, actor_id=request.user.pk)
            jobs = reverse("admin:tickets_ticket_jobs")
            queued = format_html(
                '{} ticket(s) queued for AI classification: <a href="{}">follow it</a>.', len(ids), jobs
            )
            self.message_user(request, queued, messages.INFO)
            return
        services.ticket_classify_many(ticket_ids=ids, overwrite=True, actor=request.user)
        self.message_user(request, f"{len(ids)} ticket(s) classified with AI.", messages.SUCCESS)
