"""``/api/v1/webhooks/``: a partner system manages its organization's webhook endpoints.

**Who.** Partner tokens holding ``webhooks:manage``, for the endpoints of their client's
organization only (another organization's endpoint is a 404). People signed in to the portal
manage webhooks on the pages under ``/webhooks/``; their browser sessions get a 403
``token_required`` here: a person may administer several organizations and the API has no way to
say which one is meant, while a token always acts for exactly one.

**Writes** call the services of ``notifications.services.webhooks`` (the target is vetted, the
events validated, the secret generated): bad input is a 400 with the service's messages and
nothing is changed. The signing secret is in the answers of the creation and of
``rotate-secret`` only.

``GET /api/v1/webhooks/events/`` (the catalogue with each event's JSON Schema) is public, like
the catalogue page: anonymous callers, and tokens with ``public:read`` or ``webhooks:manage``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from cluster_portal.api.auth import api_caller_partner, api_token, token_scopes
from cluster_portal.api.exceptions import drf_validation_error
from cluster_portal.api.models import PartnerClient
from cluster_portal.api.permissions import ScopedAPIPermission
from cluster_portal.api.writes import ServiceWriteView

from ..filters import DeliveryFilter
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..permissions import WEBHOOKS_MANAGE, partner_may_view_endpoint
from ..selectors import webhooks as selectors
from ..services import webhooks as services
from ..webhooks import events as catalogue
from .serializers import (
    EmptySerializer,
    RedeliverCountSerializer,
    RedeliverRangeSerializer,
    SecretSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEventSerializer,
)

PUBLIC_READ = "public:read"
TAGS = ["webhooks"]


class WebhookManagePermission(ScopedAPIPermission):
    """Partner tokens with ``webhooks:manage``; their own organization's endpoints only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if api_token(request) is None:
            self.message = _(
                "Webhooks are managed through the API with a partner system's access token "
                "(scope webhooks:manage). People manage them in the portal, under /webhooks/."
            )
            self.code = "token_required"
            return False
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return partner_may_view_endpoint(api_caller_partner(request), obj)


class _PartnerEndpointMixin(APIView):
    """The endpoint of the URL, of the calling partner's organization (404 otherwise)."""

    permission_classes = [WebhookManagePermission]
    required_scopes = [WEBHOOKS_MANAGE]

    def partner(self) -> PartnerClient:
        partner = api_caller_partner(self.request)
        if partner is None:  # WebhookManagePermission lets only partner tokens in
            raise NotAuthenticated
        return partner

    def endpoint(self) -> WebhookEndpoint:
        if not hasattr(self, "_endpoint"):
            self._endpoint = selectors.endpoint_get_for_partner(
                partner=self.partner(), endpoint_id=int(self.kwargs["endpoint_id"])
            )
        return self._endpoint


