"""Partner systems that call the API with OAuth2 client credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from .scopes import all_scopes, validate_scope_list


class PartnerClient(models.Model):
    """A partner system (bank reporting, university, open-data site) bound to one organization.

    Each one owns exactly one django-oauth-toolkit ``Application`` (confidential, client-credentials
    grant, no user). Tokens it obtains carry at most ``allowed_scopes`` and act for
    ``organization``; they never act as a person.
    """

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("OAuth2 application"),
        on_delete=models.CASCADE,
        related_name="partner_client",
    )
    organization = models.ForeignKey(
        "members.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="partner_clients",
    )
    allowed_scopes = models.JSONField(
        _("allowed scopes"),
        default=list,
        blank=True,
        validators=[validate_scope_list],
        help_text=_("The only scopes this client's tokens can ever carry."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive client can neither obtain tokens nor use the ones it has."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner API client")
        verbose_name_plural = _("partner API clients")
        ordering = ("organization", "application__name")

    def __str__(self) -> str:
        return self.application.name

    @property
    def name(self) -> str:
        return self.application.name

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def effective_scopes(self) -> list[str]:
        """Allowed scopes that still exist in the catalogue, in catalogue order."""
        allowed = set(self.allowed_scopes or [])
        return [scope for scope in all_scopes() if scope in allowed]

    @classmethod
    def for_application(cls, application: Any) -> PartnerClient | None:
        """The partner behind an OAuth2 application (cached on the application), or None."""
        if application is None:
            return None
        try:
            return application.partner_client
        except cls.DoesNotExist:
            return None
