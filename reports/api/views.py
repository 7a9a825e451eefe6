"""API views of the cluster's KPIs: ``GET /api/v1/reports/kpis/`` (the figures of a period) and
``GET /api/v1/reports/kpis/periods/`` (the closed periods).

Who reads: a partner token with ``reports:read``; a person signed in who may read the KPI
dashboard (``reports.permissions.can_view_dashboard``: reporting officers, auditors,
administrators). Anyone else signed in gets 403, anonymous callers 401. Read only.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster_portal.api.auth import api_token
from cluster_portal.api.permissions import ScopedAPIPermission

from ..kpis import definitions
from ..models import ClosedPeriod, PeriodKind
from ..permissions import can_view_dashboard
from ..selectors.kpis import closed_periods, kpis_for_period
from .serializers import (
    ClosedPeriodSerializer,
    KpiQuerySerializer,
    KpiResponseSerializer,
    period_payload,
)

REPORTS_READ = "reports:read"


class KpiReadPermission(ScopedAPIPermission):
    """A token needs ``reports:read``; a person needs ``can_view_dashboard``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if api_token(request) is not None:
            return True
        if not can_view_dashboard(request.user):
            self.message = _("Only staff who read the KPI dashboard can read these figures.")
            self.code = "permission_denied"
            return False
        return True


class KpiView(APIView):
    permission_classes = [KpiReadPermission]
    scope_read = REPORTS_READ

    @extend_schema(
        summary=_("Cluster KPIs of a period"),
        description=_(
            "The figures of the KPI dashboard for a month, quarter or year: members (at the "
            "end of the period, joined, by kind, mining scale and region, month by month), the "
            "funnel from challenges to calls, proposals, projects and verified impact, reviews "
            "submitted, funding mobilized per currency and kind of source, and mission "
            "delegates and outcomes. A closed period answers its frozen snapshot (status "
            "closed, with closed_at); an open one is computed live (status open). Money "
            "amounts are strings per currency: soles and dollars are never added together. "
            "definitions says what each figure counts. Default: the current month."
        ),
        parameters=[KpiQuerySerializer],
        responses=KpiResponseSerializer,
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        params = KpiQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        period = params.validated_data["period"]
        view = kpis_for_period(kind=period.kind, starts_on=period.starts_on)
        return Response(
            {
                "period": period_payload(view.period, view.closed),
                "figures": view.figures,
                "definitions": definitions(),
            }
        )


class ClosedPeriodFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=PeriodKind.choices, help_text=_("month, quarter or year")
    )

    class Meta:
        model = ClosedPeriod
        fields = ("kind",)


class ClosedPeriodListView(ListAPIView):
    permission_classes = [KpiReadPermission]
    scope_read = REPORTS_READ
    serializer_class = ClosedPeriodSerializer
    filterset_class = ClosedPeriodFilter

    @extend_schema(
        summary=_("Closed reporting periods"),
        description=_(
            "The periods whose KPI figures were frozen, newest first; filter with ?kind=. "
            "Read a period's figures at reports/kpis/?period_kind=&starts_on=."
        ),
        tags=["reports"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClosedPeriod]:
        return closed_periods()
