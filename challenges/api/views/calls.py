"""API views of the calls sub-domain: ``GET /api/v1/calls/`` and ``/api/v1/calls/{id}/``
(published calls only). urlpatterns is included by challenges.api.urls."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

from cluster_portal.api.auth import token_scopes
from members.api.permissions import PUBLIC_READ, DirectoryReadPermission

from ...filters import CallFilter
from ...models import Call
from ...selectors.calls import published_calls_for_api
from ..serializers.calls import CallSerializer

CHALLENGES_READ = "challenges:read"


class CallReadPermission(DirectoryReadPermission):
    """Published calls are public data: anonymous callers, people, and tokens with
    ``public:read`` or ``challenges:read``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and CHALLENGES_READ in token_scopes(request):
            return True
        return super().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(
        summary=_("Challenge calls"),
        description=_(
            "Published calls (announced, open, closed, in evaluation, decided, archived), open "
            "ones first, with their questions, weighted criteria, eligibility rules, published "
            "FAQ, timeline (America/Lima offsets) and funding. Filter with ?status=, ?open=true, "
            "?kind=<organization kind that may lead> and ?sponsor=<organization id>. Open to "
            "anonymous callers and to tokens with public:read or challenges:read."
        ),
        tags=["challenges"],
    ),
    retrieve=extend_schema(
        summary=_("Challenge call"),
        description=_("One published call; drafts are not found."),
        tags=["challenges"],
    ),
)
class CallViewSet(ReadOnlyModelViewSet):
    permission_classes = [CallReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = CallSerializer
    filterset_class = CallFilter
    lookup_value_regex = "[0-9]+"
    search_fields = ("title", "title_en", "summary", "summary_en", "code")
    ordering_fields = ("opens_at", "closes_at", "id")

    def get_queryset(self) -> QuerySet[Call]:
        return published_calls_for_api()


router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
