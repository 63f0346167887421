"""Moving tickets in and out of the admin: streamed CSV export, bounded Excel export, and imports of any file
shape (large ones in the background), each recorded in the audit log."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tickets import services
from tickets.roles import EXPORT_TICKETS, IMPORT_TICKETS
from tickets.tasks import classify_tickets
from tickets.transfer.export import XLSX_CONTENT_TYPE, export_csv, export_xlsx
from tickets.transfer.tasks import import_start

logger = logging.getLogger(__name__)

JOB_STATES = {"READY": "Waiting", "RUNNING": "Running", "SUCCESSFUL": "Done", "FAILED": "Failed"}


class TicketTransferMixin:
    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_TICKETS)

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_TICKETS)

    def import_action(self, request, **kwargs):
        """Files past IMPORT_INLINE_ROWS rows go to the background worker, which checks every row with progress
        and writes only after confirmation; smaller ones are previewed here as before."""
        if request.method == "POST" and request.FILES.get("import_file") and self.has_import_permission(request):
            form = request.ticket_import_form = self.create_import_form(request)
            if form.is_valid() and form.rows is not None and form.rows > settings.IMPORT_INLINE_ROWS:
                upload = form.cleaned_data["import_file"]
                job = import_start(actor=request.user, file_name=upload.name, text=form.text, rows=form.rows)
                self.message_user(request, f"{form.rows:,} rows are being checked in the background.", messages.INFO)
                return HttpResponseRedirect(reverse("admin:tickets_importjob_change", args=[job.pk]))
        return super().import_action(request, **kwargs)

    def create_import_form(self, request):
        # The form import_action already validated: the file is read (and, for Excel, unpacked) once per request.
        return getattr(request, "ticket_import_form", None) or super().create_import_form(request)

    def add_data_read_fail_error_to_form(self, form, e):
        """The file could not be read after all: a plain message on the page, the traceback in the server log."""
        logger.exception("import: the file could not be read", exc_info=e)
        form.add_error("import_file", "The file could not be read. Save it as CSV (UTF-8) or .xlsx and try again.")

    def generate_log_entries(self, result, request):
        """A confirmed import goes to the audit log (import-export's own admin log is off)."""
        services.audit_import(
            actor=request.user, file_name=request.POST.get("original_file_name", ""), totals=result.totals
        )

    def transfer_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export-xlsx/", view(self.export_xlsx_view), name="tickets_ticket_export_xlsx"),
            path("jobs/", view(self.jobs_view), name="tickets_ticket_jobs"),
        ]

    def jobs_view(self, request):
        """The background jobs this user started (bulk AI classification), with their state; the page refreshes
        itself while one is waiting or running. Large imports have their own pages (Import jobs)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        jobs = [
            {
                "state": result.status,
                "state_label": JOB_STATES.get(result.status, result.status.title()),
                "tickets": len((result.args_kwargs.get("args") or [[]])[0]),
                "enqueued_at": result.enqueued_at,
                "finished_at": result.finished_at,
                "result": result.return_value,
            }
            for result in DBTaskResult.objects.filter(
                task_path=classify_tickets.module_path,
                args_kwargs__kwargs__actor_id=request.user.pk,
            ).order_by("-enqueued_at")[:50]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Your background jobs",
            "jobs": jobs,
            "running": any(job["state"] in ("READY", "RUNNING") for job in jobs),
            "can_import": self.has_import_permission(request),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "tickets/admin/jobs.html", context)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Stream the filtered changelist as CSV instead of building it in memory."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        self._audit_export(request, queryset.count(), "csv")
        response = StreamingHttpResponse(export_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
        return response

    def export_xlsx_view(self, request):
        """The filtered changelist as an Excel workbook, when it holds at most EXPORT_XLSX_MAX_ROWS tickets."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        queryset = self.get_export_queryset(request)
        limit = settings.EXPORT_XLSX_MAX_ROWS
        rows = queryset.order_by()[: limit + 1].count()  # counting stops past the bound
        if rows > limit:
            self.message_user(
                request,
                f"More than {limit:,} tickets match: an Excel export holds at most {limit:,}. "
                "Narrow the filters, or export CSV, which has no limit.",
                messages.ERROR,
            )
            changelist = reverse("admin:tickets_ticket_changelist")
            return HttpResponseRedirect(f"{changelist}?{request.GET.urlencode()}" if request.GET else changelist)
        self._audit_export(request, rows, "xlsx")
        response = HttpResponse(export_xlsx(queryset), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{_file_name("xlsx")}"'
        return response

    def _audit_export(self, request, rows: int, file_format: str) -> None:
        filters = {key: request.GET.getlist(key) for key in request.GET if key not in ("o", "p")}
        services.audit_record(
            actor=request.user, action="export", rows=rows, detail={"filters": filters, "format": file_format}
        )


def _file_name(extension: str) -> str:
    return f"tickets-{timezone.localtime():%Y%m%d-%H%M%S}.{extension}"