# --- Endpoints ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Webhook endpoints"),
        description=_(
            "The webhook endpoints of the token's organization (scope webhooks:manage), oldest "
            "first. Secrets are never listed."
        ),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary=_("Webhook endpoint"),
        description=_("One endpoint of the token's organization; others are not found."),
        tags=TAGS,
    ),
    create=extend_schema(
        summary=_("Subscribe an endpoint"),
        description=_(
            "Subscribes an https URL to events. The answer carries the signing secret, the "
            "only time it is shown. 400 when the URL is not an acceptable target (not https, "
            "loopback, private, link-local or a metadata address, or a name that resolves to "
            "one) or an event is unknown; nothing is created then."
        ),
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        tags=TAGS,
    ),
    partial_update=extend_schema(
        summary=_("Change an endpoint"),
        description=_(
            "Changes the URL (vetted again), the description or the events; is_active false "
            "pauses the endpoint and true resumes it. 400 with nothing changed on bad input."
        ),
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer},
        tags=TAGS,
    ),
    destroy=extend_schema(
        summary=_("Delete an endpoint"),
        description=_("Deletes the endpoint and its delivery log."),
        responses={204: None},
        tags=TAGS,
    ),
)
class WebhookEndpointViewSet(_PartnerEndpointMixin, GenericViewSet):
    serializer_class = WebhookEndpointSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "endpoint_id"
    lookup_value_regex = "[0-9]+"
    filter_backends = []  # type: ignore[var-annotated]

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        partner = api_caller_partner(self.request)
        if partner is None:  # the schema generator
            return WebhookEndpoint.objects.none()
        return selectors.endpoints_of({partner.organization_id})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(WebhookEndpointSerializer(self.endpoint()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partner = self.partner()
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            endpoint, secret = services.endpoint_create(
                actor=None,
                organization=partner.organization,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                client=partner,
            )
        except ValidationError as error:
            raise drf_validation_error(error, non_field_errors_on="url") from error
        return Response(
            WebhookEndpointCreatedSerializer(endpoint, context={"secret": secret}).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint, partner = self.endpoint(), self.partner()
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        is_active = data.pop("is_active", None)
        try:
            # One transaction: a refused pause or resume leaves the other changes unmade too.
            with transaction.atomic():
                if data:
                    endpoint = services.endpoint_update(
                        actor=None, endpoint=endpoint, data=data, client=partner
                    )
                if is_active is True and not endpoint.is_active:
                    services.endpoint_enable(actor=None, endpoint=endpoint, client=partner)
                elif is_active is False and endpoint.is_active:
                    services.endpoint_disable(actor=None, endpoint=endpoint, client=partner)
        except ValidationError as error:
            raise drf_validation_error(error) from error
        endpoint.refresh_from_db()
        return Response(WebhookEndpointSerializer(endpoint).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.endpoint_delete(actor=None, endpoint=self.endpoint(), client=self.partner())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Actions on an endpoint ---------------------------------------------------------------------


class _EndpointActionView(_PartnerEndpointMixin, ServiceWriteView):
    input_serializer: ClassVar[type[serializers.BaseSerializer]] = EmptySerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.endpoint()  # another organization's endpoint is a 404 whatever the input
        return super().post(request, *args, **kwargs)


@extend_schema_view(
    post=extend_schema(
        summary=_("Rotate the signing secret"),
        description=_(
            "Issues a new signing secret (in the answer, the only time it is shown). The "
            "previous one keeps signing until previous_secret_expires_at: messages carry both "
            "signatures meanwhile."
        ),
        tags=TAGS,
    )
)
class RotateSecretView(_EndpointActionView):
    output_serializer = SecretSerializer
    success_status = status.HTTP_200_OK

    def perform(self, validated: Any, actor: Any) -> dict[str, Any]:
        endpoint = self.endpoint()
        secret = services.endpoint_rotate_secret(
            actor=None, endpoint=endpoint, client=self.partner()
        )
        endpoint.refresh_from_db()
        return {"secret": secret, "previous_secret_expires_at": endpoint.previous_secret_expires_at}


@extend_schema_view(
    post=extend_schema(
        summary=_("Send a test event"),
        description=_(
            "Queues a webhook.test message to the endpoint; the answer is its delivery (pending)."
        ),
        tags=TAGS,
    )
)
class SendTestView(_EndpointActionView):
    output_serializer = WebhookDeliverySerializer
    success_status = status.HTTP_202_ACCEPTED

    def perform(self, validated: Any, actor: Any) -> WebhookDelivery:
        return services.endpoint_send_test(
            actor=None, endpoint=self.endpoint(), client=self.partner()
        )


@extend_schema_view(
    post=extend_schema(
        summary=_("Redeliver a time range"),
        description=_(
            "Sends again the messages created between since and until to this endpoint (only the "
            "failed ones unless failed_only is false), with their original ids."
        ),
        tags=TAGS,
    )
)
class RedeliverRangeView(_EndpointActionView):
    input_serializer = RedeliverRangeSerializer
    output_serializer = RedeliverCountSerializer
    success_status = status.HTTP_202_ACCEPTED

    def perform(self, validated: Any, actor: Any) -> dict[str, int]:
        count = services.endpoint_redeliver_range(
            actor=None,
            endpoint=self.endpoint(),
            since=validated["since"],
            until=validated["until"],
            failed_only=validated["failed_only"],
            client=self.partner(),
        )
        return {"count": count}


@extend_schema_view(
    post=extend_schema(
        summary=_("Redeliver a message"),
        description=_(
            "Sends one delivery's message again (same id); the answer is the new delivery."
        ),
        tags=TAGS,
    )
)
class DeliveryRedeliverView(_EndpointActionView):
    output_serializer = WebhookDeliverySerializer
    success_status = status.HTTP_202_ACCEPTED

    def perform(self, validated: Any, actor: Any) -> WebhookDelivery:
        delivery = selectors.delivery_get(
            endpoint=self.endpoint(), delivery_id=int(self.kwargs["delivery_id"])
        )
        return services.delivery_redeliver(actor=None, delivery=delivery, client=self.partner())


# --- The delivery log ---------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary=_("Delivery log"),
        description=_(
            "The endpoint's deliveries, newest first, each with its attempts (status, timing, "
            "response excerpt). Filter with ?status=, ?event_type=, ?created_after= and "
            "?created_before= (dates, Lima time, inclusive)."
        ),
        responses={
            200: WebhookDeliverySerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_("A filter or page value is invalid; see `fields`."),
            ),
        },
        tags=TAGS,
    )
)
class DeliveryListView(_PartnerEndpointMixin, ListAPIView):
    serializer_class = WebhookDeliverySerializer
    filterset_class = DeliveryFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return selectors.delivery_log(endpoint=self.endpoint()).prefetch_related(
            Prefetch(
                "attempt_log",
                queryset=WebhookAttempt.objects.order_by("-attempted_at", "-pk"),
            )
        )


# --- The event catalogue ------------------------------------------------------------------------


class EventCataloguePermission(ScopedAPIPermission):
    """Public, like the catalogue page: anonymous callers; tokens with ``public:read`` or
    ``webhooks:manage``."""

    allows_anonymous_reads = True

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            return super().has_permission(request, view)
        if api_token(request) is None:
            # A token that failed authentication is a 401, not public data.
            return not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")
        if WEBHOOKS_MANAGE in token_scopes(request):
            return True
        return super().has_permission(request, view)


@extend_schema_view(
    get=extend_schema(
        summary=_("Webhook event catalogue"),
        description=_(
            "Every event partners can subscribe to, with the scope needed to read the record, "
            "the message's JSON Schema and an example. Public: anonymous callers and tokens "
            "with public:read or webhooks:manage."
        ),
        tags=TAGS,
    )
)
class EventCatalogueView(ListAPIView):
    permission_classes = [EventCataloguePermission]
    scope_read = PUBLIC_READ
    serializer_class = WebhookEventSerializer
    filter_backends = []  # type: ignore[var-annotated]

    def get_queryset(self) -> list[catalogue.WebhookEvent]:  # type: ignore[override]
        return catalogue.all_events()
