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
        # Logos are images every directory page loads: cacheable, never audited (no writes).
        register_attachment_access(
            Organization, can_view_organization, purpose="logo", cacheable=True
        )

        from django.db.models.signals import post_delete, post_save

        from .models import Capability
        from .selectors.organizations import invalidate_capability_choices

        # Cache bookkeeping: the directory's filter choices are cached (selectors).
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_capability_choices,
                sender=Capability,
                dispatch_uid=f"members.capability_choices.{signal is post_save}",
            )

        _connect_viewer_invalidation()


def _connect_viewer_invalidation() -> None:
    """Cache bookkeeping, not domain logic: any write that can change what a person is
    (their organizations, an organization's membership status, their staff flags, roles or
    permissions) makes the per-request viewers recompute (``members.viewer``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Organization, OrganizationMember
    from .viewer import viewers_changed

    user_model = get_user_model()
    for model in (OrganizationMember, Organization, user_model):
        uid = f"members.viewer.{model._meta.label_lower}"
        post_save.connect(viewers_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(viewers_changed, sender=model, dispatch_uid=f"{uid}.delete")
    throughs = (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    )
    for through in throughs:
        m2m_changed.connect(
            viewers_changed, sender=through, dispatch_uid=f"members.viewer.{through.__name__}"
        )
