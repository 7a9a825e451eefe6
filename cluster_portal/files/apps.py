from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """Private uploads: validated on the way in, stored outside any public URL, served by a
    permission-checked download view."""

    name = "cluster_portal.files"
    label = "files"
    verbose_name = _("Private files")

    def ready(self) -> None:
        # Removing the stored file when its row goes (service, admin, generic-relation cascade)
        # is storage housekeeping, not domain logic, so it lives in a receiver.
        from . import receivers  # noqa: F401
