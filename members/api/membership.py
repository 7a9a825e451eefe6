"""Membership writes of the API: ``POST /api/v1/join-requests/`` (ask to join an organization).

The reference example of :class:`cluster_portal.api.writes.ServiceWriteView`: an input
serializer, the service ``members.services.membership.join_request_create``, an output
serializer. The rules are the HTML join page's: only an organization the person could have
found is accepted (:func:`~members.selectors.membership.organizations_joinable` — a public
active member, or any organization whose exact RUC is sent along), with the same answer for
every other id, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from cluster_portal.api.writes import ServiceWriteView

from ..forms.membership import JOIN_ORGANIZATION_NOT_FOUND
from ..models import JoinRequest, Organization, User
from ..selectors.membership import organizations_joinable
from ..services.membership import join_request_create
from .serializers import OrganizationRefSerializer

#: ``JoinRequest.message``'s length.
MESSAGE_MAX_LENGTH = JoinRequest._meta.get_field("message").max_length


@extend_schema_field(OpenApiTypes.INT)
class JoinableOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization id the caller could have found (the HTML join form's rule): see
    :func:`~members.selectors.membership.organizations_joinable`, with the ``ruc`` sent along."""

    def get_queryset(self) -> QuerySet[Organization]:
        data = getattr(self.root, "initial_data", None)
        ruc = data.get("ruc", "") if isinstance(data, Mapping) else ""
        return organizations_joinable(ruc=ruc if isinstance(ruc, str) else "")


class JoinRequestCreateSerializer(serializers.Serializer):
    organization = JoinableOrganizationField(
        help_text=_("Id of the organization, as found in the directory or by its RUC."),
        error_messages={
            "required": JOIN_ORGANIZATION_NOT_FOUND,
            "null": JOIN_ORGANIZATION_NOT_FOUND,
            "does_not_exist": JOIN_ORGANIZATION_NOT_FOUND,
            "incorrect_type": JOIN_ORGANIZATION_NOT_FOUND,
        },
    )
    ruc = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        write_only=True,
        help_text=_(
            "The organization's RUC. Needed for an organization without a public profile: "
            "anyone who knows the RUC may ask to join it."
        ),
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Optional message to the organization's admins: who you are, your position."),
    )


class JoinRequestSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = JoinRequest
        fields = ("id", "organization", "status", "message", "created_at")
        read_only_fields = fields


@extend_schema_view(
    post=extend_schema(
        summary=_("Ask to join an organization"),
        description=_(
            "For people signed in to the portal (browser session with the CSRF token); partner "
            "tokens are refused. The organization's admins are notified and decide. Refused "
            "with 400 on `organization` when the organization cannot be found (use its RUC "
            "for one without a public profile), when you already belong to it or already "
            "asked to join it."
        ),
        tags=["members"],
    )
)
class JoinRequestCreateView(ServiceWriteView):
    """``POST /api/v1/join-requests/``: a person asks to join an organization."""

    input_serializer = JoinRequestCreateSerializer
    output_serializer = JoinRequestSerializer
    required_scopes: dict[str, list[str]] = {"POST": []}
    partner_tokens_allowed = False
    service_error_field = "organization"

    def perform(self, validated: dict[str, Any], actor: User) -> JoinRequest:
        return join_request_create(
            actor=actor, organization=validated["organization"], message=validated["message"]
        )
