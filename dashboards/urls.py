from django.contrib import admin
from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", admin.site.admin_view(views.stats_view), name="stats"),
]
