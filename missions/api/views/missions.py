"""API views of missions: ``GET /api/v1/missions/`` and ``/api/v1/missions/{id}/``.
urlpatterns is included by missions.api.urls.

Who reads what (``missions.selectors.missions.mission_api_queryset``; the two shapes are
described in ``missions.api.serializers.missions``). Drafts never appear, whoever asks.

* a partner token with ``missions:read``: every published mission in full (places held,
  waitlist length, quotas, criteria, eligibility, hold hours);
* a partner token with ``public:read`` only: the public fields;
* a person signed in: the public fields; staff readers of missions (coordinators, auditors) in
  full;
* anonymous callers: 401 (the public pages are under ``/missions/``).

Read only: writes answer 405 (missions change in the portal, through its services).
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

from ...filters import MissionFilter
from ...models import Mission
from ...permissions import can_read_missions_staff
from ...selectors.missions import mission_api_queryset
from ..serializers.missions import MissionSerializer

PUBLIC_READ = "public:read"
MISSIONS_READ = "missions:read"


class MissionReadPermission(ScopedAPIPermission):
    """A token needs ``missions:read`` (everything) or ``public:read`` (public fields); people
    need a session; anonymous callers get 401."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and MISSIONS_READ in token_scopes(request):
            return True
        allowed = super().has_permission(request, view)
        if not allowed and api_token(request) is not None and self.code == "insufficient_scope":
            self.message = _("This access token lacks the scope: %(scopes)s.") % {
                "scopes": f"{MISSIONS_READ} or {PUBLIC_READ}"
            }
        return allowed


@extend_schema_view(
    list=extend_schema(
        summary=_("International missions"),
        description=_(
            "Published missions (never drafts) with their destination, dates, application "
            "window, capacity, cost and co-funding per delegate, and the agenda: each "
            "workshop or visit in its own time zone (local) and in Lima's (lima), with the "
            "offset and the day shift, never the premises' address. A token with "
            "missions:read, and staff readers of missions, read every mission in full (view: "
            "full): also the places held (organizations and delegates), the waitlist's "
            "length, the quotas, the weighted selection criteria, the eligible kinds of "
            "organization and regions and the hours an offered place is held. A token with "
            "public:read, and people signed in, read the public fields (view: public); the "
            "other fields are absent. Filters: ?status=, ?country=<ISO 3166-1 alpha-2>, "
            "?starts_after=<date>, ?starts_before=<date>, ?search=<code, title or city>; "
            "?ordering=. Read only."
        ),
        tags=["missions"],
    ),
    retrieve=extend_schema(
        summary=_("International mission"),
        description=_(
            "One published mission, in the shape the caller may read; a draft is not found."
        ),
        tags=["missions"],
    ),
)
class MissionViewSet(ReadOnlyModelViewSet):
    permission_classes = [MissionReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = MissionSerializer
    filterset_class = MissionFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("starts_on", "applications_close_at", "id")
    ordering = ("starts_on", "id")
    search_fields = ("code", "title", "title_en", "cities")

    def reads_in_full(self) -> bool:
        caller = api_caller(self.request)
        if caller.is_partner:
            return MISSIONS_READ in caller.scopes
        return caller.user is not None and can_read_missions_staff(caller.user)

    def get_queryset(self) -> QuerySet[Mission]:
        if getattr(self, "swagger_fake_view", False):
            return Mission.objects.none()
        return mission_api_queryset(full=self.reads_in_full()).order_by(*self.ordering)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            context["full"] = self.reads_in_full()
        return context


router = SimpleRouter()
router.register("missions", MissionViewSet, basename="mission")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
