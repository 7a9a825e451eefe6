"""Attachments: a private file hung on any record through a generic relation."""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import get_private_storage

#: Query string of a download that asks for the small rendition.
THUMBNAIL_PARAM = "size=small"

validate_purpose = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use a short code of lowercase letters, digits and underscores."),
    code="invalid_purpose",
)


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A random path; only the (already verified) extension of ``filename`` is kept.

    The user's file name never reaches the file system: it is kept in ``original_name`` for
    display and for the download's ``Content-Disposition``.
    """
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file uploaded for a record (a logo, a commitment letter, an evidence document…).

    Create and delete only through ``cluster_portal.files.services``. Who may download it is
    decided by the predicate registered for the target's model (see ``permissions.py``).
    ``object_id`` is a big integer: every model in the portal uses ``BigAutoField``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField(
        _("purpose"), max_length=40, validators=[validate_purpose], db_index=True
    )
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to=attachment_upload_to, max_length=255
    )
    # A small rendition for lists (images re-encoded on upload only; see ``images.py``).
    thumbnail = models.FileField(
        _("small rendition"),
        storage=get_private_storage,
        upload_to=attachment_upload_to,
        max_length=255,
        blank=True,
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    # Named mime_type because content_type is the generic relation's field.
    mime_type = models.CharField(_("detected type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["content_type", "object_id"], name="files_att_target_idx")]

    def __str__(self) -> str:
        return self.original_name

    def get_download_url(self) -> str:
        return reverse("files:download", kwargs={"attachment_id": self.pk})

    def get_thumbnail_url(self) -> str:
        """The small rendition's address, or the file's own when there is none."""
        if not self.thumbnail:
            return self.get_download_url()
        return f"{self.get_download_url()}?{THUMBNAIL_PARAM}"
