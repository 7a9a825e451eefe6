"""Output serializers of published calls (``GET /api/v1/calls/``): questions, criteria,
eligibility rules, the published FAQ, timeline and funding. Nothing of a call's private side
(pending questions, extensions, drafts) is ever serialized."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster_portal.core.money import MoneySerializer

from ...models import Call, CallClarification, CallCriterion, CallQuestion


class CallQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallQuestion
        fields = (
            "id",
            "position",
            "kind",
            "label",
            "label_en",
            "help_text",
            "help_text_en",
            "options",
            "required",
            "personal_data",
        )


class CallCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallCriterion
        fields = (
            "id",
            "position",
            "name",
            "name_en",
            "description",
            "description_en",
            "weight",
            "scale_min",
            "scale_max",
        )


class CallFaqSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="public_question")
    question_en = serializers.CharField(source="public_question_en")

    class Meta:
        model = CallClarification
        fields = ("id", "question", "question_en", "answer", "answer_en", "published_at")


class CallEligibilitySerializer(serializers.Serializer):
    kinds = serializers.ListField(child=serializers.CharField(), source="eligible_kinds")
    regions = serializers.ListField(child=serializers.CharField(), source="eligible_regions")
    members_only = serializers.BooleanField()
    required_partner_kinds = serializers.ListField(child=serializers.CharField())
    max_proposals_per_organization = serializers.IntegerField(allow_null=True)


class CallTimelineSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    evaluation_ends_at = serializers.DateTimeField(allow_null=True)
    results_at = serializers.DateTimeField(allow_null=True)


class CallFundingSerializer(serializers.Serializer):
    per_project = MoneySerializer(source="funding_per_project", allow_null=True)
    total = MoneySerializer(source="total_funding", allow_null=True)
    max_awards = serializers.IntegerField(allow_null=True)


class SponsorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class CallSerializer(serializers.ModelSerializer):
    eligibility = CallEligibilitySerializer(source="*")
    timeline = CallTimelineSerializer(source="*")
    funding = CallFundingSerializer(source="*")
    sponsors = SponsorSerializer(many=True)
    challenge_ids = serializers.SerializerMethodField()
    questions = CallQuestionSerializer(many=True)
    criteria = CallCriterionSerializer(many=True)
    faq = CallFaqSerializer(many=True)

    class Meta:
        model = Call
        fields = (
            "id",
            "code",
            "status",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "description",
            "description_en",
            "published_at",
            "eligibility",
            "timeline",
            "funding",
            "sponsors",
            "challenge_ids",
            "questions",
            "criteria",
            "faq",
        )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_challenge_ids(self, call: Call) -> list[int]:
        """Ids of the call's challenges (read each through ``/api/v1/challenges/{id}/``, which
        applies their confidentiality)."""
        return [c.pk for c in call.challenges.all()]
