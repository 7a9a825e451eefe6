"""Reports' staff pages under ``/staff/reports/``: the KPI dashboard and closed periods
(``urls.kpis``) and report runs (``urls.runs``). Namespace ``reports_staff``."""

from django.urls import include, path

app_name = "reports_staff"

urlpatterns = [
    path("", include("reports.urls.kpis")),
    path("", include("reports.urls.runs")),
]
