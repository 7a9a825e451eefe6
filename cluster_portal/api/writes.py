"""API writes: one view pattern for every endpoint that changes something.

A write with rules is an ``APIView`` that validates its input with one serializer, calls the
service, and describes the result with another — no logic in ``serializer.save()``. Subclass
:class:`ServiceWriteView`::

    @extend_schema_view(post=extend_schema(summary=_("Ask to join an organization"),
                                           tags=["members"]))
    class JoinRequestCreateView(ServiceWriteView):
        input_serializer = JoinRequestInputSerializer     # what the caller sends
        output_serializer = JoinRequestSerializer         # what the caller gets back (201)
        required_scopes = {"POST": []}                    # scope policy, as every API view
        partner_tokens_allowed = False                    # a person's act: sessions only
        service_error_field = "organization"              # where the service's refusals go

        def perform(self, validated, actor):
            return join_request_create(actor=actor, **validated)

What the caller gets:

* input the serializer refuses: 400, its ``fields`` (``cluster_portal.api.exceptions``);
* a service's ``ValidationError``: 400 with the service's translated messages in ``fields``
  (under the field it names, else under :attr:`ServiceWriteView.service_error_field` when set,
  else ``non_field_errors``); nothing was written, since the service is atomic;
* a service's ``PermissionDenied``: 403 with the service's reason;
* a partner token on a people-only write: 403 ``session_required``
  (:class:`~cluster_portal.api.permissions.ScopedAPIPermission`);
* success: :attr:`ServiceWriteView.success_status` (201) with the output serializer's data.

Browser sessions must send Django's CSRF token (``X-CSRFToken``), as DRF's session
authentication requires for every write. Throttling is the API's default
(``ApiClientRateThrottle``). The OpenAPI description (request, response, security) is derived
from the class attributes by :class:`ServiceWriteSchema`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import drf_validation_error
from .schema import PartnerOAuth2Scheme


class ServiceWriteSchema(AutoSchema):
    """Documents a :class:`ServiceWriteView` from its attributes: the input serializer as the
    request body, the output serializer under the success status, and no OAuth2 security for a
    write partner tokens may not use."""

    view: Any

    def get_request_serializer(self) -> Any:
        return self.view.input_serializer

    def get_response_serializers(self) -> Any:
        return {self.view.success_status: self.view.output_serializer}

    def get_auth(self) -> list[dict[str, list[str]]]:
        auths = super().get_auth()
        if getattr(self.view, "partner_tokens_allowed", True):
            return auths
        return [auth for auth in auths if PartnerOAuth2Scheme.name not in auth]


class ServiceWriteView(APIView):
    """POST → input serializer → :meth:`perform` (the service call) → output serializer.

    See the module docstring for the pattern and the answers. Subclasses set
    :attr:`input_serializer`, :attr:`output_serializer`, the scope policy
    (``required_scopes``), and implement :meth:`perform`.
    """

    input_serializer: ClassVar[type[serializers.BaseSerializer]]
    output_serializer: ClassVar[type[serializers.BaseSerializer]]
    success_status: ClassVar[int] = status.HTTP_201_CREATED
    #: False for a person's act that no partner system may do for them (403 for tokens).
    partner_tokens_allowed: ClassVar[bool] = True
    #: The input field a service's field-less refusal is reported on (None: non_field_errors).
    service_error_field: ClassVar[str | None] = None

    schema = ServiceWriteSchema()

    def perform(self, validated: Any, actor: Any) -> Any:
        """Call the service with the validated input; return what the output serializer shows.

        ``actor`` is ``request.user`` (a person; ``AnonymousUser`` for a partner token, when
        the view allows them — use ``cluster_portal.api.auth.api_caller`` then).
        """
        raise NotImplementedError

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self}

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        context = self.get_serializer_context()
        serializer = self.input_serializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        try:
            result = self.perform(serializer.validated_data, request.user)
        except ValidationError as error:
            raise drf_validation_error(
                error, non_field_errors_on=self.service_error_field
            ) from error
        return Response(
            self.output_serializer(result, context=context).data, status=self.success_status
        )
