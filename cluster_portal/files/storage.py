"""The private storage: uploaded documents that must never have a public URL."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage that refuses to build URLs.

    Files in it are served only by the permission-checked download view
    (``files:download``); ``MEDIA_URL`` must never point at them, so any code that asks for
    ``attachment.file.url`` fails loudly instead of leaking a guessable public path.
    """

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Private files have no public URL; link to Attachment.get_download_url() instead."
        )


def get_private_storage() -> Storage:
    """The storage configured as ``STORAGES["private"]`` (a callable, so migrations stay
    independent of the environment's settings)."""
    return storages["private"]
