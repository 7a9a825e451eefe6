"""Reads of the knowledge base's articles: what a reader may see (published or archived, public
or members-only by ``knowledge.permissions``), one article for whoever may read it, its
documents and revisions, an author's own articles, the editors' queue and lists, the API's
rows, and the designated authors.

Every list prefetches its topics and selects its author organization, so a page costs the same
number of queries whatever its rows.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cluster_portal.files.models import Attachment
from cluster_portal.files.selectors import attachment_list_for_target
from members.permissions import is_cluster_member

from .. import permissions
from ..models import Article, ArticleRevision, KnowledgeAuthor, Topic, Visibility
from ..permissions import READABLE_TAG
from ..services.articles import DOCUMENT_PURPOSE


def readable_statuses() -> tuple[str, ...]:
    """Article states readers see (published, archived): ``ARTICLE`` states tagged readable."""
    from ..workflows import ARTICLE

    return ARTICLE.values_tagged(READABLE_TAG)


def article_list_queryset() -> QuerySet[Article]:
    """Articles with their author organization and topics: 2 queries per list."""
    return Article.objects.select_related("author_organization", "created_by").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "slug"))
    )


def visible_visibilities(user: Any) -> tuple[str, ...]:
    """The visibilities ``user`` reads among published articles (``permissions._visible``)."""
    if permissions.can_read_knowledge_staff(user) or is_cluster_member(user):
        return (Visibility.PUBLIC, Visibility.MEMBERS)
    return (Visibility.PUBLIC,)


def published_articles(user: Any, queryset: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """The readable articles (published or archived) ``user`` may see, newest first: the
    public ones for everybody, members-only ones too for cluster members and staff readers.
    Drafts never, not even the reader's own (those are on "My articles")."""
    queryset = queryset if queryset is not None else article_list_queryset()
    return queryset.filter(
        status__in=readable_statuses(), visibility__in=visible_visibilities(user)
    ).order_by("-published_on", "-pk")


def article_get_for_user(*, user: Any, slug: str) -> Article:
    """The article if ``user`` may read it (``permissions.can_view_article``); ``Http404``
    otherwise, so that nobody learns which drafts exist."""
    article = article_list_queryset().filter(slug=slug).first()
    if article is None or not permissions.can_view_article(user, article):
        raise Http404
    return article


def article_documents(article: Article) -> list[Attachment]:
    """The article's attached documents, newest first (the caller shows the article)."""
    return list(attachment_list_for_target(target=article, purpose=DOCUMENT_PURPOSE))


def article_revisions(article: Article) -> list[ArticleRevision]:
    """Every revision of the article, newest first, with its editor."""
    return list(article.revisions.select_related("edited_by").order_by("-number"))


def can_read_revisions(user: Any, article: Article) -> bool:
    """Older texts are for the knowledge staff (editors and staff readers) and the author."""
    if permissions.can_read_knowledge_staff(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and article.created_by_id == user.pk


def revision_get_for_user(*, user: Any, article: Article, number: int) -> ArticleRevision:
    """One revision's text, for those :func:`can_read_revisions` lets in (``PermissionDenied``
    otherwise; ``Http404`` for a number the article does not have)."""
    if not can_read_revisions(user, article):
        raise PermissionDenied
    revision = (
        ArticleRevision.objects.select_related("edited_by")
        .filter(article=article, number=number)
        .first()
    )
    if revision is None:
        raise Http404
    return revision


def my_articles(user: Any) -> QuerySet[Article]:
    """The articles ``user`` wrote, in every state, last changed first."""
    if not getattr(user, "is_authenticated", False):
        return Article.objects.none()
    return article_list_queryset().filter(created_by=user).order_by("-updated_at", "-pk")


def review_queue_count(viewer: Any = None) -> int:
    """Articles waiting for an editor (the staff area's count)."""
    return review_queue().count()


def review_queue() -> QuerySet[Article]:
    """Articles waiting for an editor, oldest submission first."""
    from ..workflows import ARTICLE

    return (
        article_list_queryset()
        .filter(status__in=ARTICLE.sources("publish"))
        .order_by("updated_at", "pk")
    )


def staff_articles() -> QuerySet[Article]:
    """Every article, in every state, last changed first (knowledge staff)."""
    return article_list_queryset().order_by("-updated_at", "-pk")


def article_api_queryset(*, user: Any = None, members: bool = False) -> QuerySet[Article]:
    """The rows of ``GET /api/v1/knowledge/articles/``: readable articles only (never drafts).

    * ``members`` (a token with ``knowledge:read``): public and members-only ones;
    * ``user`` (a person signed in): what :func:`published_articles` gives them;
    * neither (a token with ``public:read`` only): public ones.
    """
    queryset = article_list_queryset().prefetch_related(
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(purpose=DOCUMENT_PURPOSE).order_by("-created_at"),
            to_attr="documents",
        )
    )
    if user is not None:
        return published_articles(user, queryset)
    visibilities = (Visibility.PUBLIC, Visibility.MEMBERS) if members else (Visibility.PUBLIC,)
    return queryset.filter(status__in=readable_statuses(), visibility__in=visibilities)


def designated_authors() -> QuerySet[KnowledgeAuthor]:
    """Every designated author with their organization and who named them."""
    return KnowledgeAuthor.objects.select_related("user", "organization", "designated_by").order_by(
        "organization__legal_name", "user__full_name", "pk"
    )


def topics() -> QuerySet[Topic]:
    return Topic.objects.order_by("position", "slug")


def search_staff_articles(queryset: QuerySet[Article], q: str) -> QuerySet[Article]:
    """Title or slug containing ``q`` (the editors' list)."""
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(Q(title__icontains=q) | Q(slug__icontains=q))
