"""``GET /api/v1/search/?q=&kind=&page=&page_size=``: the portal-wide search.

Same rules as the page (``knowledge.selectors.search``): a person signed in finds what they may
see; a partner token holding any read scope finds public records, plus the members-only records
of the kinds whose read scope it holds when its organization is an active member, and its own
organization's restricted records of those kinds (``portfolio:read``: every project but
staff-only rows). Anonymous callers get 401, like the other read endpoints of the API. Counts and
snippets come only from what the caller may see.

Pagination as everywhere in the API (``page``, ``page_size`` 1 to 100; a page past the last
one is a 404), plus ``counts`` per kind.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from cluster_portal.api.auth import api_caller, api_token, token_scopes
from cluster_portal.api.pagination import PortalPagination
from cluster_portal.api.permissions import ScopedAPIPermission

from ...selectors.search import KIND_SCOPES, SearchResults, search
from ..serializers.search import (
    SearchHitSerializer,
    SearchQuerySerializer,
    SearchResponseSerializer,
)

#: A token needs one of these (any read scope of the portal).
READ_SCOPES: frozenset[str] = frozenset({"public:read", *KIND_SCOPES.values()})


class SearchPermission(ScopedAPIPermission):
    """A person signed in, or a token holding any read scope (:data:`READ_SCOPES`)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            return super().has_permission(request, view)
        if api_token(request) is not None:
            if READ_SCOPES & token_scopes(request):
                return True
            self.message = _("This access token lacks the scope: %(scopes)s.") % {
                "scopes": " or ".join(sorted(READ_SCOPES))
            }
            self.code = "insufficient_scope"
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class SearchView(APIView):
    permission_classes = [SearchPermission]
    # Documented as "any valid token"; SearchPermission asks for any read scope (READ_SCOPES).
    required_scopes: dict[str, list[str]] = {"GET": []}
    pagination = PortalPagination

    @extend_schema(
        summary=_("Search the portal"),
        description=_(
            "Organizations, calls, challenges, proposals, projects, missions, articles, "
            "regulatory barriers and value-added opportunities the caller may see, ranked, with "
            "highlighted snippets (safe HTML with <mark> tags). A person signed in finds what "
            "the portal shows them. A partner token needs any read scope: it finds public "
            "records, the members-only records of the kinds whose read scope it holds "
            "(members:read organizations, challenges:read calls and challenges, proposals:read "
            "proposals, portfolio:read projects, missions:read missions, knowledge:read "
            "articles, barriers and opportunities) when its organization is an active member, "
            "and its own organization's restricted records of those kinds; portfolio:read "
            "finds every project. Nothing the caller may not see is counted. Accents are "
            "optional; Spanish and English mining terms find each other (relaves, tailings)."
        ),
        parameters=[
            SearchQuerySerializer,
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1}, description=_("Page number, from 1.")
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": PortalPagination.max_page_size},
                description=_("Results per page, 1 to 100."),
            ),
        ],
        responses=SearchResponseSerializer,
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page_size = self.pagination().get_page_size(request)
        page = _page_number(request)
        kind = params.validated_data.get("kind")
        caller = api_caller(request)
        if caller.is_partner:
            organization = caller.organization
            results = search(
                token_scopes=caller.scopes,
                organization_id_of_token=organization.pk if organization else None,
                q=params.validated_data["q"],
                kinds=[kind] if kind else None,
                page=page,
                page_size=page_size,
            )
        else:
            results = search(
                user=caller.user,
                q=params.validated_data["q"],
                kinds=[kind] if kind else None,
                page=page,
                page_size=page_size,
            )
        if results.page != page and results.total:
            raise NotFound(_("Invalid page."))
        return Response(self._body(request, results))

    def _body(self, request: Request, results: SearchResults) -> dict[str, Any]:
        url = request.build_absolute_uri()
        hits = [
            {
                "kind": hit.kind,
                "kind_label": hit.kind_label,
                "object_id": hit.object_id,
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url),
                "snippet": str(hit.snippet),
                "rank": round(hit.rank, 6),
            }
            for hit in results.hits
        ]
        previous = None
        if results.has_previous:
            previous = (
                replace_query_param(url, "page", results.page - 1)
                if results.page > 2
                else remove_query_param(url, "page")
            )
        return {
            "count": results.total,
            "next": replace_query_param(url, "page", results.page + 1)
            if results.has_next
            else None,
            "previous": previous,
            "counts": results.counts,
            "results": SearchHitSerializer(hits, many=True).data,
        }


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise NotFound(_("Invalid page."))
    return int(raw)
