"""Who may use the staff endpoints: the same model permissions the admin checks, never ``is_staff`` alone.

A staff account with no role can log in but reads and changes nothing until a group or permission grants it.
"""

from rest_framework.permissions import DjangoModelPermissions, IsAdminUser

from tickets.roles import DASHBOARD_PERMISSION


class StaffModelPermissions(DjangoModelPermissions):
    """Staff only; GET needs the model's view permission (DRF's own map asks for nothing on reads)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return IsAdminUser().has_permission(request, view) and super().has_permission(request, view)


class CanViewDashboard(IsAdminUser):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm(DASHBOARD_PERMISSION)
