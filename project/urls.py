from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from project import views
from tickets.api import session

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[]), name="api-docs"),
    path("api/session/", session.SessionView.as_view(), name="session"),
    path("api/session/login/", session.LoginView.as_view(), name="session-login"),
    path("api/session/logout/", session.LogoutView.as_view(), name="session-logout"),
    path("api/", include("tickets.api.urls")),
    path("admin/stats/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
    # Every other path is the React app's: it routes its own pages (frontend/src/routes.js).
    re_path(r"^(?!api/|admin/|static/)", views.frontend, name="frontend"),
]
