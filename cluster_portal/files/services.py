"""Writes for private files."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.db import models, transaction

from members.models import User

from .models import Attachment
from .validation import validate_upload

logger = logging.getLogger(__name__)


@transaction.atomic
def attachment_create(
    *,
    actor: User,
    target: models.Model,
    uploaded_file: File,
    purpose: str,
    allowed_types: Iterable[str] | None = None,
    max_bytes: int | None = None,
) -> Attachment:
    """Validate ``uploaded_file`` and store it privately as an attachment of ``target``.

    Preconditions: ``target`` is saved; the calling feature has already checked that ``actor``
    may add files to it (this service only judges the file). ``allowed_types`` are kind codes
    from ``validation.KINDS``; ``max_bytes`` defaults to ``settings.PRIVATE_FILE_MAX_BYTES``.

    Raises ``ValidationError`` (and changes nothing: no row, no file) when the file is too big,
    of a kind not allowed, or not what its extension claims. Enqueues nothing.
    """
    if target.pk is None:
        raise ValueError("Attach files to saved records only.")
    checked = validate_upload(uploaded_file, allowed_types=allowed_types, max_bytes=max_bytes)

    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        purpose=purpose,
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    uploaded_file.seek(0)
    # The name passed here only contributes the verified extension (see attachment_upload_to).
    attachment.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    try:
        attachment.save(force_insert=True)
    except BaseException:
        # The row never made it: do not leave an orphan file behind.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Delete an attachment; its stored file is removed once the transaction commits.

    Preconditions: the calling feature has checked that ``actor`` may remove it. The deletion
    is recorded in the audit log (the model is audited) with ``actor`` when called inside a
    request or an ``auditlog.context.set_actor`` block.
    """
    logger.info("Attachment %s deleted by user %s", attachment.pk, getattr(actor, "pk", None))
    attachment.delete()
