"""Read-only endpoints: ``/api/v1/organizations/`` and ``/api/v1/working-groups/``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from ..filters import OrganizationFilter, WorkingGroupFilter
from ..models import GoverningBody, Organization
from ..permissions import Audience
from ..selectors.governance import governing_body_queryset
from ..selectors.organizations import (
    organization_directory_queryset,
    organization_profile_queryset,
)
from .permissions import PUBLIC_READ, DirectoryReadPermission, DirectoryViewer, directory_viewer
from .serializers import OrganizationSerializer, WorkingGroupSerializer


class DirectoryViewerMixin:
    """Computes the caller's audience once per request and hands it to the serializer."""

    def viewer(self) -> DirectoryViewer:
        if not hasattr(self, "_viewer"):
            self._viewer = directory_viewer(self.request)  # type: ignore[attr-defined]
        return self._viewer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["viewer"] = self.viewer()
        return context


@extend_schema_view(
    list=extend_schema(
        summary=_("Member directory"),
        description=_(
            "Active member organizations, filtered like the directory page. Anonymous callers "
            "and public:read tokens see public profiles and public fields; members:read tokens "
            "of an active member organization and logged-in members also see private profiles "
            "and the member-only fields."
        ),
        tags=["members"],
    ),
    retrieve=extend_schema(
        summary=_("Organization profile"),
        description=_("One organization, with the fields the caller may see."),
        tags=["members"],
    ),
)
class OrganizationViewSet(DirectoryViewerMixin, ReadOnlyModelViewSet):
    permission_classes = [DirectoryReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = OrganizationSerializer
    # Only ids route to a profile: anything else is the API's 404 (documented as the pattern).
    lookup_value_regex = "[0-9]+"
    filterset_class = OrganizationFilter
    search_fields = ("legal_name", "trade_name", "description", "=ruc")
    ordering_fields = ("legal_name", "trade_name", "member_since", "id")
    # Default: the name people see (see ``with_sort_name``).
    ordering = ("sort_name", "id")

    def get_queryset(self) -> QuerySet[Organization]:
        viewer = self.viewer()
        # Member-only fields are fetched only for callers who may get some of them.
        with_details = viewer.audience >= Audience.MEMBER or bool(viewer.own_ids)
        if self.action == "retrieve":
            # A profile is reachable beyond the directory: one's own organization in any
            # status, every organization for staff (the same rule as the profile page).
            return organization_profile_queryset(
                audience=viewer.audience, own_ids=viewer.own_ids, with_details=with_details
            )
        return organization_directory_queryset(
            audience=viewer.audience, own_ids=viewer.own_ids, with_details=with_details
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Technical working groups"),
        description=_(
            "The cluster's technical working groups (mesas técnicas) with their coordinator and "
            "current seats. A seat's organization is null when the caller may not see it. "
            "Filter by seat holder with ?organization=<id>, search names and descriptions "
            "with ?search=."
        ),
        tags=["members"],
    ),
    retrieve=extend_schema(summary=_("Technical working group"), tags=["members"]),
)
class WorkingGroupViewSet(DirectoryViewerMixin, ReadOnlyModelViewSet):
    permission_classes = [DirectoryReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = WorkingGroupSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = WorkingGroupFilter
    search_fields = ("name", "description")
    ordering_fields = ("position", "name")
    ordering = ("position", "name")

    def get_queryset(self) -> QuerySet[GoverningBody]:
        return governing_body_queryset(audience=self.viewer().audience).filter(
            kind=GoverningBody.Kind.WORKING_GROUP
        )
