from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Articles, ecosystem map, regulatory barriers, value-added opportunities."""

    name = "knowledge"
    verbose_name = _("Knowledge base")
