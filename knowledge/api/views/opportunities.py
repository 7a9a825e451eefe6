"""API views of value-added opportunities: ``GET /api/v1/knowledge/value-opportunities/`` and
``{id}/``. ``urlpatterns`` is included by ``knowledge.api.urls``.

Who reads what (drafts never appear, whoever asks):

* a partner token with ``knowledge:read``: every published opportunity, members-only ones too;
* a partner token with ``public:read`` only: the public ones;
* a person signed in: what the pages show them (members-only ones for people of active member
  organizations and staff readers: ``selectors.opportunities.reader_visibilities``);
* anonymous callers: 401 (the public pages are under ``/knowledge/opportunities/``).

Filters: ``?stage=``, ``?q=`` (product text), ``?hs_code=`` (a tariff code prefix). Read only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

from cluster_portal.api.auth import api_caller, api_token, token_scopes
from cluster_portal.api.permissions import ScopedAPIPermission

from ...filters import OpportunityFilter
from ...models import ValueOpportunity, Visibility
from ...selectors.opportunities import opportunity_api_queryset, reader_visibilities
from ..serializers.opportunities import ValueOpportunitySerializer

PUBLIC_READ = "public:read"
KNOWLEDGE_READ = "knowledge:read"


class OpportunityReadPermission(ScopedAPIPermission):
    """A token needs ``knowledge:read`` (members-only items too) or ``public:read`` (public
    items); people need a session; anonymous callers get 401."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and KNOWLEDGE_READ in token_scopes(request):
            return True
        allowed = super().has_permission(request, view)
        if not allowed and api_token(request) is not None and self.code == "insufficient_scope":
            self.message = _("This access token lacks the scope: %(scopes)s.") % {
                "scopes": f"{KNOWLEDGE_READ} or {PUBLIC_READ}"
            }
        return allowed


@extend_schema_view(
    list=extend_schema(
        summary=_("Value-added opportunities"),
        description=_(
            "Published value-added (industrialization) opportunities: the product and its "
            "tariff code, the value-chain stage, the market, yearly imports and local "
            "capability, the economic, financial and environmental assessments (a rating "
            "from 1 to 5 with its justification and sources each), the linked studies the "
            "caller may read and how many member organizations registered interest per role. "
            "A token with knowledge:read reads members-only opportunities too; a token with "
            "public:read the public ones; people signed in what the pages show them. Filters: "
            "?stage=, ?q=<product text>, ?hs_code=<tariff code prefix>; ?ordering=. Read only."
        ),
        tags=["knowledge"],
    ),
    retrieve=extend_schema(
        summary=_("Value-added opportunity"),
        description=_("One published opportunity the caller may read; others are not found."),
        tags=["knowledge"],
    ),
)
class ValueOpportunityViewSet(ReadOnlyModelViewSet):
    permission_classes = [OpportunityReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = ValueOpportunitySerializer
    filterset_class = OpportunityFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("product", "hs_code", "import_year", "updated_at", "id")
    ordering = ("stage", "product", "id")

    def visibilities(self) -> tuple[str, ...]:
        caller = api_caller(self.request)
        if caller.is_partner:
            if KNOWLEDGE_READ in caller.scopes:
                return (Visibility.PUBLIC, Visibility.MEMBERS)
            return (Visibility.PUBLIC,)
        return reader_visibilities(caller.user)

    def get_queryset(self) -> QuerySet[ValueOpportunity]:
        if getattr(self, "swagger_fake_view", False):
            return ValueOpportunity.objects.none()
        return opportunity_api_queryset(visibilities=self.visibilities()).order_by(*self.ordering)


router = SimpleRouter()
router.register(
    "knowledge/value-opportunities", ValueOpportunityViewSet, basename="value-opportunity"
)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
