"""API views of the proposals sub-domain: ``GET /api/v1/proposals/`` and
``/api/v1/proposals/{id}/``. urlpatterns is included by challenges.api.urls.

A partner client sees the proposals of its own organization (``PartnerClient.organization``),
as lead or as invited/confirmed partner, with the scope ``proposals:read``; a person signed in
to the portal sees those of their organizations. Nobody else sees any (404 for an id). Read
only: writes answer 405 (proposals change in the portal, where the deadline is enforced).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

from cluster_portal.api.auth import api_caller
from cluster_portal.api.permissions import ScopedAPIPermission
from members.viewer import viewer_for

from ...filters import ProposalFilter
from ...models import Proposal, ProposalPartner
from ...selectors.proposals import proposals_of_organizations
from ..serializers.proposals import ProposalSerializer

PROPOSALS_READ = "proposals:read"


def caller_organization_ids(request: Any) -> frozenset[int]:
    """The organizations whose proposals the caller reads: the partner client's, or the
    signed-in person's."""
    caller = api_caller(request)
    if caller.is_partner:
        organization = caller.organization
        return frozenset({organization.pk}) if organization is not None else frozenset()
    if caller.user is not None:
        return viewer_for(caller.user).organization_ids
    return frozenset()


@extend_schema_view(
    list=extend_schema(
        summary=_("Your organization's proposals"),
        description=_(
            "Proposals led by the caller's organization or in which it is an invited or "
            "confirmed consortium partner: for a partner client, its organization (scope "
            "proposals:read); for a signed-in person, their organizations. Filter with "
            "?call=<call id> and ?status=draft|submitted|withdrawn|awarded|not_selected. "
            "Deadlines are the lead's "
            "(the call's closing time or its logged extension), with the America/Lima offset. "
            "Read only."
        ),
        tags=["challenges"],
    ),
    retrieve=extend_schema(
        summary=_("Proposal"),
        description=_("One of the caller's organization's proposals; any other id is not found."),
        tags=["challenges"],
    ),
)
class ProposalViewSet(ReadOnlyModelViewSet):
    permission_classes = [ScopedAPIPermission]
    scope_read = PROPOSALS_READ
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    lookup_value_regex = "[0-9]+"
    ordering = ("-updated_at", "-id")

    def get_queryset(self) -> QuerySet[Proposal]:
        ids = caller_organization_ids(self.request)
        if not ids:
            return Proposal.objects.none()
        return (
            proposals_of_organizations(ids)
            .select_related("call", "lead_organization", "decision__batch")
            .prefetch_related(
                "call__extensions",
                Prefetch(
                    "partners",
                    queryset=ProposalPartner.objects.select_related("organization").order_by(
                        "invited_at", "pk"
                    ),
                ),
            )
            .order_by("-updated_at", "-pk")
        )


router = SimpleRouter()
router.register("proposals", ProposalViewSet, basename="proposal")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
