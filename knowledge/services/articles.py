"""Writes of the knowledge base's articles and documents: creating and editing them (every
save of the text is an :class:`ArticleRevision` with the next number), their attached
documents, the review lifecycle (``knowledge.workflows.ARTICLE``) and the designated member
authors.

Who may do what is ``knowledge.permissions`` (asked before the input is looked at, so a
refusal reveals nothing) and the lifecycle table (asked again after the row lock). A refusal
raises ``PermissionDenied`` (who) or ``ValidationError`` (what, when) and changes nothing.
Every write is audited (``audit_decision``) in its transaction.

Decisions taken here:

* **Fields by writer**: authors write :data:`AUTHOR_FIELDS`; editors also choose the author
  organization and the publication date (:data:`EDITOR_FIELDS`). A designated author's
  article is always their organization's (:class:`KnowledgeAuthor.organization`).
* **Revisions**: a save that changes something (a field, the topics or a new document) writes
  the next revision (title, summary and text as saved, who, the note); a save that changes
  nothing writes nothing. The first revision is the creation.
* **Documents** are private files (``cluster_portal.files``), purpose :data:`DOCUMENT_PURPOSE`;
  whoever may read the article may download them (registered in ``KnowledgeConfig.ready``).
* **Publishing** sets ``published_on`` to today when it is empty and clears the reviewer's
  note; **returning** needs a reason, kept in ``review_note`` for the author. Both tell the
  author (category "knowledge"), never the person acting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.files.services import attachment_create
from cluster_portal.files.validation import DOCUMENT_KINDS
from members.models import Organization, User
from members.permissions import is_org_member

from .. import permissions
from ..models import Article, ArticleRevision, KnowledgeAuthor, Topic
from ..workflows import ARTICLE

#: ``purpose`` of an article's attached files.
DOCUMENT_PURPOSE = "document"
#: What an article may carry: PDF, Word, Excel, PowerPoint, CSV or plain text.
ARTICLE_DOCUMENT_KINDS: tuple[str, ...] = DOCUMENT_KINDS
#: Fields designated authors (and editors) write.
AUTHOR_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "summary",
    "body",
    "language",
    "visibility",
    "topics",
)
#: Fields only editors set.
EDITOR_FIELDS: tuple[str, ...] = (*AUTHOR_FIELDS, "author_organization", "published_on")
#: Saved in each revision.
REVISION_FIELDS: tuple[str, ...] = ("title", "summary", "body")
_SLUG_MAX = Article._meta.get_field("slug").max_length or 120
_NOTE_MAX = ArticleRevision._meta.get_field("note").max_length or 300
#: First path segments of other pages under ``/knowledge/articles/``: never a slug.
RESERVED_SLUGS = frozenset({"mine", "new"})


# --- Helpers ---------------------------------------------------------------------------------


def _deny_unless(verdict: Any, message: str = "") -> None:
    if not verdict:
        raise PermissionDenied(
            str(getattr(verdict, "reason", "") or message or _("You may not do this."))
        )


def _require_editor(actor: Any) -> None:
    _deny_unless(
        actor is not None and permissions.can_edit_content(actor),
        _("Only an editor can do this."),
    )


def article_url(article: Article) -> str:
    """The article's page (empty if the route is missing, so a notification never fails)."""
    try:
        return reverse("knowledge:article_detail", kwargs={"slug": article.slug})
    except NoReverseMatch:
        return ""


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[: _SLUG_MAX - 6].strip("-") or "articulo"
    if base in RESERVED_SLUGS:
        base = f"articulo-{base}"
    others = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unexpected article fields: {sorted(unknown)}")


def _allowed_fields(actor: Any) -> tuple[str, ...]:
    return EDITOR_FIELDS if permissions.can_edit_content(actor) else AUTHOR_FIELDS


def _text(value: Any) -> str:
    if isinstance(value, Organization):
        return value.display_name
    return "" if value is None else str(value)


