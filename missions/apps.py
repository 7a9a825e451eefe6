from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    """Missions, agenda, applications and delegations."""

    name = "missions"
    verbose_name = _("International missions")
