"""``GET /api/v1/challenges/``, ``GET /api/v1/challenges/{id}/`` and ``POST /api/v1/challenges/``.

Reads follow the confidentiality table (``challenges.selectors.surveys``): anonymous callers
and ``public:read`` tokens see public challenges and the public versions of restricted ones;
``challenges:read`` tokens of an active member organization also see members-only ones;
signed-in people see what their browser shows; a partner sees its own company's in full.

``POST`` is for partner systems of a mining company (``PartnerClient.organization``) with
``challenges:write``: the challenge is validated by ``challenge_create`` (the form's service)
and **submitted** at once (reference, triage queue, call managers notified) — a partner system
has no page on which to check and submit a draft later, and the secretariat's triage is where
it is reviewed anyway.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

from cluster_portal.api.auth import api_caller, api_token, token_scopes
from cluster_portal.api.exceptions import drf_validation_error
from cluster_portal.api.permissions import ScopedAPIPermission
from members.models import Capability, Organization

from ...filters import ChallengeFilter
from ...models import Challenge
from ...selectors import surveys as selectors
from ...services import surveys as services
from ..serializers.surveys import ChallengeCreateSerializer, ChallengeSerializer

PUBLIC_READ = "public:read"
CHALLENGES_READ = "challenges:read"
CHALLENGES_WRITE = "challenges:write"


class ChallengeReadPermission(ScopedAPIPermission):
    """Reads open to anonymous callers (public level); a token needs ``public:read`` or
    ``challenges:read``. Writes: partner tokens with ``challenges:write`` only."""

    allows_anonymous_reads = True

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            return super().has_permission(request, view)
        if api_token(request) is None:
            return not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")
        if CHALLENGES_READ in token_scopes(request):
            return True
        return super().has_permission(request, view)


def _reader(request: Any) -> selectors.Reader:
    caller = api_caller(request)
    if caller.is_partner:
        return selectors.Reader.for_partner(caller.organization, caller.scopes)
    if caller.user is not None:
        return selectors.Reader.for_user(caller.user)
    return selectors.VISITOR


def _capability_ids(slugs: list[str], dimension: str) -> list[int]:
    """Ids of the taxonomy terms sent by code; an unknown code becomes an id no term has, so
    the service refuses it with the form's message."""
    found = dict(
        Capability.objects.filter(dimension=dimension, slug__in=slugs).values_list("slug", "pk")
    )
    return [found.get(slug, 0) for slug in dict.fromkeys(slugs)]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Operational challenges"),
        description=gettext_lazy(
            "Accepted challenges the caller may see, newest first. Restricted challenges "
            "appear only by their public version (is_public_version true; details and "
            "organization null). Anonymous callers and public:read tokens see public ones; "
            "challenges:read tokens of an active member organization also members-only ones."
        ),
        tags=["challenges"],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Operational challenge"),
        description=gettext_lazy("One challenge, as the caller may see it."),
        tags=["challenges"],
    ),
    create=extend_schema(
        summary=gettext_lazy("Report a challenge"),
        description=gettext_lazy(
            "For partner systems of a mining company with the challenges:write scope. The "
            "challenge is validated like the portal's form and submitted to the secretariat "
            "at once (it gets its reference). 400 with the form's messages by field."
        ),
        request=ChallengeCreateSerializer,
        responses={201: ChallengeSerializer},
        tags=["challenges"],
    ),
)
class ChallengeViewSet(ReadOnlyModelViewSet):
    permission_classes = [ChallengeReadPermission]
    scope_read = PUBLIC_READ
    scope_write = CHALLENGES_WRITE
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields: list[str] = []
    search_fields: list[str] = []

    def reader(self) -> selectors.Reader:
        if not hasattr(self, "_reader"):
            self._reader = _reader(self.request)
        return self._reader

    def get_queryset(self) -> QuerySet[Challenge]:
        if self.action == "retrieve":
            return selectors.challenges_visible_to(self.reader())
        return selectors.challenge_list_queryset(self.reader())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = ChallengeSerializer(selectors.cards(rows), many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        challenge = selectors.challenge_get_for_user(
            who=self.reader(), challenge_id=int(kwargs["pk"])
        )
        return Response(ChallengeSerializer(selectors.card_for(challenge)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        caller = api_caller(request)
        organization = caller.organization
        if not caller.is_partner or organization is None:
            raise PermissionDenied(
                _("Only partner systems of a mining company report challenges through the API.")
            )
        if organization.kind != Organization.Kind.MINING_COMPANY:
            raise PermissionDenied(_("Only mining companies report challenges."))
        serializer = ChallengeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["value_chain_stages"] = _capability_ids(
            data["value_chain_stages"], Capability.Dimension.VALUE_CHAIN
        )
        data["service_areas"] = _capability_ids(
            data["service_areas"], Capability.Dimension.SERVICE_AREA
        )
        try:
            with transaction.atomic():
                challenge = services.challenge_create(
                    actor=None, organization=organization, data=data, partner=caller.partner
                )
                services.challenge_submit(actor=None, challenge=challenge, partner=caller.partner)
        except ValidationError as error:
            raise drf_validation_error(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        row = selectors.challenge_get_for_user(who=self.reader(), challenge_id=challenge.pk)
        return Response(
            ChallengeSerializer(selectors.card_for(row)).data, status=status.HTTP_201_CREATED
        )


router = SimpleRouter()
router.register("challenges", ChallengeViewSet, basename="challenge")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
