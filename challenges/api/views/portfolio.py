"""API views of the portfolio: ``GET /api/v1/projects/`` and ``/api/v1/projects/{id}/``.
urlpatterns is included by challenges.api.urls.

Who reads what (``challenges.selectors.portfolio.project_api_queryset``; the two shapes are
described in ``challenges.api.serializers.portfolio``):

* a partner token with ``portfolio:read``: the whole portfolio, every project in full. The
  secretariat grants this scope per client (``PartnerClient.allowed_scopes``) to the programme's
  funders and auditors, so it is not limited to the client's organization the way
  ``proposals:read`` is (that one reads the organization's own applications);
* a partner token with ``public:read`` only: public projects by their public fields; any other
  id is not found;
* a person signed in: the projects they may see whole (their organizations', or every one for a
  staff role) in full, and the other public projects by their public fields;
* anonymous callers: 401 (the public showcase is the pages under ``/challenges/showcase/``).

Read only: writes answer 405 (projects change in the portal, through its services).
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

from ...filters import ProjectFilter
from ...models import Project
from ...selectors.portfolio import project_api_queryset
from ..serializers.portfolio import ProjectSerializer

PUBLIC_READ = "public:read"
PORTFOLIO_READ = "portfolio:read"


class ProjectReadPermission(ScopedAPIPermission):
    """A token needs ``portfolio:read`` (everything) or ``public:read`` (public fields); people
    need a session; anonymous callers get 401."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and PORTFOLIO_READ in token_scopes(request):
            return True
        allowed = super().has_permission(request, view)
        if not allowed and api_token(request) is not None and self.code == "insufficient_scope":
            self.message = _("This access token lacks the scope: %(scopes)s.") % {
                "scopes": f"{PORTFOLIO_READ} or {PUBLIC_READ}"
            }
        return allowed


@extend_schema_view(
    list=extend_schema(
        summary=_("Projects of the portfolio"),
        description=_(
            "Projects with their organizations, TRL, progress and verified impact per kind. "
            "A token with portfolio:read reads the whole portfolio in full (view: full): site, "
            "budget and funding sources, milestones (no evidence files), KPIs with their "
            "periods, the risk flag and the verified impact entries (never unverified claims). "
            "The secretariat grants portfolio:read per partner client, so it covers every "
            "project, not only the client's organization's. A token with public:read only "
            "reads public projects by their public fields (view: public): the site only when "
            "the project made it public, budget, funding and impact money only when it made "
            "its amounts public; the other fields are absent. A person signed in reads their "
            "organizations' projects in full (staff roles: every project) and other public "
            "projects by their public fields. Filters: ?status=, ?sponsor=<organization id>, "
            "?region=, ?commodity=<code>, ?area=<code>, ?trl=<at least>, ?call=<call id>, "
            "?at_risk=true|false, ?updated_since=<ISO 8601 time>, ?search=<code or title>; "
            "?ordering=. Read only."
        ),
        tags=["portfolio"],
    ),
    retrieve=extend_schema(
        summary=_("Project"),
        description=_(
            "One project, in the shape the caller may read; a project the caller may not read "
            "(for public:read, any project that is not public) is not found."
        ),
        tags=["portfolio"],
    ),
)
class ProjectViewSet(ReadOnlyModelViewSet):
    permission_classes = [ProjectReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("updated_at", "starts_on", "code", "progress", "id")
    ordering = ("-updated_at", "-id")
    search_fields = ("code", "title", "title_en")

    def get_queryset(self) -> QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        caller = api_caller(self.request)
        if caller.is_partner:
            queryset = project_api_queryset(whole_portfolio=PORTFOLIO_READ in caller.scopes)
        else:
            queryset = project_api_queryset(user=caller.user)
        return queryset.order_by(*self.ordering)


router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
