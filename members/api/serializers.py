"""Output serializers for organizations and working groups.

Which fields a caller gets is decided by ``members.selectors.organizations`` (``PUBLIC_FIELDS``,
``MEMBER_FIELDS``) and ``members.permissions`` (``organization_details_visible_to``), the same
rules the profile page follows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from cluster_portal.api.schema import optional_in_schema

from ..models import Capability, GoverningBody, Organization, OrganizationMember, Seat
from ..permissions import organization_details_visible_to, organization_visible_to
from ..selectors.organizations import MEMBER_FIELDS, organization_logo

# The three nested shapes below are documented by their serializers (the schema is generated
# from them) but produced by the plain functions next to them: building a serializer for every
# row of a 50-row page was most of the endpoint's time. Tests compare both outputs.


class CapabilitySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="slug")

    class Meta:
        model = Capability
        fields = ("dimension", "code", "name_es", "name_en")


def capability_data(term: Capability) -> dict[str, Any]:
    """What :class:`CapabilitySerializer` gives for ``term``, without a serializer."""
    return {
        "dimension": term.dimension,
        "code": term.slug,
        "name_es": term.name_es,
        "name_en": term.name_en,
    }


class OrganizationRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Organization
        fields = ("id", "name")


def organization_ref_data(organization: Organization) -> dict[str, Any]:
    """What :class:`OrganizationRefSerializer` gives for ``organization``."""
    return {"id": organization.pk, "name": organization.display_name}


class TeamMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name")

    class Meta:
        model = OrganizationMember
        fields = ("name", "position", "role")


def team_member_data(member: OrganizationMember) -> dict[str, Any]:
    """What :class:`TeamMemberSerializer` gives for ``member`` (``user`` fetched with it)."""
    return {"name": member.user.full_name, "position": member.position, "role": member.role}


#: Values no real row has, reversed once per response and replaced by each row's own.
_URL_STAND_INS: dict[type, Any] = {
    int: 987654321987654321,
    uuid.UUID: uuid.UUID("fedcba98-7654-4321-8fed-cba987654321"),
}


@optional_in_schema(*MEMBER_FIELDS, "is_public", "membership_status")
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
        return [capability_data(term) for term in terms]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo_url(self, obj: Organization) -> str | None:
        logo = organization_logo(obj)
        return self._url("files:download", attachment_id=logo.pk) if logo else None

    @extend_schema_field(serializers.URLField())
    def get_profile_url(self, obj: Organization) -> str:
        return self._url("members:organization_detail", organization_id=obj.pk)

    @extend_schema_field(OrganizationRefSerializer(many=True))
    def get_reference_clients(self, obj: Organization) -> Any:
        return [
            organization_ref_data(client)
            for client in getattr(obj, "visible_reference_clients", [])
        ]

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team(self, obj: Organization) -> Any:
        return [team_member_data(member) for member in getattr(obj, "team", [])]

    def _url(self, viewname: str, **kwargs: Any) -> str:
        """The absolute URL of ``viewname`` for one row, without resolving per row.

        ``reverse()`` and ``build_absolute_uri()`` (host validation included) cost more than
        the rest of a row; both are done once per response, for a stand-in value that is then
        replaced by the row's own (a number or a UUID, which need no escaping).
        """
        (name, value), *_ = kwargs.items()
        cache: dict[str, str] = self.context.setdefault("_url_templates", {})  # type: ignore[attr-defined]
        template = cache.get(viewname)
        if template is None:
            stand_in = _URL_STAND_INS[type(value)]
            path = reverse(viewname, kwargs={name: stand_in})
            request = self.context.get("request")
            template = request.build_absolute_uri(path) if request is not None else path
            template = cache[viewname] = template.replace(str(stand_in), "{}")
        return template.format(value)

    def to_representation(self, instance: Organization) -> dict[str, Any]:
        """DRF's field loop, leaving out the member-only fields (not computing them) when the
        caller may not see this organization's details."""
        viewer = self.context["viewer"]
        details = organization_details_visible_to(
            viewer.audience, instance, own=instance.pk in viewer.own_ids
        )
        data: dict[str, Any] = {}
        # One list per response (the child serializer is shared by every row).
        readable = self.__dict__.get("_readable_list")
        if readable is None:
            readable = self.__dict__["_readable_list"] = list(self._readable_fields)
        for field in readable:
            if not details and field.field_name in self.DETAIL_ONLY:
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            data[field.field_name] = (
                None if attribute is None else field.to_representation(attribute)
            )
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
        return organization_ref_data(obj.organization) if visible else None


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
