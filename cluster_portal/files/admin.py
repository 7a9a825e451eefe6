"""Attachments in the admin: read and delete only; uploads go through the features' forms."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Attachment
from .services import attachment_delete


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "purpose",
        "content_type",
        "object_id",
        "mime_type",
        "human_size",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("purpose", "content_type", "mime_type")
    search_fields = ("original_name", "sha256", "=object_id", "uploaded_by__email")
    list_select_related = ("content_type", "uploaded_by")
    date_hierarchy = "created_at"
    # ``file`` is left out on purpose: the admin would render ``file.url``, and private files
    # have no URL. The download link goes through the permission-checked view.
    fields = (
        "id",
        "original_name",
        "purpose",
        "content_type",
        "object_id",
        "mime_type",
        "human_size",
        "sha256",
        "uploaded_by",
        "created_at",
        "download_link",
    )
    readonly_fields = fields

    @admin.display(description=_("size"))
    def human_size(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)

    @admin.display(description=_("download"))
    def download_link(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_download_url(), _("Download"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Attachment) -> None:
        attachment_delete(actor=request.user, attachment=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Attachment]) -> None:
        for attachment in queryset:
            attachment_delete(actor=request.user, attachment=attachment)  # type: ignore[arg-type]
