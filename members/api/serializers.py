"""Output serializers for organizations and working groups.

Which fields a caller gets is decided by ``members.selectors.organizations`` (``PUBLIC_FIELDS``,
``MEMBER_FIELDS``) and ``members.permissions`` (``organization_details_visible_to``), the same
rules the profile page follows.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Capability, GoverningBody, Organization, OrganizationMember, Seat
from ..permissions import organization_details_visible_to, organization_visible_to
from ..selectors.organizations import MEMBER_FIELDS, organization_logo


class CapabilitySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="slug")

    class Meta:
        model = Capability
        fields = ("dimension", "code", "name_es", "name_en")


class OrganizationRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Organization
        fields = ("id", "name")


class TeamMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name")

    class Meta:
        model = OrganizationMember
        fields = ("name", "position", "role")


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization as the caller may see it; member-only fields are left out otherwise.

    Expects ``viewer`` (``members.api.permissions.DirectoryViewer``) in the context.
    """

    name = serializers.CharField(source="display_name", read_only=True)
    capabilities = serializers.SerializerMethodField()
    logo_url = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()
    # Member-only (absent for visitors and public:read tokens).
    reference_clients = serializers.SerializerMethodField(
        help_text=_("Members only. Organizations of the cluster this one has worked for.")
    )
    team = serializers.SerializerMethodField(help_text=_("Members only. People on the portal."))

    class Meta:
        model = Organization
        fields = (
            "id",
            "name",
            "legal_name",
            "trade_name",
            "ruc",
            "kind",
            "mining_scale",
            "government_level",
            "region",
            "city",
            "website",
            "description",
            "logo_url",
            "capabilities",
            "member_since",
            "profile_url",
            "employee_band",
            "certifications",
            "reference_clients",
            "other_reference_clients",
            "team",
            "is_public",
            "membership_status",
        )
        extra_kwargs = {
            name: {"required": False, "help_text": _("Members only.")}
            for name in (
                "employee_band",
                "certifications",
                "other_reference_clients",
                "is_public",
                "membership_status",
            )
        }

    #: Left out unless the caller may see the organization's details.
    DETAIL_ONLY = frozenset({*MEMBER_FIELDS, "is_public", "membership_status"})

    @extend_schema_field(CapabilitySerializer(many=True))
    def get_capabilities(self, obj: Organization) -> Any:
        terms = getattr(obj, "capability_list", None)
        if terms is None:
            terms = list(obj.capabilities.all())
        return CapabilitySerializer(terms, many=True).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo_url(self, obj: Organization) -> str | None:
        logo = organization_logo(obj)
        return self._absolute(logo.get_download_url()) if logo else None

    @extend_schema_field(serializers.URLField())
    def get_profile_url(self, obj: Organization) -> str:
        return self._absolute(reverse("members:organization_detail", args=[obj.pk]))

    @extend_schema_field(OrganizationRefSerializer(many=True))
    def get_reference_clients(self, obj: Organization) -> Any:
        return OrganizationRefSerializer(
            getattr(obj, "visible_reference_clients", []), many=True
        ).data

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team(self, obj: Organization) -> Any:
        return TeamMemberSerializer(getattr(obj, "team", []), many=True).data

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def to_representation(self, instance: Organization) -> dict[str, Any]:
        data = super().to_representation(instance)
        viewer = self.context["viewer"]
        if not organization_details_visible_to(
            viewer.audience, instance, own=instance.pk in viewer.own_ids
        ):
            for name in self.DETAIL_ONLY:
                data.pop(name, None)
        return data


class SeatSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.full_name")
    organization = serializers.SerializerMethodField(
        help_text=_("Null when the seat's organization is not visible to the caller.")
    )

    class Meta:
        model = Seat
        fields = ("person", "organization", "role", "started_on")

    @extend_schema_field(OrganizationRefSerializer(allow_null=True))
    def get_organization(self, obj: Seat) -> dict[str, Any] | None:
        viewer = self.context["viewer"]
        visible = organization_visible_to(
            viewer.audience, obj.organization, own=obj.organization_id in viewer.own_ids
        )
        return OrganizationRefSerializer(obj.organization).data if visible else None


class WorkingGroupSerializer(serializers.ModelSerializer):
    coordinator = serializers.SerializerMethodField()
    seats = SeatSerializer(source="current_seats", many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = GoverningBody
        fields = ("id", "slug", "kind", "name", "description", "coordinator", "page_url", "seats")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_coordinator(self, obj: GoverningBody) -> str | None:
        return obj.coordinator.full_name if obj.coordinator else None

    @extend_schema_field(serializers.URLField())
    def get_page_url(self, obj: GoverningBody) -> str:
        request = self.context.get("request")
        path = reverse("members:governance_detail", args=[obj.slug])
        return request.build_absolute_uri(path) if request is not None else path
