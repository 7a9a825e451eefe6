from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail (django-auditlog): which records are tracked, staff decisions, the
    staff page that lists them. No models of its own: entries are auditlog's ``LogEntry``."""

    name = "cluster_portal.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from .registry import register_audited_models

        register_audited_models()
