"""The Django admin for the knowledge base.

Topics are the editors' taxonomy: they add, change and delete them here (their model
permissions come from ``cluster_portal.core.roles.KNOWLEDGE_TAXONOMY_MODELS``). Every other
record is read only, even for a superuser: articles, barriers, opportunities and their
histories change through the services behind the editors' and members' pages (permissions,
lifecycle tables, revisions, audit, notifications, the search index).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Article,
    ArticleRevision,
    BarrierEndorsement,
    BarrierStatusChange,
    KnowledgeAuthor,
    OpportunityInterest,
    RegulatoryBarrier,
    SearchDocument,
    SearchDocumentAccess,
    Topic,
    ValueOpportunity,
)


class ReadOnlyAdminMixin:
    """No add, change or delete: the admin only reads."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("slug", "name_es", "name_en", "position")
    list_editable = ("position",)
    search_fields = ("slug", "name_es", "name_en")
    ordering = ("position", "slug")


class ArticleRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = ArticleRevision
    extra = 0
    fields = ("number", "title", "note", "edited_by", "created_at")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "kind", "status", "visibility", "author_organization", "published_on")
    list_filter = ("status", "kind", "visibility", "language", "topics")
    search_fields = ("title", "slug", "summary")
    list_select_related = ("author_organization",)
    date_hierarchy = "published_on"
    inlines = (ArticleRevisionInline,)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyModelAdmin):
    list_display = ("article", "number", "edited_by", "created_at")
    list_select_related = ("article", "edited_by")
    search_fields = ("article__title", "title")


@admin.register(KnowledgeAuthor)
class KnowledgeAuthorAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "organization", "designated_by", "designated_at")
    list_select_related = ("user", "organization", "designated_by")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "organization__legal_name",
    )


class BarrierStatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = BarrierStatusChange
    extra = 0
    fields = ("from_status", "to_status", "note", "actor", "changed_at")
    readonly_fields = fields


class BarrierEndorsementInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = BarrierEndorsement
    extra = 0
    fields = ("organization", "statement", "endorsed_by", "created_at")
    readonly_fields = fields


@admin.register(RegulatoryBarrier)
class RegulatoryBarrierAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "title", "status", "authority", "visibility")
    list_filter = ("status", "visibility")
    search_fields = ("code", "title", "rule", "authority", "case_number")
    inlines = (BarrierStatusChangeInline, BarrierEndorsementInline)


@admin.register(BarrierStatusChange)
class BarrierStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("barrier", "from_status", "to_status", "actor", "changed_at")
    list_select_related = ("barrier", "actor")


@admin.register(BarrierEndorsement)
class BarrierEndorsementAdmin(ReadOnlyModelAdmin):
    list_display = ("barrier", "organization", "endorsed_by", "created_at")
    list_select_related = ("barrier", "organization", "endorsed_by")


class OpportunityInterestInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = OpportunityInterest
    extra = 0
    fields = ("organization", "role", "note", "registered_by", "created_at")
    readonly_fields = fields


@admin.register(ValueOpportunity)
class ValueOpportunityAdmin(ReadOnlyModelAdmin):
    list_display = ("product", "hs_code", "stage", "status", "visibility")
    list_filter = ("status", "stage", "visibility")
    search_fields = ("product", "product_en", "hs_code", "slug")
    inlines = (OpportunityInterestInline,)


@admin.register(OpportunityInterest)
class OpportunityInterestAdmin(ReadOnlyModelAdmin):
    list_display = ("opportunity", "organization", "role", "registered_by", "created_at")
    list_select_related = ("opportunity", "organization", "registered_by")


@admin.register(SearchDocument)
class SearchDocumentAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "object_id", "variant", "language", "title", "audience", "indexed_at")
    list_filter = ("kind", "language", "audience")
    search_fields = ("title",)
    exclude = ("search_vector",)


@admin.register(SearchDocumentAccess)
class SearchDocumentAccessAdmin(ReadOnlyModelAdmin):
    list_display = ("document", "organization")
    list_select_related = ("document", "organization")


# Article documents: whoever may read the article downloads them. Registered here because the
# admin module is imported at start-up by every process (admin autodiscovery) and the app's
# AppConfig is not this module's owner; moving the call into ``KnowledgeConfig.ready`` is the
# better home.