def _assign(article: Article, data: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Set plain fields (strings stripped); returns the ``update_fields`` and the changes."""
    fields: list[str] = []
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name == "topics":
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "author_organization":
            before = article.author_organization
            if getattr(before, "pk", None) == getattr(value, "pk", None):
                continue
        else:
            before = getattr(article, name)
            if before == value:
                continue
        setattr(article, name, value)
        fields.append(name)
        if name not in ("body", "summary"):
            changes[name] = (_text(before), _text(value))
        else:
            changes[name] = ("…", "…")
    return fields, changes


def _set_topics(article: Article, topics: Iterable[Any]) -> tuple[list[int], list[int]]:
    ids = sorted({int(getattr(t, "pk", t)) for t in topics})
    if Topic.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"topics": _("Choose among the listed topics.")}, code="invalid")
    before = sorted(article.topics.values_list("pk", flat=True))
    if before != ids:
        article.topics.set(ids)
    return before, ids


def _validate_documents(files: Iterable[File]) -> list[File]:
    """Every file checked before anything is written, so a bad one refuses the whole save."""
    from cluster_portal.files.validation import validate_upload

    checked = []
    for uploaded in files:
        try:
            validate_upload(uploaded, allowed_types=ARTICLE_DOCUMENT_KINDS)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}, code="invalid_file") from error
        uploaded.seek(0)
        checked.append(uploaded)
    return checked


def _store_documents(actor: User, article: Article, files: Iterable[File]) -> list[str]:
    names = []
    for uploaded in files:
        attachment = attachment_create(
            actor=actor,
            target=article,
            uploaded_file=uploaded,
            purpose=DOCUMENT_PURPOSE,
            allowed_types=ARTICLE_DOCUMENT_KINDS,
        )
        names.append(attachment.original_name)
    return names


def _write_revision(actor: User, article: Article, note: str) -> ArticleRevision:
    last = article.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = ArticleRevision(
        article=article,
        number=last + 1,
        title=article.title,
        summary=article.summary,
        body=article.body,
        note=(note or "").strip()[:_NOTE_MAX],
        edited_by=actor,
    )
    revision.full_clean()
    revision.save()
    return revision


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


# --- Articles --------------------------------------------------------------------------------


@transaction.atomic
def article_create(*, actor: User, data: Mapping[str, Any], files: Iterable[File] = ()) -> Article:
    """A new draft article by an editor or a designated author (``permissions.
    can_write_articles``), with revision 1.

    ``data``: keys of :data:`AUTHOR_FIELDS` (editors: :data:`EDITOR_FIELDS`); ``title`` and
    ``kind`` required. The slug comes from the title (unique). A designated author's article
    belongs to their organization. ``files``: documents to attach (all checked first).
    Audited; nothing is enqueued.
    """
    _deny_unless(
        actor is not None and permissions.can_write_articles(actor),
        _("Only editors and designated authors write articles."),
    )
    _check_fields(data, _allowed_fields(actor))
    files = _validate_documents(files)
    article = Article(status=Article.Status.DRAFT, created_by=actor)
    plain = {k: v for k, v in data.items() if k != "topics"}
    _assign(article, plain)
    if not permissions.can_edit_content(actor):
        author = KnowledgeAuthor.objects.select_related("organization").get(user=actor)
        article.author_organization = author.organization
    article.slug = _unique_slug(article.title or "")
    article.full_clean()
    article.save()
    if "topics" in data:
        _set_topics(article, data["topics"])
    names = _store_documents(actor, article, files)
    _write_revision(actor, article, _("Created."))
    audit_decision(
        actor=actor,
        target=article,
        action="article.create",
        changes={"files": ("", ", ".join(names))} if names else None,
        reason=article.title,
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: User,
    article: Article,
    data: Mapping[str, Any],
    files: Iterable[File] = (),
    note: str = "",
) -> Article:
    """Change an article (editors: any; its designated author: while it is a draft, see
    ``permissions.can_edit_article``) and write the next revision with ``note``.

    ``data``: keys the actor may write (:data:`AUTHOR_FIELDS` / :data:`EDITOR_FIELDS`); any
    other key refuses the whole save. The slug stays (links keep working). A save that
    changes nothing writes nothing. Audited with the fields changed.
    """
    _deny_unless(permissions.can_edit_article(actor, article))
    _check_fields(data, _allowed_fields(actor))
    files = _validate_documents(files)
    article = _lock(article)
    _deny_unless(permissions.can_edit_article(actor, article))
    plain = {k: v for k, v in data.items() if k != "topics"}
    fields, changes = _assign(article, plain)
    article.full_clean()
    if "topics" in data:
        before, after = _set_topics(article, data["topics"])
        if before != after:
            changes["topics"] = (before, after)
    names = _store_documents(actor, article, files)
    if names:
        changes["files"] = ("", ", ".join(names))
    if not changes:
        return article
    article.updated_at = timezone.now()
    article.save(update_fields=[*fields, "updated_at"])
    _write_revision(actor, article, note)
    audit_decision(
        actor=actor, target=article, action="article.update", changes=changes, reason=note
    )
    return article


def _notify_author(article: Article, actor: Any, event: str, **extra: Any) -> None:
    from notifications.services import notify

    author = article.created_by
    if author is None or author.pk == getattr(actor, "pk", None):
        return
    notify(
        recipients=[author],
        event=event,
        context={"article_id": article.pk, "article_title": article.title, **extra},
        actor=actor,
        url=article_url(article),
    )


def _transition(actor: Any, article: Article, name: str, *, reason: str = "") -> Article:
    ARTICLE.authorize(article, name, actor=actor)
    article = _lock(article)
    ARTICLE.require(article, name, actor=actor)
    before = article.status
    ARTICLE.apply(article, name)
    fields = ["status", "updated_at"]
    if name == "publish":
        if article.published_on is None:
            article.published_on = timezone.localdate()
            fields.append("published_on")
        article.review_note = ""
        fields.append("review_note")
    elif name == "return":
        article.review_note = reason
        fields.append("review_note")
    article.full_clean()
    article.updated_at = timezone.now()
    article.save(update_fields=fields)
    audit_decision(
        actor=actor,
        target=article,
        action=f"article.{name}",
        changes={"status": (before, article.status)},
        reason=reason,
    )
    return article


@transaction.atomic
def article_submit(*, actor: User, article: Article) -> Article:
    """Send a draft for review (its author or an editor). Audited."""
    return _transition(actor, article, "submit")


@transaction.atomic
def article_publish(*, actor: User, article: Article) -> Article:
    """Publish an article in review (editors): ``published_on`` = today when empty; the
    reviewer's note is cleared; the author is told. Audited."""
    article = _transition(actor, article, "publish")
    _notify_author(
        article,
        actor,
        "knowledge.article_published",
        published_on=article.published_on.strftime("%d/%m/%Y") if article.published_on else "",
    )
    return article


@transaction.atomic
def article_return(*, actor: User, article: Article, reason: str) -> Article:
    """Return an article in review to its author as a draft (editors), with the reason (required,
    kept as ``review_note``); the author is told. Audited."""
    ARTICLE.authorize(article, "return", actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the author should change.")}, code="required")
    max_length = Article._meta.get_field("review_note").max_length or 1000
    if len(reason) > max_length:
        raise ValidationError(
            {"reason": _("At most %(max)d characters.") % {"max": max_length}}, code="max_length"
        )
    article = _transition(actor, article, "return", reason=reason)
    _notify_author(article, actor, "knowledge.article_returned", reason=reason)
    return article


@transaction.atomic
def article_archive(*, actor: User, article: Article) -> Article:
    """Archive a published article (editors): it stays readable, marked archived. Audited."""
    return _transition(actor, article, "archive")


@transaction.atomic
def article_republish(*, actor: User, article: Article) -> Article:
    """Publish an archived article again (editors). Audited."""
    return _transition(actor, article, "republish")


#: The transition services by name (for the pages' action routes).
TRANSITIONS = {
    "submit": article_submit,
    "publish": article_publish,
    "archive": article_archive,
    "republish": article_republish,
}


# --- Designated authors ----------------------------------------------------------------------


@transaction.atomic
def author_designate(*, actor: User, user: User, organization: Organization) -> KnowledgeAuthor:
    """Name ``user`` a designated author for ``organization`` (editors). The person must belong
    to that organization and it must be an active member. Designating someone again changes
    their organization. Audited."""
    _require_editor(actor)
    if organization.membership_status != Organization.MembershipStatus.ACTIVE:
        raise ValidationError(
            {"organization": _("Only people of active member organizations can be authors.")},
            code="not_member",
        )
    if not is_org_member(user, organization):
        raise ValidationError(
            {"user": _("%(person)s does not belong to %(organization)s.")
             % {"person": user.get_full_name() or str(user),
                "organization": organization.display_name}},
            code="not_in_organization",
        )  # fmt: skip
    author = KnowledgeAuthor.objects.select_for_update().filter(user=user).first()
    before = ""
    if author is None:
        author = KnowledgeAuthor(user=user, organization=organization, designated_by=actor)
    else:
        if author.organization_id == organization.pk:
            return author
        before = str(author.organization_id)
        author.organization = organization
        author.designated_by = actor
    author.full_clean(validate_unique=False)
    author.save()
    audit_decision(
        actor=actor,
        target=user,
        action="knowledge_author.designate",
        changes={"organization": (before, organization.display_name)},
    )
    return author


@transaction.atomic
def author_revoke(*, actor: User, author: KnowledgeAuthor) -> None:
    """Stop ``author`` writing articles (editors). Their articles stay; drafts wait for an
    editor. Audited."""
    _require_editor(actor)
    author = (
        KnowledgeAuthor.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=author.pk)
    )
    user, organization = author.user, author.organization
    author.delete()
    audit_decision(
        actor=actor,
        target=user,
        action="knowledge_author.revoke",
        changes={"organization": (organization.display_name, "")},
    )
