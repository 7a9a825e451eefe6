from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared portal machinery: middleware, base views, template helpers."""

    name = "cluster_portal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added, authenticator_removed
        from django.contrib.auth.signals import user_logged_in

        from .middleware import record_login_time, refresh_staff_totp, remember_staff_totp

        # Session bookkeeping, not domain logic: the session timeouts count from here, and
        # whether a staff member has an authenticator app is remembered in the session.
        user_logged_in.connect(record_login_time, dispatch_uid="core.record_login_time")
        user_logged_in.connect(remember_staff_totp, dispatch_uid="core.remember_staff_totp")
        authenticator_added.connect(refresh_staff_totp, dispatch_uid="core.totp_added")
        authenticator_removed.connect(refresh_staff_totp, dispatch_uid="core.totp_removed")

        from django.db.models.signals import post_migrate

        # The staff role groups follow the catalogue (core.roles) after every migrate, and
        # after the test runner's flushes, which empty the groups table.
        post_migrate.connect(_sync_staff_roles, sender=self, dispatch_uid="core.sync_staff_roles")
        # The Sites row follows SITE_NAME/SITE_URL (core.sites), also after a flush that let
        # contrib.sites recreate example.com.
        post_migrate.connect(_sync_site, sender=self, dispatch_uid="core.sync_site")


def _sync_staff_roles(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from .roles import sync_staff_roles

    sync_staff_roles(using=using)


def _sync_site(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from .sites import sync_site

    sync_site(using=using)
