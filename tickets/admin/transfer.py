"""Moving tickets in and out of the admin: streamed CSV export, and imports (large ones in the background),
each recorded in the audit log."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.export import export_csv


class TicketTransferMixin:
    def has_export_permission(self, request):
        return request.user.has_perm("tickets.export_ticket")

    def has_import_permission(self, request):
        return request.user.has_perm("tickets.import_ticket")

    def import_action(self, request, **kwargs):
        """Files past IMPORT_INLINE_ROWS rows go to the background worker, which checks every row with progress
        and writes only after confirmation; smaller ones are previewed here as before."""
        if request.method == "POST" and request.FILES.get("import_file") and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid() and form.rows is not None and form.rows > settings.IMPORT_INLINE_ROWS:
                upload = form.cleaned_data["import_file"]
                job = services.import_job_start(
                    actor=request.user, file_name=upload.name, text=form.text, rows=form.rows
                )
                self.message_user(request, f"{form.rows:,} rows are being checked in the background.", messages.INFO)
                return HttpResponseRedirect(reverse("admin:tickets_importjob_change", args=[job.pk]))
        return super().import_action(request, **kwargs)

    def generate_log_entries(self, result, request):
        """A confirmed import goes to the audit log (import-export's own admin log is off)."""
        services.audit_import(
            actor=request.user, file_name=request.POST.get("original_file_name", ""), totals=result.totals
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Stream the filtered changelist as CSV instead of building it in memory."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        filters = {key: request.GET.getlist(key) for key in request.GET if key not in ("o", "p")}
        services.audit_record(
            actor=request.user, action="export", rows=queryset.count(), detail={"filters": filters, "format": "csv"}
        )
        response = StreamingHttpResponse(export_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
        return response
