"""The articles' pages under ``/knowledge/articles/``: the list readers see (published or
archived, public or members-only by ``knowledge.permissions``) with its filters, an article's
page (rendered Markdown, documents with permission-checked links, topics, the author
organization, the revision history and, for the knowledge staff and the author, an older
revision's text), and the authors' pages: My articles, write, edit, send for review.

Views are thin: writes go through ``knowledge.services.articles`` (which decides and refuses;
``run_action`` shows its refusal). The editors' review and publication are on the staff pages
(``knowledge.views.staff.articles``, behind the staff area's two-factor gate).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel
from members.models import Organization

from .. import permissions
from ..filters import ArticlePageFilter
from ..forms.articles import ArticleForm
from ..models import Article
from ..selectors import articles as selectors
from ..services import articles as services
from ..workflows import ARTICLE

PAGE_SIZE = 20


def detail_url(article: Article) -> str:
    return reverse("knowledge:article_detail", kwargs={"slug": article.slug})


def author_panels(request: HttpRequest, article: Article) -> list[ActionPanel]:
    """The author's actions (send for review) with the reason when not possible."""
    if not request.user.is_authenticated or article.created_by_id != request.user.pk:
        return []
    return [
        ActionPanel(
            action=action,
            url=reverse("knowledge:article_action", args=[article.slug, action.name]),
        )
        for action in ARTICLE.actions_for(article, request.user, audience="author")
    ]


# --- Reading ---------------------------------------------------------------------------------


def _organizations_with_articles(user: Any) -> Any:
    return Organization.objects.filter(
        pk__in=selectors.published_articles(user, Article.objects.all())
        .exclude(author_organization=None)
        .values("author_organization")
    ).order_by("legal_name")


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """Readable articles the reader may see, newest first; filters kind, topic, author
    organization and year (``filters.ArticleFilter``)."""
    base = selectors.published_articles(request.user)
    filterset = ArticlePageFilter(
        request.GET, queryset=base, organizations=_organizations_with_articles(request.user)
    )
    articles = filterset.qs.distinct() if filterset.is_valid() else base.none()
    page_obj = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/articles/article_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "articles": page_obj.object_list,
            "filtered": any(request.GET.get(name) for name in filterset.filters),
            "can_write": permissions.can_write_articles(request.user),
        },
    )


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article for whoever may read it (404 otherwise: drafts stay unknown)."""
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    readable = ARTICLE.has_tag(article, permissions.READABLE_TAG)
    return render(
        request,
        "knowledge/articles/article_detail.html",
        {
            "article": article,
            "is_readable": readable,
            "documents": selectors.article_documents(article),
            "revisions": selectors.article_revisions(article),
            "can_read_revisions": selectors.can_read_revisions(request.user, article),
            "can_edit": bool(permissions.can_edit_article(request.user, article)),
            "is_editor": permissions.can_edit_content(request.user),
            "staff_reader": permissions.can_read_knowledge_staff(request.user),
            "panels": author_panels(request, article),
        },
    )


@require_GET
def article_revision(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """An older revision's text (the knowledge staff and the author)."""
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    revision = selectors.revision_get_for_user(user=request.user, article=article, number=number)
    return render(
        request,
        "knowledge/articles/article_revision.html",
        {"article": article, "revision": revision},
    )


# --- Authors ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_articles(request: AuthenticatedRequest) -> HttpResponse:
    """The articles the person wrote, in every state (designated authors and editors)."""
    if not (
        permissions.can_write_articles(request.user) or selectors.my_articles(request.user).exists()
    ):
        raise PermissionDenied
    page_obj = Paginator(selectors.my_articles(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "knowledge/articles/my_articles.html",
        {
            "page_obj": page_obj,
            "articles": page_obj.object_list,
            "can_write": permissions.can_write_articles(request.user),
        },
    )


def _form_page(
    request: HttpRequest, form: BaseForm, article: Article | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "knowledge/articles/article_form.html",
        {"form": form, "article": article},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new draft (editors and designated authors)."""
    if not permissions.can_write_articles(request.user):
        raise PermissionDenied
    editor = permissions.can_edit_content(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, editor=editor, creating=True)
    if request.method == "GET":
        return _form_page(request, form)
    holder: dict[str, Article] = {}

    def create(data: dict[str, Any]) -> Article:
        holder["article"] = services.article_create(
            actor=request.user, data=form.service_data(), files=data.get("files") or []
        )
        return holder["article"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=_("The draft was saved. Send it for review when it is ready."),
        redirect_to=reverse("knowledge:my_articles"),
        render_invalid=lambda f: _form_page(request, f),
    )
    if "article" in holder and response.status_code == 302:
        response["Location"] = detail_url(holder["article"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Edit an article (editors: any; its author: while a draft)."""
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    verdict = permissions.can_edit_article(request.user, article)
    if not verdict:
        raise PermissionDenied(str(verdict.reason))
    editor = permissions.can_edit_content(request.user)
    if request.method == "GET":
        form = ArticleForm(initial=ArticleForm.initial_for(article), editor=editor)
        return _form_page(request, form, article)
    form = ArticleForm(request.POST, request.FILES or None, editor=editor)
    return run_action(
        request,
        form=form,
        service=lambda data: services.article_update(
            actor=request.user,
            article=article,
            data=form.service_data(),
            files=data.get("files") or [],
            note=data.get("note") or "",
        ),
        success=_("The article was saved."),
        redirect_to=detail_url(article),
        render_invalid=lambda f: _form_page(request, f, article),
    )


@login_required
@require_POST
def article_action(request: AuthenticatedRequest, slug: str, name: str) -> HttpResponse:
    """An author's lifecycle action (send for review); the editors' are on the staff pages."""
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    try:
        transition = ARTICLE.transition(name)
    except KeyError:
        raise Http404 from None
    if transition.audience != "author" or name not in services.TRANSITIONS:
        raise Http404
    return run_action(
        request,
        service=lambda data: services.TRANSITIONS[name](actor=request.user, article=article),
        success=_("The article was sent for review. An editor will publish it or return it."),
        redirect_to=detail_url(article),
    )
