from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from project import session_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[]), name="api-docs"),
    path("api/session/", session_views.session, name="session"),
    path("api/session/login/", session_views.session_login, name="session-login"),
    path("api/session/logout/", session_views.session_logout, name="session-logout"),
    path("api/", include("tickets.api.urls")),
    path("admin/stats/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
    re_path(r"^(?:tickets|dashboard|login)?/?$", views.frontend, name="frontend"),
]
