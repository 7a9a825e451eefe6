"""Output serializers of the API's own endpoints (``/api/v1/me/``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class MeOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class MeMembershipSerializer(serializers.Serializer):
    organization = MeOrganizationSerializer(read_only=True)
    role = serializers.CharField(read_only=True)


class MeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)


class MeClientSerializer(serializers.Serializer):
    client_id = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    kind = serializers.CharField(
        read_only=True,
        help_text=_("“user” for a person with a browser session, “partner” for a partner system."),
    )
    user = MeUserSerializer(read_only=True, allow_null=True)
    client = MeClientSerializer(read_only=True, allow_null=True)
    organization = MeOrganizationSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The organization a partner client acts for; null for people."),
    )
    memberships = MeMembershipSerializer(many=True, read_only=True)
    scopes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Scopes the caller may use now (people are not limited by scopes)."),
    )
