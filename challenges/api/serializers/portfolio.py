"""Output serializers of the projects API (``GET /api/v1/projects/``), read only.

A project comes in one of two shapes, per row (``view``):

* ``full`` — for ``portfolio:read`` tokens and for people who may see the project whole
  (``permissions.can_view_project``): every field, milestones, KPIs with their periods and the
  verified impact entries (never claims, confirmations waiting for the secretariat or rejected
  entries).
* ``public`` — for ``public:read`` tokens and for people reading someone else's public project:
  what the project consented to show in the public showcase. The private fields are absent,
  not null: ``site`` only with ``public_site``; ``budget`` and ``funding`` only with
  ``public_amounts``; the verified impact totals always, their money only with
  ``public_amounts``; never milestones, KPIs, the risk flag, the ledger's entries, the consent
  flags or the status reason.

Rows come from ``challenges.selectors.portfolio.project_api_queryset`` (annotated
``sees_whole``, ``progress``, ``at_risk``; ``frozen_impact`` and every relation prefetched), so
serializing a page runs no query.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from cluster_portal.api.schema import optional_in_schema
from cluster_portal.core.money import MoneySerializer
from members.api.serializers import CapabilitySerializer

from ...impact_totals import LedgerRow, Tally, contributions_from_chains, superseded_ids
from ...models import (
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    Project,
    ProjectFunding,
    ProjectOrganization,
)
from ...workflows import CALL, IMPACT, IN_TOTALS, PUBLISHED

FULL = "full"
PUBLIC = "public"

#: Fields of the full shape only (absent from the public shape).
FULL_ONLY = frozenset(
    {
        "status_reason",
        "is_public",
        "public_amounts",
        "public_site",
        "update_every_days",
        "next_update_due",
        "proposal",
        "challenges",
        "at_risk",
        "milestones",
        "indicators",
        "impact_entries",
    }
)
#: Money fields: in the full shape, and in the public one with ``public_amounts``.
AMOUNT_FIELDS = frozenset({"budget", "funding"})
#: The site: in the full shape, and in the public one with ``public_site``.
SITE_FIELDS = frozenset({"site"})


class ProjectCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class ProjectOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization_id")
    name = serializers.CharField(source="organization.display_name")
    role = serializers.ChoiceField(choices=ProjectOrganization.Role.choices)


class ProjectFundingSerializer(serializers.ModelSerializer):
    amount = MoneySerializer()
    organization = serializers.SerializerMethodField()

    class Meta:
        model = ProjectFunding
        fields = ("source", "kind", "organization", "amount", "in_kind")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_organization(self, funding: ProjectFunding) -> int | None:
        """Id of the organization that puts the money in, when it is one of the portal's."""
        return funding.organization_id


class MilestoneSerializer(serializers.ModelSerializer):
    """No evidence files and no reasons: those stay on the project's page."""

    class Meta:
        model = Milestone
        fields = ("id", "title", "due_on", "weight", "status", "submitted_at", "accepted_at")


class MeasurementSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        model = Measurement
        fields = ("period_start", "period_end", "value")


class IndicatorSerializer(serializers.ModelSerializer):
    """A KPI (IATI's result → indicator) and its periods in order."""

    baseline = serializers.DecimalField(max_digits=18, decimal_places=4)
    target = serializers.DecimalField(max_digits=18, decimal_places=4)
    periods = MeasurementSerializer(source="measurements", many=True)

    class Meta:
        model = Indicator
        fields = (
            "id",
            "result",
            "name",
            "name_en",
            "unit",
            "baseline",
            "baseline_year",
            "target",
            "higher_is_better",
            "periods",
        )


class CounterpartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ImpactEntrySerializer(serializers.ModelSerializer):
    """A verified entry of the impact ledger."""

    amount = MoneySerializer(allow_null=True)
    counterpart = CounterpartSerializer(allow_null=True)
    corrects = serializers.IntegerField(
        source="corrects_id",
        allow_null=True,
        help_text=_("Id of the entry this one corrects (its values replace that entry's)."),
    )
    counts = serializers.BooleanField(
        help_text=_(
            "Its values count in the totals now (false when a newer verified correction "
            "replaced them)."
        )
    )

    class Meta:
        model = ImpactEntry
        fields = (
            "id",
            "kind",
            "description",
            "occurred_on",
            "amount",
            "count",
            "counterpart",
            "corrects",
            "verified_at",
            "counts",
        )


class ImpactTotalSerializer(serializers.Serializer):
    """Verified impact of one kind, corrections applied (``challenges.impact_totals``)."""

    kind = serializers.ChoiceField(choices=ImpactEntry.Kind.choices)
    entries = serializers.IntegerField(help_text=_("Verified entries counted."))
    count = serializers.IntegerField(
        allow_null=True, help_text=_("Sum of the counts (jobs, patents, pilots); null for money.")
    )
    amounts = MoneySerializer(
        many=True,
        help_text=_(
            "Money kinds: the sum per currency (PEN and USD are never added together). Empty "
            "when the project keeps its amounts private and the caller reads public fields."
        ),
    )


_MONEY = MoneySerializer()


def _rows(project: Project, *, amounts: bool) -> list[LedgerRow]:
    counted = set(IMPACT.values_tagged(IN_TOTALS))
    return [
        LedgerRow(
            id=entry.pk,
            project_id=entry.project_id,
            kind=entry.kind,
            verified=entry.status in counted,
            corrects_id=entry.corrects_id,
            amount=entry.amount.amount if entry.amount is not None else None,
            currency=str(entry.amount.currency) if entry.amount is not None else "",
            count=entry.count,
            amount_public=amounts,
        )
        for entry in getattr(project, "frozen_impact", ())
    ]


def impact_totals_data(project: Project, *, amounts: bool) -> list[dict[str, Any]]:
    """The project's verified impact per kind, in the order of the kinds."""
    tally = Tally()
    for contribution in contributions_from_chains(_rows(project, amounts=amounts)):
        tally.add(contribution)
    lines = []
    for kind in ImpactEntry.Kind.values:
        if not tally.entries.get(kind):
            continue
        money = kind in ImpactEntry.MONEY_KINDS
        lines.append(
            {
                "kind": kind,
                "entries": tally.entries[kind],
                "count": None if money else tally.counts.get(kind, 0),
                "amounts": [_MONEY.to_representation(m) for m in tally.amounts(kind)]
                if money
                else [],
            }
        )
    return lines


