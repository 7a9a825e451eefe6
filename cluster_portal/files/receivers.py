"""Keep the storage in step with the table: a deleted row's file goes after commit."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=Attachment, dispatch_uid="files.attachment_file_cleanup")
def delete_stored_file(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    """Remove the files (and rendition) only once the deletion is committed, so a rollback
    keeps both."""
    stored = [(f.storage, f.name) for f in (instance.file, instance.thumbnail) if f.name]
    if not stored:
        return

    def _remove() -> None:
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete private file %s", name)

    transaction.on_commit(_remove, using=kwargs.get("using"))
