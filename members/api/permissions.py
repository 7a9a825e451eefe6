"""Who sees what in the members API: the same audiences as the HTML pages.

* Anonymous callers and tokens with ``public:read`` see what visitors see.
* A token with ``members:read`` whose partner organization is an active member sees what a
  cluster member sees; a logged-in person sees exactly what their browser shows.
* A partner token always sees its own organization (as people of an organization do).
* Staff see everything only through a role (``directory_audience``): ``is_staff`` alone, or a
  token, never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework.permissions import SAFE_METHODS

from cluster_portal.api.auth import api_caller, api_token, token_scopes
from cluster_portal.api.permissions import ScopedAPIPermission

from ..permissions import Audience, directory_audience
from ..viewer import viewer_for

PUBLIC_READ = "public:read"
MEMBERS_READ = "members:read"


@dataclass(frozen=True)
class DirectoryViewer:
    """The audience of an API request and the organizations it counts as its own."""

    audience: Audience
    own_ids: frozenset[int]


def directory_viewer(request: Any) -> DirectoryViewer:
    caller = api_caller(request)
    if caller.is_partner:
        organization = caller.organization
        own = frozenset({organization.pk}) if organization is not None else frozenset()
        is_member = organization is not None and organization.is_active_member
        audience = (
            Audience.MEMBER if MEMBERS_READ in caller.scopes and is_member else Audience.PUBLIC
        )
        return DirectoryViewer(audience=audience, own_ids=own)
    if caller.user is not None:
        return DirectoryViewer(
            audience=directory_audience(caller.user),
            own_ids=viewer_for(caller.user).organization_ids,
        )
    return DirectoryViewer(audience=Audience.PUBLIC, own_ids=frozenset())


def _presents_bearer_token(request: Any) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")


class DirectoryReadPermission(ScopedAPIPermission):
    """Public directory data: open to anonymous callers (they get public fields only).

    A token needs ``public:read`` (the view's ``scope_read``) or ``members:read``; a bad or
    expired token is still refused with 401 by the authentication layer.
    """

    #: Documented in the schema: these reads need no credentials (``PortalAutoSchema``).
    allows_anonymous_reads = True

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            return super().has_permission(request, view)
        if api_token(request) is None:
            # Anonymous reads are open, but a token that failed authentication (expired,
            # revoked, mistyped) is an error the partner must see: 401, not public data.
            return not _presents_bearer_token(request)
        if MEMBERS_READ in token_scopes(request):
            return True
        return super().has_permission(request, view)
