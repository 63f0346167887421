"""Large imports in the staff workspace: each job's progress, errors with their lines, the first rows, and the
button that writes a checked file."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from unfold.decorators import display

from tickets.admin.audit import ReadOnlyAdmin
from tickets.models import ImportJob
from tickets.roles import IMPORT_TICKETS
from tickets.transfer.tasks import import_confirm

IMPORT_PERMISSION = IMPORT_TICKETS


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "state", "progress", "actor"]
    list_filter = ["state"]
    list_select_related = ["actor"]
    fields = ["file_name", "state", "progress", "created", "updated", "message", "actor", "created_at", "finished_at"]
    readonly_fields = fields
    change_form_outer_before_template = "tickets/admin/import_job.html"

    @display(description="Rows checked or written")
    def progress(self, obj):
        return f"{obj.rows_done:,} of {obj.rows_total:,}"

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(actor=request.user)

    def has_module_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(IMPORT_PERMISSION)

    def get_urls(self):
        confirm = self.admin_site.admin_view(require_POST(self.confirm_view))
        return [path("<int:pk>/confirm/", confirm, name="tickets_importjob_confirm"), *super().get_urls()]

    def confirm_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        if import_confirm(job=job):
            self.message_user(request, f"Writing {job.rows_total:,} rows in the background.", messages.INFO)
        else:
            self.message_user(request, "This import is not waiting for confirmation.", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:tickets_importjob_change", args=[job.pk]))
