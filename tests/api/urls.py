"""Test-only URLconf: the real URLs plus probe views exercising the permission and error plumbing.

Production code declares real scopes on real endpoints; these probes keep tests independent of
whichever feature endpoints exist.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.urls import path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster_portal.urls import urlpatterns as portal_urlpatterns


class PerMethodProbe(APIView):
    schema = None  # test-only, kept out of the OpenAPI document
    required_scopes = {"GET": ["members:read"], "POST": ["challenges:write"]}

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        return Response({"ok": True}, status=201)


class ReadWriteProbe(APIView):
    schema = None  # test-only, kept out of the OpenAPI document
    scope_read = "members:read"
    scope_write = "challenges:write"

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def delete(self, request: Request) -> Response:
        return Response(status=204)


class UndeclaredProbe(APIView):
    schema = None  # test-only, kept out of the OpenAPI document

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class ProbeInput(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    budget = serializers.DecimalField(max_digits=10, decimal_places=2)


class ValidationProbe(APIView):
    schema = None  # test-only, kept out of the OpenAPI document
    required_scopes = {"POST": []}

    def post(self, request: Request) -> Response:
        ProbeInput(data=request.data).is_valid(raise_exception=True)
        return Response(status=204)


class BrokenProbe(APIView):
    schema = None  # test-only, kept out of the OpenAPI document
    required_scopes = {"GET": []}

    def get(self, request: Request) -> Response:
        raise RuntimeError("probe failure")


class ServiceErrorProbe(APIView):
    """Raises what a service raises: Django's ValidationError and PermissionDenied."""

    schema = None  # test-only, kept out of the OpenAPI document
    required_scopes = {"POST": []}

    def post(self, request: Request) -> Response:
        kind = request.data.get("kind")
        if kind == "fields":
            raise ValidationError(
                {
                    "message": ValidationError("Too long (%(n)s max).", params={"n": 5}),
                    NON_FIELD_ERRORS: "Refused as a whole.",
                }
            )
        if kind == "plain":
            raise ValidationError("Already asked.", code="duplicate")
        if kind == "denied":
            raise PermissionDenied("Only the secretariat may do this.")
        raise PermissionDenied


urlpatterns = [
    path("api/v1/probe/per-method/", PerMethodProbe.as_view()),
    path("api/v1/probe/read-write/", ReadWriteProbe.as_view()),
    path("api/v1/probe/undeclared/", UndeclaredProbe.as_view()),
    path("api/v1/probe/validation/", ValidationProbe.as_view()),
    path("api/v1/probe/broken/", BrokenProbe.as_view()),
    path("api/v1/probe/service-error/", ServiceErrorProbe.as_view()),
    *portal_urlpatterns,
]
