"""OAuth2 scopes: the catalogue lives in ``settings.OAUTH2_PROVIDER["SCOPES"]``.

A partner client only ever receives the scopes staff allowed for it
(``PartnerClient.allowed_scopes``): :class:`PartnerScopes` is django-oauth-toolkit's
``SCOPES_BACKEND_CLASS``, so the token endpoint
rejects a request for any other scope (``invalid_scope``) and grants the allowed set when the
client asks for none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.settings import oauth2_settings


def all_scopes() -> dict[str, Any]:
    """Every scope the portal knows, name → translated description."""
    return dict(oauth2_settings.SCOPES)


def scope_choices() -> list[tuple[str, Any]]:
    return [(name, f"{name} — {description}") for name, description in all_scopes().items()]


def validate_scope_list(value: object) -> None:
    """A list of distinct, known scope names (used by ``PartnerClient.allowed_scopes``)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Scopes must be a list of scope names."), code="scope_format")
    unknown = sorted(set(value) - set(all_scopes()))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s."),
            code="scope_unknown",
            params={"scopes": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A scope is listed twice."), code="scope_duplicate")


class PartnerScopes(SettingsScopes):
    """Scopes available to a client are the ones its ``PartnerClient`` allows, nothing else."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        from .models import PartnerClient

        if application is None:
            return []
        partner = PartnerClient.for_application(application)
        if partner is None or not partner.is_active:
            return []
        return partner.effective_scopes()

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # A client that asks for no scope gets everything it is allowed.
        return self.get_available_scopes(application, request, *args, **kwargs)
