from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Organizations, membership, people and governance bodies."""

    name = "members"
    verbose_name = _("Members and governance")

    def ready(self) -> None:
        from cluster_portal.files.permissions import register_attachment_access

        from .models import Organization
        from .permissions import can_view_organization

        # A logo is seen by whoever may see the organization's profile: anyone for a public
        # member, members for a private one, its own people and staff always.
        register_attachment_access(Organization, can_view_organization, purpose="logo")
