"""Writes for private files."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile, File
from django.db import models, transaction

from members.models import User

from .images import reencode_image
from .models import Attachment
from .validation import IMAGE_KINDS, clean_original_name, validate_upload

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
    image_max_side: int | None = None,
    thumbnail_side: int | None = None,
) -> Attachment:
    """Validate ``uploaded_file`` and store it privately as an attachment of ``target``.

    Preconditions: ``target`` is saved; the calling feature has already checked that ``actor``
    may add files to it (this service only judges the file). ``allowed_types`` are kind codes
    from ``validation.KINDS``; ``max_bytes`` defaults to ``settings.PRIVATE_FILE_MAX_BYTES``.

    With ``image_max_side`` (only for image kinds), the image is re-encoded with Pillow
    (``images.reencode_image``: metadata stripped, longest side capped, PNG kept, JPEG/WebP to
    WebP) and what is stored — and described by ``size``, ``sha256``, ``mime_type`` — is the
    re-encoded file; ``thumbnail_side`` also stores a small rendition for lists.

    Raises ``ValidationError`` (and changes nothing: no row, no file) when the file is too big,
    of a kind not allowed, not what its extension claims, or an unreadable image or
    decompression bomb. Enqueues nothing.
    """
    if target.pk is None:
        raise ValueError("Attach files to saved records only.")
    if image_max_side is not None and (
        allowed_types is None or not set(allowed_types) <= set(IMAGE_KINDS)
    ):
        raise ValueError("Re-encoding needs allowed_types limited to image kinds.")
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
    content: File = uploaded_file
    extension = checked.extension
    thumbnail: ContentFile[bytes] | None = None
    if image_max_side is not None:
        reencoded = reencode_image(
            uploaded_file,
            name=checked.original_name,
            max_side=image_max_side,
            thumbnail_side=thumbnail_side,
        )
        image = reencoded.image
        content = ContentFile(image.content)
        extension = image.extension
        stem = checked.original_name.rpartition(".")[0] or checked.original_name
        attachment.original_name = clean_original_name(f"{stem}.{extension}")
        attachment.mime_type = image.mime_type
        attachment.size = len(image.content)
        attachment.sha256 = hashlib.sha256(image.content).hexdigest()
        if reencoded.thumbnail is not None:
            thumbnail = ContentFile(reencoded.thumbnail.content)
    attachment.full_clean(exclude=["file", "thumbnail"])
    content.seek(0)
    # The name passed here only contributes the verified extension (see attachment_upload_to).
    attachment.file.save(f"upload.{extension}", content, save=False)
    try:
        if thumbnail is not None:
            attachment.thumbnail.save(f"small.{extension}", thumbnail, save=False)
        attachment.save(force_insert=True)
    except BaseException:
        # The row never made it: do not leave orphan files behind.
        for stored in (attachment.file, attachment.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
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
