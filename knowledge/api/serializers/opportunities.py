"""Output serializer of ``GET /api/v1/knowledge/value-opportunities/`` (read only).

Rows come from ``knowledge.selectors.opportunities.opportunity_api_queryset`` (interest counts
per role annotated, readable studies prefetched in ``visible_studies``), so serializing a page
runs no query. Names of interested organizations are not given (the directory decides who sees
which organization); the counts per role are.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer

from ...models import Article, OpportunityInterest, ValueOpportunity
from ...selectors.opportunities import ASSESSMENT_LABELS


class OpportunityAssessmentSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 (weak) to 5."))
    justification = serializers.CharField()
    sources = serializers.CharField(help_text=_("Free text; may be empty."))


class OpportunityAssessmentsSerializer(serializers.Serializer):
    economic = OpportunityAssessmentSerializer()
    financial = OpportunityAssessmentSerializer()
    environmental = OpportunityAssessmentSerializer()


class OpportunityInterestCountsSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(help_text=_("Organizations interested as suppliers."))
    buyer = serializers.IntegerField(help_text=_("Organizations interested as buyers."))
    investor = serializers.IntegerField(help_text=_("Organizations interested as investors."))


class OpportunityStudySerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ("id", "slug", "title", "published_on")
        read_only_fields = fields


class ValueOpportunitySerializer(serializers.ModelSerializer):
    """A published value-added opportunity."""

    url = serializers.SerializerMethodField(help_text=_("The opportunity's public page."))
    import_value = MoneySerializer(
        allow_null=True, help_text=_("Peru's yearly imports of the product (import_year).")
    )
    assessments = serializers.SerializerMethodField()
    interests = serializers.SerializerMethodField(
        help_text=_("How many member organizations registered interest, per role.")
    )
    studies = serializers.SerializerMethodField(
        help_text=_("Linked studies the caller may read (published or archived articles).")
    )

    class Meta:
        model = ValueOpportunity
        fields = (
            "id",
            "slug",
            "url",
            "product",
            "product_en",
            "hs_code",
            "stage",
            "summary",
            "market_notes",
            "import_value",
            "import_year",
            "local_capability",
            "assessments",
            "interests",
            "studies",
            "visibility",
            "updated_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "hs_code": {"help_text": _("Peru's tariff subheading, such as 7408.11.00.00.")},
            "market_notes": {"help_text": _("Markdown.")},
        }

    def get_url(self, opportunity: ValueOpportunity) -> str:
        path = reverse("knowledge:opportunity_detail", args=[opportunity.slug])
        return settings.SITE_URL.rstrip("/") + path

    @extend_schema_field(OpportunityAssessmentsSerializer)
    def get_assessments(self, opportunity: ValueOpportunity) -> dict[str, dict[str, Any]]:
        return {
            key: {
                "rating": getattr(opportunity, f"{key}_rating"),
                "justification": getattr(opportunity, f"{key}_justification"),
                "sources": getattr(opportunity, f"{key}_sources"),
            }
            for key in ASSESSMENT_LABELS
        }

    @extend_schema_field(OpportunityInterestCountsSerializer)
    def get_interests(self, opportunity: ValueOpportunity) -> dict[str, int]:
        # Annotations of selectors.opportunities.opportunity_api_queryset.
        return {
            role: int(getattr(opportunity, f"{role}_count", 0))
            for role in OpportunityInterest.Role.values
        }

    @extend_schema_field(OpportunityStudySerializer(many=True))
    def get_studies(self, opportunity: ValueOpportunity) -> list[dict[str, Any]]:
        studies = getattr(opportunity, "visible_studies", [])
        return list(OpportunityStudySerializer(studies, many=True).data)
