"""Output serializer of ``GET /api/v1/knowledge/regulatory-barriers/`` (read only).

Rows come from ``knowledge.selectors.barriers.barrier_api_queryset`` (``endorsement_count``
annotated, the stage selected, the history prefetched); the linked challenge and project ids
the caller may see are computed once per page by the view (``context["linked"]``), so
serializing a page runs no query.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer
from members.api.serializers import CapabilitySerializer

from ...models import BarrierStatusChange, RegulatoryBarrier
from ...selectors.barriers import LinkedIds


class BarrierStatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(
        help_text=_("Empty for the first row (the barrier was recorded).")
    )
    to_status = serializers.CharField()

    class Meta:
        model = BarrierStatusChange
        fields = ("from_status", "to_status", "note", "changed_at")


class RegulatoryBarrierSerializer(serializers.ModelSerializer):
    """A barrier as INDECOPI's commission on bureaucratic barriers would read it."""

    status = serializers.CharField(
        help_text=_("One of: identified, documented, proposed, in_dialogue, resolved, dropped.")
    )
    status_label = serializers.SerializerMethodField()
    visibility = serializers.CharField(help_text=_("public or members (members only)."))
    value_chain_stage = CapabilitySerializer(allow_null=True)
    estimated_cost = MoneySerializer(allow_null=True)
    endorsement_count = serializers.IntegerField(
        help_text=_("How many member organizations endorse it.")
    )
    status_history = BarrierStatusChangeSerializer(source="history", many=True)
    challenge_ids = serializers.SerializerMethodField()
    project_ids = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = RegulatoryBarrier
        fields = (
            "id",
            "code",
            "title",
            "description",
            "rule",
            "rule_article",
            "authority",
            "manifestation",
            "value_chain_stage",
            "estimated_cost",
            "estimated_delay_days",
            "improvement_proposal",
            "status",
            "status_label",
            "case_number",
            "visibility",
            "endorsement_count",
            "status_history",
            "challenge_ids",
            "project_ids",
            "url",
            "created_at",
            "updated_at",
        )

    def _linked(self) -> LinkedIds:
        return self.context.get("linked") or LinkedIds()

    def get_status_label(self, barrier: RegulatoryBarrier) -> str:
        return str(barrier.get_status_display())

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_challenge_ids(self, barrier: RegulatoryBarrier) -> list[int]:
        """Challenges it blocks that the caller may see."""
        return self._linked().challenges.get(barrier.pk, [])

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_project_ids(self, barrier: RegulatoryBarrier) -> list[int]:
        """Projects it affects that the caller may see."""
        return self._linked().projects.get(barrier.pk, [])

    def get_url(self, barrier: RegulatoryBarrier) -> str:
        """The barrier's page in the portal."""
        request = self.context.get("request")
        path = reverse("knowledge:barrier_detail", kwargs={"code": barrier.code})
        return request.build_absolute_uri(path) if request is not None else path
