"""The editors' article pages under ``/staff/knowledge/``: the review queue (articles in
review), every article with filters, an article's review page (publish, return with a reason,
archive, publish again) and the designated authors (name one, revoke).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages (``permissions.can_read_knowledge_staff``), only editors act
(the services check again).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel
from members.models import Organization

from ...filters import StaffArticleFilter
from ...forms.articles import AuthorDesignateForm, ReasonForm
from ...models import Article, KnowledgeAuthor
from ...permissions import can_edit_content, can_read_knowledge_staff
from ...selectors import articles as selectors
from ...services import articles as services
from ...workflows import ARTICLE

PAGE_SIZE = 25

SUCCESS = {
    "publish": gettext_lazy("The article was published and its author told."),
    "return": gettext_lazy("The article went back to its author with your note."),
    "archive": gettext_lazy("The article was archived."),
    "republish": gettext_lazy("The article was published again."),
}


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_knowledge_staff(request.user):
        raise PermissionDenied


def _require_editor(request: AuthenticatedRequest) -> None:
    if not can_edit_content(request.user):
        raise PermissionDenied


def review_url(article: Article) -> str:
    return reverse("knowledge_staff:article_review", args=[article.pk])


def _panels(
    request: AuthenticatedRequest, article: Article, forms: dict[str, BaseForm] | None = None
) -> list[ActionPanel]:
    panels = []
    for action in ARTICLE.actions_for(article, request.user, audience="staff"):
        form: BaseForm | None = None
        if action.name == "return":
            form = (forms or {}).get("return") or ReasonForm()
        panels.append(
            ActionPanel(
                action=action,
                url=reverse("knowledge_staff:article_action", args=[article.pk, action.name]),
                form=form,
            )
        )
    return panels


# --- Lists -----------------------------------------------------------------------------------


@login_required
@require_GET
def article_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Articles waiting for review, oldest first."""
    _require_reader(request)
    page_obj = Paginator(selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/staff/article_queue.html",
        {"page_obj": page_obj, "articles": page_obj.object_list},
    )


@login_required
@require_GET
def article_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every article, in every state, with filters."""
    _require_reader(request)
    base = selectors.staff_articles()
    organizations = Organization.objects.filter(
        pk__in=Article.objects.exclude(author_organization=None).values("author_organization")
    ).order_by("legal_name")
    filterset = StaffArticleFilter(request.GET, queryset=base, organizations=organizations)
    articles = filterset.qs.distinct() if filterset.is_valid() else base.none()
    page_obj = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/staff/article_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "articles": page_obj.object_list,
            "filtered": any(request.GET.get(name) for name in filterset.filters),
            "can_edit": can_edit_content(request.user),
        },
    )


# --- One article ----------------------------------------------------------------------------


def _article(request: AuthenticatedRequest, article_id: int) -> Article:
    _require_reader(request)
    article = selectors.article_list_queryset().filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


def _review_page(
    request: AuthenticatedRequest,
    article: Article,
    forms: dict[str, BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "knowledge/staff/article_review.html",
        {
            "article": article,
            "documents": selectors.article_documents(article),
            "revisions": selectors.article_revisions(article),
            "panels": _panels(request, article, forms),
            "can_edit": bool(can_edit_content(request.user)),
        },
        status=status,
    )


@login_required
@require_GET
def article_review(request: AuthenticatedRequest, article_id: int) -> HttpResponse:
    """An article as the editors review it, with the actions of its state."""
    return _review_page(request, _article(request, article_id))


@login_required
@require_POST
def article_action(request: AuthenticatedRequest, article_id: int, name: str) -> HttpResponse:
    """Publish, return (with a reason), archive or publish again (editors)."""
    article = _article(request, article_id)
    if name not in SUCCESS:
        raise Http404
    _require_editor(request)
    if name == "return":
        form = ReasonForm(request.POST)
        return run_action(
            request,
            form=form,
            service=lambda data: services.article_return(
                actor=request.user, article=article, reason=data["reason"]
            ),
            success=SUCCESS[name],
            redirect_to=reverse("knowledge_staff:article_queue"),
            render_invalid=lambda f: _review_page(request, article, {"return": f}),
        )
    return run_action(
        request,
        service=lambda data: services.TRANSITIONS[name](actor=request.user, article=article),
        success=SUCCESS[name],
        redirect_to=review_url(article),
    )


# --- Designated authors ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def author_list(request: AuthenticatedRequest) -> HttpResponse:
    """The designated authors; editors name one (POST)."""
    _require_reader(request)
    if request.method == "POST":
        _require_editor(request)
    form = AuthorDesignateForm(request.POST or None)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        authors = selectors.designated_authors()
        return render(
            request,
            "knowledge/staff/article_authors.html",
            {"form": f, "authors": authors, "can_edit": can_edit_content(request.user)},
            status=status,
        )

    if request.method == "GET":
        return page(form)

    def designate(data: dict[str, Any]) -> KnowledgeAuthor:
        return services.author_designate(
            actor=request.user, user=data["email"], organization=data["organization"]
        )

    return run_action(
        request,
        form=form,
        service=designate,
        success=lambda author: (
            _("%(person)s can now write articles for %(organization)s.")
            % {
                "person": author.user.get_full_name() or str(author.user),
                "organization": author.organization.display_name,
            }
        ),
        redirect_to=reverse("knowledge_staff:author_list"),
        render_invalid=page,
    )


@login_required
@require_POST
def author_revoke(request: AuthenticatedRequest, author_id: int) -> HttpResponse:
    """Stop a designated author writing articles (editors)."""
    _require_reader(request)
    _require_editor(request)
    author = get_object_or_404(KnowledgeAuthor.objects.select_related("user"), pk=author_id)
    name = author.user.get_full_name() or str(author.user)
    return run_action(
        request,
        service=lambda data: services.author_revoke(actor=request.user, author=author),
        success=_("%(person)s no longer writes articles.") % {"person": name},
        redirect_to=reverse("knowledge_staff:author_list"),
    )
