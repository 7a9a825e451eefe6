"""Routes of the KPI dashboard (``views.kpis``), under ``/staff/reports/``."""

from django.urls import URLPattern, URLResolver, path

from ..views import kpis as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("periods/close/", views.period_close, name="period_close"),
]
