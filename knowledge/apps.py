from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Articles, ecosystem map, regulatory barriers, value-added opportunities, and the
    portal-wide search index."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # Documents of articles and evidence of barriers: whoever may read the record
        # downloads them (``cluster_portal.files``; downloads are audited).
        from cluster_portal.files.permissions import register_attachment_access

        from . import permissions
        from .models import Article, RegulatoryBarrier

        register_attachment_access(Article, permissions.can_view_article)
        register_attachment_access(RegulatoryBarrier, permissions.can_view_barrier)

        # The search index follows every app's writes through signals. The project keeps
        # domain logic out of signals (CONVENTIONS.md), and this is not domain logic: keeping
        # a derived copy in step is infrastructure, like a cache. It must see *every* write of
        # the indexed models — services of four apps, the admin, demo seeds, later features —
        # and no service should have to remember to call it; a signal is the one place that
        # cannot be forgotten. The handlers only queue a task after commit
        # (``knowledge.search_sources``); the nightly rebuild catches what signals miss.
        from .search_sources import connect_signals

        connect_signals()
