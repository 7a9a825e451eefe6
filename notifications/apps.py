from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app inbox, email outbox, preferences and webhooks."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers

        # Every app registers its notification events in `<app>/notification_events.py`.
        autodiscover_modules("notification_events")
        # …and the audiences a broadcast can address in `<app>/audiences.py`.
        autodiscover_modules("audiences")
