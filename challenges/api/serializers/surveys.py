"""Serializers of the challenges API (``/api/v1/challenges/``).

Reads serialize :class:`challenges.selectors.surveys.ChallengeCard` objects: a restricted
challenge seen from outside its company has only its public version (``is_public_version``
true, ``details`` and ``organization`` null), so the restricted words cannot be serialized.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer
from cluster_portal.core.peru import Region
from members.api.serializers import OrganizationRefSerializer

from ...models import Challenge


class ChallengeDetailsSerializer(serializers.Serializer):
    """The original fields, for callers who may read them."""

    problem = serializers.CharField()
    site = serializers.CharField()
    region = serializers.CharField()
    altitude_band = serializers.CharField()
    impact_cost = serializers.CharField()
    impact_safety = serializers.CharField()
    impact_environment = serializers.CharField()
    impact_production = serializers.CharField()
    estimated_annual_cost = MoneySerializer(allow_null=True)
    impact_notes = serializers.CharField()
    desired_outcome = serializers.CharField()
    constraints = serializers.CharField()


class ChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    status = serializers.CharField()
    confidentiality = serializers.CharField()
    is_public_version = serializers.BooleanField(
        help_text=_(
            "True when only the sanitized public version of a restricted challenge is shown."
        )
    )
    title = serializers.CharField()
    summary = serializers.CharField(help_text=_("The problem, or the public summary."))
    operational_area = serializers.CharField()
    value_chain_stages = serializers.SerializerMethodField()
    service_areas = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    organization = OrganizationRefSerializer(allow_null=True)
    details = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_value_chain_stages(self, card: Any) -> list[str]:
        return [c.slug for c in card.value_chain_stages]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_service_areas(self, card: Any) -> list[str]:
        return [c.slug for c in card.service_areas]

    @extend_schema_field(ChallengeDetailsSerializer(allow_null=True))
    def get_details(self, card: Any) -> dict[str, Any] | None:
        if card.challenge is None:
            return None
        return ChallengeDetailsSerializer(card.challenge).data


@extend_schema_field(OpenApiTypes.STR)
class ImpactField(serializers.ChoiceField):
    """One impact level (documented as a string: the four impact fields share one choice set,
    which drf-spectacular would otherwise name four times)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", Challenge.Impact.NONE.value)
        kwargs.setdefault("help_text", _("One of: %s.") % ", ".join(Challenge.Impact.values))
        super().__init__(choices=Challenge.Impact.choices, **kwargs)


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kwargs)


class ChallengeCreateSerializer(serializers.Serializer):
    """What a partner system sends; free texts are checked by the service (same messages as
    the form)."""

    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    problem = serializers.CharField(allow_blank=True, required=False, default="")
    operational_area = _choice(Challenge.OperationalArea.choices)
    site = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    region = _choice(Region.choices)
    altitude_band = _choice(
        Challenge.AltitudeBand.choices, allow_blank=True, required=False, default=""
    )
    impact_cost = ImpactField()
    impact_safety = ImpactField()
    impact_environment = ImpactField()
    impact_production = ImpactField()
    estimated_annual_cost = MoneySerializer(required=False, allow_null=True, default=None)
    impact_notes = serializers.CharField(allow_blank=True, required=False, default="")
    desired_outcome = serializers.CharField(allow_blank=True, required=False, default="")
    constraints = serializers.CharField(allow_blank=True, required=False, default="")
    confidentiality = _choice(Challenge.Confidentiality.choices)
    public_title = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    public_summary = serializers.CharField(allow_blank=True, required=False, default="")
    value_chain_stages = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Codes of value-chain stages of the capability taxonomy."),
    )
    service_areas = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Codes of service areas of the capability taxonomy."),
    )
