"""Reads for private files."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from .models import Attachment
from .permissions import can_download_attachment


def attachment_get_for_download(*, user: Any, attachment_id: uuid.UUID) -> Attachment:
    """The attachment if ``user`` may download it; ``Http404`` whether it is missing or
    forbidden, so that nobody learns which ids exist."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=attachment_id).first()
    if attachment is None or not can_download_attachment(user, attachment):
        raise Http404
    return attachment


def attachment_list_for_target(*, target: Any, purpose: str | None = None) -> QuerySet[Attachment]:
    """A record's attachments, newest first (no permission check: the caller shows the record)."""
    queryset = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("uploaded_by")
    if purpose is not None:
        queryset = queryset.filter(purpose=purpose)
    return queryset
