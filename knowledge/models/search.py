"""The portal-wide search index: one row per searchable record (and per variant: a restricted
challenge's public version is its own row), with the columns that decide who may see it, so
that permission filtering is a SQL ``WHERE`` applied before ranking and counting.

Who sees a row (``knowledge.selectors.search``):

* ``audience = public``: everyone (visitors and ``public:read`` tokens included);
* ``audience = members``: people of active member organizations (and partner tokens with the
  kind's read scope);
* ``audience = organizations``: only people of the organizations listed in
  :class:`SearchDocumentAccess` (a restricted challenge's company, a proposal's consortium, a
  non-public project's organizations);
* staff holding ``staff_permission`` (a ``core`` codename) see the row whatever its audience;
  an empty ``staff_permission`` means no staff role opens it beyond the audience.

``search_vector`` is PostgreSQL's ``tsvector`` (title weight A, summary B, body C), built by
``knowledge.services.search`` with the portal's accent-insensitive configurations; on SQLite the
column exists but stays empty and the selector falls back to ``LIKE`` on ``search_text``.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organization


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        CALL = "call", _("Call")
        CHALLENGE = "challenge", _("Challenge")
        PROPOSAL = "proposal", _("Proposal")
        PROJECT = "project", _("Project")
        MISSION = "mission", _("Mission")
        ARTICLE = "article", _("Article")
        BARRIER = "barrier", _("Regulatory barrier")
        OPPORTUNITY = "opportunity", _("Value-added opportunity")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members")
        ORGANIZATIONS = "organizations", _("Listed organizations")
        STAFF = "staff", _("Staff only")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    # "" for the record itself; "public" for a restricted challenge's public version.
    variant = models.CharField(_("variant"), max_length=10, blank=True, default="")
    language = models.CharField(_("language"), max_length=8, default="es")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    # Title, summary and body without accents and in lower case (the SQLite fallback's haystack).
    search_text = models.TextField(_("search text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    audience = models.CharField(_("audience"), max_length=14, choices=Audience.choices)
    staff_permission = models.CharField(_("staff permission"), max_length=60, blank=True)
    search_vector = SearchVectorField(null=True, blank=True)
    record_updated_at = models.DateTimeField(_("record updated"), null=True, blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "variant"], name="search_document_unique"
            )
        ]
        indexes = [
            models.Index(fields=["audience", "kind"], name="search_audience_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class SearchDocumentAccess(models.Model):
    """An organization whose people may see a document of audience ``organizations``."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="access")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("search document access")
        verbose_name_plural = _("search document access")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"], name="search_access_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "document"], name="search_access_org_idx")]

    def __str__(self) -> str:
        return f"{self.document_id} ← {self.organization_id}"
