"""Report endpoints, included in ``/api/v1/``: ``reports/kpis/`` (stub until written)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
