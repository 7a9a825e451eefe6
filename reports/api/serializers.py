"""Serializers of the KPI endpoints: the query (which period) and the answer's shape.

The figures are ``reports.selectors.kpis.kpis_compute``'s JSON, returned as they are (frozen
snapshots included); the nested serializers below describe that shape for the OpenAPI schema.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..kpis import MONTH, Period, current_period, make_period
from ..models import ClosedPeriod, PeriodKind


class KpiQuerySerializer(serializers.Serializer):
    """``?period_kind=month|quarter|year&starts_on=YYYY-MM-DD`` (default: the current month)."""

    period_kind = serializers.ChoiceField(
        choices=PeriodKind.choices,
        required=False,
        default=MONTH,
        help_text=_("month (default), quarter or year."),
    )
    starts_on = serializers.DateField(
        required=False,
        help_text=_(
            "The period's first day: the 1st of a month; 1 January, April, July or October "
            "for a quarter; 1 January for a year. Default: the current period."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("period_kind") or MONTH
        today = timezone.localdate()
        starts_on: datetime.date | None = attrs.get("starts_on")
        if starts_on is None:
            period = current_period(kind, today)
        else:
            try:
                period = make_period(kind, starts_on)
            except ValueError:
                raise serializers.ValidationError(
                    {"starts_on": [_("This day does not start a period of this kind.")]}
                ) from None
            if period.starts_on > today:
                raise serializers.ValidationError(
                    {"starts_on": [_("This period has not started yet.")]}
                )
        attrs["period"] = period
        return attrs


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(PeriodKind.values) + ")$",
        "description": "month, quarter or year",
    }
)
class PeriodKindField(serializers.CharField):
    """month, quarter or year. Documented as a pattern, not an enum: drf-spectacular would name
    the enum after the field, and ``kind`` already names other choice sets in the schema."""


class KpiPeriodSerializer(serializers.Serializer):
    kind = PeriodKindField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("The period's name in the response's language.")
    )
    status = serializers.ChoiceField(
        choices=[("open", _("open: live figures")), ("closed", _("closed: frozen figures"))]
    )
    closed_at = serializers.DateTimeField(allow_null=True)


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()


class MonthSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    active = serializers.IntegerField()
    joined = serializers.IntegerField()


class MoneyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)


class FundingSourceSerializer(MoneyTotalSerializer):
    source = serializers.CharField(help_text=_("public or private"))  # type: ignore[assignment]


class MembersFiguresSerializer(serializers.Serializer):
    active_at_end = serializers.IntegerField()
    joined = serializers.IntegerField()
    by_kind = CountSerializer(many=True)
    by_scale = CountSerializer(many=True)
    by_region = CountSerializer(many=True)
    monthly = MonthSerializer(many=True)


class FunnelFiguresSerializer(serializers.Serializer):
    challenges = serializers.IntegerField()
    calls = serializers.IntegerField()
    proposals = serializers.IntegerField()
    projects = serializers.IntegerField()
    impact_verified = serializers.IntegerField()


class EvaluationFiguresSerializer(serializers.Serializer):
    reviews_submitted = serializers.IntegerField()


class FundingFiguresSerializer(serializers.Serializer):
    by_source = FundingSourceSerializer(many=True)
    totals = MoneyTotalSerializer(many=True)


class MissionFiguresSerializer(serializers.Serializer):
    missions = serializers.IntegerField()
    delegates = serializers.IntegerField()
    organizations = serializers.IntegerField()
    contacts = serializers.IntegerField()
    agreements = serializers.IntegerField()
    business = MoneyTotalSerializer(many=True)


class FiguresPeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class KpiFiguresSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    period = FiguresPeriodSerializer()
    computed_at = serializers.DateTimeField()
    members = MembersFiguresSerializer()
    funnel = FunnelFiguresSerializer()
    evaluations = EvaluationFiguresSerializer()
    funding = FundingFiguresSerializer()
    missions = MissionFiguresSerializer()


class KpiResponseSerializer(serializers.Serializer):
    period = KpiPeriodSerializer()
    figures = KpiFiguresSerializer()
    definitions = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("What each figure counts, keyed by the figure's dotted path."),
    )


def period_payload(period: Period, closed: ClosedPeriod | None) -> dict[str, Any]:
    return {
        "kind": period.kind,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "label": period.label,
        "status": "closed" if closed else "open",
        "closed_at": closed.closed_at.isoformat() if closed else None,
    }


class ClosedPeriodSerializer(serializers.ModelSerializer):
    kind = PeriodKindField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    status = serializers.SerializerMethodField()

    class Meta:
        model = ClosedPeriod
        fields = ("kind", "starts_on", "ends_on", "label", "status", "closed_at")

    def get_label(self, obj: ClosedPeriod) -> str:
        return make_period(obj.kind, obj.starts_on).label

    def get_status(self, obj: ClosedPeriod) -> str:
        return "closed"