@optional_in_schema(*FULL_ONLY, *AMOUNT_FIELDS, *SITE_FIELDS)
class ProjectSerializer(serializers.ModelSerializer):
    """A project as the caller may read it (module docstring: ``full`` or ``public``)."""

    view = serializers.SerializerMethodField(
        help_text=_(
            "full: every field; public: only what the project consented to make public "
            "(the other fields are absent)."
        )
    )
    call = serializers.SerializerMethodField()
    organizations = ProjectOrganizationSerializer(source="participants", many=True)
    commodities = CapabilitySerializer(many=True)
    areas = CapabilitySerializer(source="service_areas", many=True)
    progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text=_(
            "Percentage of the weight of the live milestones that the sponsor accepted; null "
            "without milestones."
        ),
    )
    verified_impact = serializers.SerializerMethodField()
    # Full shape only, or with the project's consent.
    site = serializers.CharField(help_text=_("Absent from public fields unless public_site."))
    budget = MoneySerializer(
        allow_null=True, help_text=_("Absent from public fields unless public_amounts.")
    )
    funding = ProjectFundingSerializer(
        many=True, help_text=_("Absent from public fields unless public_amounts.")
    )
    at_risk = serializers.BooleanField(
        help_text=_("Full view only. A milestone is past its date and not accepted.")
    )
    proposal = serializers.IntegerField(
        source="proposal_id", allow_null=True, help_text=_("Full view only.")
    )
    challenges = serializers.SerializerMethodField(help_text=_("Full view only."))
    milestones = MilestoneSerializer(many=True, help_text=_("Full view only."))
    indicators = IndicatorSerializer(many=True, help_text=_("Full view only. KPIs and periods."))
    impact_entries = serializers.SerializerMethodField(
        help_text=_("Full view only. Verified entries of the impact ledger, newest first.")
    )

    class Meta:
        model = Project
        fields = (
            "id",
            "code",
            "view",
            "status",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "call",
            "organizations",
            "starts_on",
            "ends_on",
            "trl_start",
            "trl_now",
            "trl_target",
            "region",
            "commodities",
            "areas",
            "progress",
            "verified_impact",
            "updated_at",
            "site",
            "budget",
            "funding",
            "status_reason",
            "is_public",
            "public_amounts",
            "public_site",
            "update_every_days",
            "next_update_due",
            "proposal",
            "challenges",
            "at_risk",
            "milestones",
            "indicators",
            "impact_entries",
        )
        read_only_fields = fields
        extra_kwargs = {name: {"help_text": _("Full view only.")} for name in FULL_ONLY}

    def _whole(self, project: Project) -> bool:
        return bool(getattr(project, "sees_whole", False))

    @extend_schema_field(serializers.ChoiceField(choices=[FULL, PUBLIC]))
    def get_view(self, project: Project) -> str:
        return FULL if self._whole(project) else PUBLIC

    @extend_schema_field(ProjectCallSerializer(allow_null=True))
    def get_call(self, project: Project) -> dict[str, Any] | None:
        """The call it came from; for public fields only when the call is published."""
        call = project.call
        if call is None or not (self._whole(project) or CALL.has_tag(call, PUBLISHED)):
            return None
        return {"id": call.pk, "code": call.code, "title": call.title}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_challenges(self, project: Project) -> list[int]:
        """Ids of the challenges it answers (read them through ``/api/v1/challenges/{id}/``,
        which applies their confidentiality)."""
        return [c.pk for c in project.challenges.all()]

    @extend_schema_field(ImpactTotalSerializer(many=True))
    def get_verified_impact(self, project: Project) -> list[dict[str, Any]]:
        return impact_totals_data(project, amounts=self._whole(project) or project.public_amounts)

    @extend_schema_field(ImpactEntrySerializer(many=True))
    def get_impact_entries(self, project: Project) -> list[dict[str, Any]]:
        rows = _rows(project, amounts=True)
        replaced = superseded_ids(rows)
        counted = set(IMPACT.values_tagged(IN_TOTALS))
        entries = sorted(
            (e for e in getattr(project, "frozen_impact", ()) if e.status in counted),
            key=lambda e: (e.occurred_on, e.pk),
            reverse=True,
        )
        # One child serializer per response: building a ModelSerializer's fields for every row
        # was most of the endpoint's time.
        child = self.__dict__.get("_impact_entry_serializer")
        if child is None:
            child = self.__dict__["_impact_entry_serializer"] = ImpactEntrySerializer()
        for entry in entries:
            entry.counts = entry.pk not in replaced  # type: ignore[attr-defined]
        return [child.to_representation(entry) for entry in entries]

    def _left_out(self, project: Project) -> frozenset[str]:
        if self._whole(project):
            return frozenset()
        left_out = set(FULL_ONLY)
        if not project.public_amounts:
            left_out |= AMOUNT_FIELDS
        if not project.public_site:
            left_out |= SITE_FIELDS
        return frozenset(left_out)

    def to_representation(self, instance: Project) -> dict[str, Any]:
        """DRF's field loop, leaving out (not computing) what the caller may not read."""
        left_out = self._left_out(instance)
        data: dict[str, Any] = {}
        for field in self._readable_fields:
            if field.field_name in left_out:
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            data[str(field.field_name)] = (
                None if attribute is None else field.to_representation(attribute)
            )
        return data
