from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared portal machinery: middleware, base views, template helpers."""

    name = "cluster_portal.core"
    label = "core"
    verbose_name = _("Portal core")
