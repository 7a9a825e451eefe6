from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Articles, ecosystem map, regulatory barriers, value-added opportunities, and the
    portal-wide search index."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # The search index follows every app's writes through signals. The project keeps
        # domain logic out of signals (CONVENTIONS.md), and this is not domain logic: keeping
        # a derived copy in step is infrastructure, like a cache. It must see *every* write of
        # the indexed models — services of four apps, the admin, demo seeds, later features —
        # and no service should have to remember to call it; a signal is the one place that
        # cannot be forgotten. The handlers only queue a task after commit
        # (``knowledge.search_sources``); the nightly rebuild catches what signals miss.
        from .search_sources import connect_signals

        connect_signals()
