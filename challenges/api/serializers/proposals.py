"""Serializers of the proposals API (read-only): a proposal as its lead or partners see it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer

from ...models import Proposal, ProposalPartner
from ...selectors.calls import deadline_for


class ProposalOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    ruc = serializers.CharField()


class ProposalPartnerSerializer(serializers.ModelSerializer):
    organization = ProposalOrganizationSerializer()
    budget_share = MoneySerializer(allow_null=True)

    class Meta:
        model = ProposalPartner
        fields = ("organization", "role", "budget_share", "status", "invited_at", "responded_at")
        read_only_fields = fields


class ProposalCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    call = ProposalCallSerializer()
    lead_organization = ProposalOrganizationSerializer()
    budget = MoneySerializer(allow_null=True)
    co_funding = MoneySerializer(allow_null=True)
    partners = ProposalPartnerSerializer(many=True)
    deadline = serializers.SerializerMethodField()
    challenge: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Proposal
        fields = (
            "id",
            "reference",
            "status",
            "call",
            "lead_organization",
            "challenge",
            "title",
            "summary",
            "trl_start",
            "trl_end",
            "budget",
            "co_funding",
            "duration_months",
            "partners",
            "version",
            "deadline",
            "created_at",
            "updated_at",
            "submitted_at",
            "withdrawn_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_deadline(self, proposal: Proposal) -> Any:
        deadline = deadline_for(proposal.call, proposal.lead_organization_id)
        return serializers.DateTimeField().to_representation(deadline) if deadline else None
