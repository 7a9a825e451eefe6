"""``GET /api/v1/knowledge/articles/`` and ``/api/v1/knowledge/articles/{id}/`` (included by
``knowledge.api.urls``).

Who reads what (``knowledge.selectors.articles.article_api_queryset``); never drafts or
articles in review, only published and archived ones:

* a partner token with ``knowledge:read``: public and members-only articles;
* a partner token with ``public:read`` only: public articles; any other id is not found;
* a person signed in: what the portal's pages show them (``knowledge.permissions``:
  members-only articles for people of active member organizations and the knowledge staff);
* anonymous callers: 401 (the public list is the page ``/knowledge/articles/``).

Read only: writes answer 405 (articles change in the portal, through its services).
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

from ...filters import ArticleFilter
from ...models import Article
from ...selectors.articles import article_api_queryset
from ..serializers.articles import ArticleSerializer

PUBLIC_READ = "public:read"
KNOWLEDGE_READ = "knowledge:read"


class ArticleReadPermission(ScopedAPIPermission):
    """A token needs ``knowledge:read`` (members-only articles too) or ``public:read``; people
    need a session; anonymous callers get 401."""

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
        summary=_("Articles and documents of the knowledge base"),
        description=_(
            "Published (and archived) studies, regulations, reports and guides, newest first, "
            "with their topics, author organization, text (Markdown and sanitized HTML) and "
            "attached documents. Never drafts or articles in review. A token with "
            "knowledge:read reads public and members-only articles; a token with public:read "
            "only reads public ones; a person signed in reads what the portal shows them. "
            "Filters: ?kind=, ?topic=<code>, ?organization=<id>, ?year=, "
            "?updated_since=<ISO 8601 time>, ?search=<title>; ?ordering=. Read only."
        ),
        tags=["knowledge"],
    ),
    retrieve=extend_schema(
        summary=_("Article"),
        description=_(
            "One article; one the caller may not read (a draft, or members-only for "
            "public:read) is not found."
        ),
        tags=["knowledge"],
    ),
)
class ArticleViewSet(ReadOnlyModelViewSet[Article]):
    permission_classes = [ArticleReadPermission]
    scope_read = PUBLIC_READ
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("published_on", "updated_at", "title", "id")
    ordering = ("-published_on", "-id")
    search_fields = ("title",)

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        caller = api_caller(self.request)
        if caller.is_partner:
            queryset = article_api_queryset(members=KNOWLEDGE_READ in caller.scopes)
        else:
            queryset = article_api_queryset(user=caller.user)
        return queryset.order_by(*self.ordering).distinct()


router = SimpleRouter()
router.register("knowledge/articles", ArticleViewSet, basename="knowledge-article")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
