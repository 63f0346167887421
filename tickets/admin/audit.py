"""The audit log in the staff workspace: read-only, for managers."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from tickets.models import AuditEntry


class ReadOnlyAdmin(ModelAdmin):
    """Records the application writes and staff only read: no add, change or delete in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "rows", "detail"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
