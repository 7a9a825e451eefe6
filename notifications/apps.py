from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app inbox, email outbox, preferences and webhooks."""

    name = "notifications"
    verbose_name = _("Notifications")
