from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    """Challenge surveys, calls, proposals, evaluation and portfolio."""

    name = "challenges"
    verbose_name = _("Open innovation")
