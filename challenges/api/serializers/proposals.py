"""Serializers of the proposals API (read-only): a proposal as its lead or partners see it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer

from ...models import Decision, Proposal, ProposalPartner
from ...selectors.calls import deadline_for
from ...workflows import DECIDED, PROPOSAL


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


class ProposalDecisionSerializer(serializers.Serializer):
    """The call's published decision on the proposal (issue 10)."""

    outcome = serializers.ChoiceField(
        choices=Decision.Outcome.choices, help_text="award or not_selected."
    )
    feedback = serializers.CharField(help_text="The secretariat's feedback to the applicant.")
    published_at = serializers.DateTimeField(source="batch.published_at")


class ProposalSerializer(serializers.ModelSerializer):
    call = ProposalCallSerializer()
    lead_organization = ProposalOrganizationSerializer()
    budget = MoneySerializer(allow_null=True)
    co_funding = MoneySerializer(allow_null=True)
    partners = ProposalPartnerSerializer(many=True)
    deadline = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField(
        help_text=(
            "The published decision (outcome, feedback, when it was published); null until the "
            "call's decisions are published: nothing of the evaluation shows before."
        )
    )
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
            "decision",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_deadline(self, proposal: Proposal) -> Any:
        deadline = deadline_for(proposal.call, proposal.lead_organization_id)
        return serializers.DateTimeField().to_representation(deadline) if deadline else None

    @extend_schema_field(ProposalDecisionSerializer(allow_null=True))
    def get_decision(self, proposal: Proposal) -> Any:
        if not PROPOSAL.has_tag(proposal, DECIDED):
            return None
        decision = getattr(proposal, "decision", None)  # select_related by the view
        if decision is None or not decision.is_published:
            return None
        return ProposalDecisionSerializer(decision).data
