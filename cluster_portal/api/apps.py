from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """OAuth2 partner clients, the scope-aware permission base and the API's shared plumbing."""

    name = "cluster_portal.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # Registers the OpenAPI description of the partner OAuth2 authentication.
        from . import schema  # noqa: F401
