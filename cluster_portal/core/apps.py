from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared portal machinery: middleware, base views, template helpers."""

    name = "cluster_portal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import record_login_time

        # Session bookkeeping, not domain logic: the absolute session timeout counts from here.
        user_logged_in.connect(record_login_time, dispatch_uid="core.record_login_time")
