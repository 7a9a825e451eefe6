"""Report endpoints, included in ``/api/v1/``: ``reports/kpis/`` and ``reports/kpis/periods/``."""

from django.urls import URLPattern, URLResolver, path

from .views import ClosedPeriodListView, KpiView

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/kpis/", KpiView.as_view(), name="report_kpis"),
    path("reports/kpis/periods/", ClosedPeriodListView.as_view(), name="report_kpi_periods"),
]
