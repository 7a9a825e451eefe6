"""Articles and documents of the knowledge base (studies, regulations, reports, guides), their
topics, the member authors editors designate, and the revision history.

Lifecycle ``knowledge.workflows.ARTICLE``: draft → in review → published (or returned to the
author with a reason) → archived. Every save of the text through the services writes an
:class:`ArticleRevision` (who, when, what the text was), so the history is complete.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.models import Organization


class Topic(models.Model):
    """A theme of the knowledge base (water, tailings, regulation, industrialization…)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("position", "slug")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Article(models.Model):
    class Kind(models.TextChoices):
        STUDY = "study", _("Study")
        REGULATION = "regulation", _("Regulation")
        REPORT = "report", _("Report")
        GUIDE = "guide", _("Guide")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown is allowed."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="articles", blank=True
    )
    author_organization = models.ForeignKey(
        Organization,
        verbose_name=_("author organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_on = models.DateField(_("published"), null=True, blank=True, db_index=True)
    review_note = models.CharField(_("reviewer's note"), max_length=1000, blank=True)
    attachments = GenericRelation("files.Attachment")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="knowledge_articles",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ("-published_on", "-pk")
        indexes = [
            models.Index(fields=["status", "visibility", "published_on"], name="article_list_idx")
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """The article's text as one save left it (numbered from 1)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ("article", "-number")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.number}"


class KnowledgeAuthor(models.Model):
    """A member person an editor designated to write articles (for their organization)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="knowledge_author",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="knowledge_authors",
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    designated_at = models.DateTimeField(_("designated"), auto_now_add=True)

    class Meta:
        verbose_name = _("designated author")
        verbose_name_plural = _("designated authors")

    def __str__(self) -> str:
        return str(self.user)
