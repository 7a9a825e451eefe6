"""API views of the regulatory barrier register: ``GET /api/v1/knowledge/regulatory-barriers/``
and ``{id}/``. ``urlpatterns`` is included by ``knowledge.api.urls``.

Who reads what (``knowledge.selectors.barriers``):

* a partner token with ``knowledge:read``: public and members-only barriers;
* a partner token with ``public:read`` only: the public ones; any other id is not found;
* a person signed in: what the pages show them (members-only ones for people of active member
  organizations, every barrier for staff readers);
* anonymous callers: 401 (the public pages are under ``/knowledge/barriers/``).

Linked challenges and projects are given as ids, only those the caller may see: challenges by
``challenges.selectors.surveys.challenges_visible_to`` (a token reads the members' level with
``challenges:read`` and its own organization's challenges), projects the public ones (people:
also those they may see whole; a token with ``portfolio:read``: every project). Two queries per
page whatever its size. Read only.
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

from cluster_portal.api.auth import ApiCaller, api_caller, api_token, token_scopes
from cluster_portal.api.permissions import ScopedAPIPermission

from ...filters import BarrierFilter
from ...models import RegulatoryBarrier
from ...selectors.barriers import BarrierReader, barrier_api_queryset, linked_ids
from ..serializers.barriers import RegulatoryBarrierSerializer

PUBLIC_READ = "public:read"
KNOWLEDGE_READ = "knowledge:read"
PORTFOLIO_READ = "portfolio:read"


class BarrierReadPermission(ScopedAPIPermission):
    """A token needs ``knowledge:read`` (members-only barriers too) or ``public:read`` (public
    ones); people need a session; anonymous callers get 401."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and KNOWLEDGE_READ in token_scopes(request):
            return True
        allowed = super().has_permission(request, view)
        if not allowed and api_token(request) is not None and self.code == "insufficient_scope":
            self.message = _("This access token lacks the scope: %(scopes)s.") % {
                "scopes": f"{KNOWLEDGE_READ} or {PUBLIC_READ}"
            }
        return allowed


def _reader(caller: ApiCaller) -> BarrierReader:
    if caller.is_partner:
        return BarrierReader.for_partner(members=KNOWLEDGE_READ in caller.scopes)
    return BarrierReader.for_user(caller.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("Regulatory barriers"),
        description=_(
            "The register of regulatory barriers, shaped like a complaint to INDECOPI's "
            "commission on bureaucratic barriers: the barrier, the rule and article that create "
            "it, the responsible authority, how it shows up in practice, the value-chain stage, "
            "the estimated cost per year and delay, the improvement proposal, the status with "
            "its history, the case or resolution number, how many member organizations endorse "
            "it, and the ids of the challenges it blocks and the projects it affects that the "
            "caller may see. A token with knowledge:read reads public and members-only "
            "barriers; a token with public:read only the public ones. People signed in read "
            "what the portal's pages show them. Filters: ?status=, ?authority=<words>, "
            "?stage=<value-chain code>, ?search=<code, title or rule>; ?ordering=. Read only."
        ),
        tags=["knowledge"],
    ),
    retrieve=extend_schema(
        summary=_("Regulatory barrier"),
        description=_(
            "One barrier; one the caller may not read (for public:read, a members-only one) "
            "is not found."
        ),
        tags=["knowledge"],
    ),
)
class RegulatoryBarrierViewSet(ReadOnlyModelViewSet):
    permission_classes = [BarrierReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = RegulatoryBarrierSerializer
    filterset_class = BarrierFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("updated_at", "created_at", "code", "id")
    ordering = ("-updated_at", "-id")
    search_fields = ("code", "title", "rule")

    def get_queryset(self) -> QuerySet[RegulatoryBarrier]:
        if getattr(self, "swagger_fake_view", False):
            return RegulatoryBarrier.objects.none()
        reader = _reader(api_caller(self.request))
        return barrier_api_queryset(reader=reader).order_by(*self.ordering)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """The serializer, with the linked ids of the page (or the one barrier) it shows."""
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None and not getattr(self, "swagger_fake_view", False):
            rows = instance if isinstance(instance, list | tuple) else [instance]
            caller = api_caller(self.request)
            if caller.is_partner:
                from challenges.selectors.surveys import Reader

                challenge_reader: Any = Reader.for_partner(caller.organization, caller.scopes)
                project_user: Any = None
            else:
                challenge_reader = project_user = caller.user
            context = dict(self.get_serializer_context())
            context["linked"] = linked_ids(
                challenge_reader=challenge_reader,
                project_user=project_user,
                all_projects=caller.is_partner and PORTFOLIO_READ in caller.scopes,
                barrier_ids=[row.pk for row in rows],
            )
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)


router = SimpleRouter()
router.register(
    "knowledge/regulatory-barriers", RegulatoryBarrierViewSet, basename="regulatory-barrier"
)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
