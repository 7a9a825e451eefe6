"""Who is calling the API: a partner system (OAuth2 token) or a person (browser session).

Partner tokens come from the client-credentials grant, so they carry no user: ``request.user`` is
``AnonymousUser`` for them, ``request.auth`` is the ``AccessToken`` and the partner's organization
comes from :func:`api_caller_organization`. Permission code asks :func:`api_caller` instead of
reading ``request.user`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AbstractAccessToken
from rest_framework.exceptions import AuthenticationFailed

from .models import PartnerClient
from .scopes import all_scopes

if TYPE_CHECKING:
    from members.models import Organization, User


class PartnerOAuth2Authentication(OAuth2Authentication):
    """django-oauth-toolkit's bearer-token authentication, limited to active partner clients.

    A token whose application has no active ``PartnerClient`` is refused with 401, so disabling
    a partner in the admin cuts it off at once, whatever tokens it still holds. Tokens are read
    from the ``Authorization: Bearer`` header only (RFC 9700 §4.3.2 / RFC 6750 §2.1): requests
    without one go straight to session authentication, without the OAuth machinery.
    """

    def authenticate(self, request: Any) -> tuple[AnonymousUser, AbstractAccessToken] | None:
        scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0]
        if scheme.lower() != "bearer":
            return None
        result = super().authenticate(request)
        if result is None:
            return None
        _user, token = result
        partner = (
            PartnerClient.objects.select_related("organization")
            .filter(application_id=token.application_id, is_active=True)
            .first()
            if token.application_id
            else None
        )
        if partner is None:
            raise AuthenticationFailed(
                _("This client is not allowed to use the API."), code="inactive_client"
            )
        # Cache the partner on the application so later look-ups cost no query.
        token.application.partner_client = partner
        return AnonymousUser(), token


def api_token(request: Any) -> AbstractAccessToken | None:
    """The OAuth2 access token of the request, or None for a session (or anonymous) caller."""
    token = getattr(request, "auth", None)
    return token if isinstance(token, AbstractAccessToken) else None


def api_caller_partner(request: Any) -> PartnerClient | None:
    token = api_token(request)
    return PartnerClient.for_application(token.application) if token is not None else None


def api_caller_organization(request: Any) -> Organization | None:
    """The partner organization a token acts for; None for session users and anonymous callers.

    People may belong to several organizations, so for them the feature decides which one matters.
    """
    partner = api_caller_partner(request)
    return partner.organization if partner is not None else None


def token_scopes(request: Any) -> frozenset[str]:
    """Scopes a token may use now: granted at issue time and still allowed for its partner.

    Narrowing a partner's allowed scopes in the admin therefore takes effect immediately.
    """
    token = api_token(request)
    if token is None:
        return frozenset()
    partner = PartnerClient.for_application(token.application)
    allowed = set(partner.effective_scopes()) if partner is not None else set()
    return frozenset(set(token.scope.split()) & allowed)


@dataclass(frozen=True)
class ApiCaller:
    """A permission-friendly summary of the caller, for predicates in ``<app>/permissions.py``."""

    user: User | None = None
    partner: PartnerClient | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_partner(self) -> bool:
        return self.partner is not None

    @property
    def organization(self) -> Organization | None:
        return self.partner.organization if self.partner is not None else None


def api_caller(request: Any) -> ApiCaller:
    """Describe the caller: a partner (with its usable scopes) or a logged-in person.

    Session users are not limited by scopes (``scopes`` lists the whole catalogue); what they may
    see is decided by the same per-object predicates as the HTML pages.
    """
    partner = api_caller_partner(request)
    if partner is not None:
        return ApiCaller(partner=partner, scopes=token_scopes(request))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return ApiCaller(user=user, scopes=frozenset(all_scopes()))
    return ApiCaller()
