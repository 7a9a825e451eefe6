"""The OAuth2 authorization server as partners see it: client credentials only, /o/ endpoints."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import IntrospectTokenView, RevokeTokenView, TokenView
from oauthlib.common import Request as OauthlibRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PartnerClient

PARTNER_GRANT_TYPE = "client_credentials"


class PartnerOAuth2Validator(OAuth2Validator):
    """Only active partner clients authenticate, and only with the client-credentials grant."""

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        partner = PartnerClient.for_application(request.client)
        return partner is not None and partner.is_active

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return grant_type == PARTNER_GRANT_TYPE and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )


class ClientEndpointThrottle(SimpleRateThrottle):
    """Per client address limit shared by every /o/ endpoint that checks client credentials
    (rate ``oauth_token`` in DEFAULT_THROTTLE_RATES), so secrets cannot be guessed at speed."""

    scope = "oauth_token"

    def get_rate(self) -> str | None:
        # Read at request time (not class creation) so settings overrides apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate else None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientEndpointThrottleMixin:
    """Refuse a POST over the limit before the client's credentials are even checked: 429 with
    ``Retry-After`` in the OAuth2 error shape.

    These endpoints authenticate the *client* (no cookies), so, like django-oauth-toolkit's own
    views, they are CSRF-exempt; ``as_view`` copies that mark from this ``dispatch``.
    """

    @method_decorator(csrf_exempt)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            throttle = ClientEndpointThrottle()
            # A plain Django request and view are enough: the throttle reads only META.
            if not throttle.allow_request(request, self):  # type: ignore[arg-type]
                response = JsonResponse(
                    {
                        "error": "too_many_requests",
                        "error_description": _("Too many token requests. Try again later."),
                    },
                    status=429,
                )
                response["Retry-After"] = str(max(1, int(throttle.wait() or 1)))
                return response
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class PartnerIntrospectTokenView(ClientEndpointThrottleMixin, IntrospectTokenView):
    """RFC 7662 introspection where a client may only introspect its own tokens.

    django-oauth-toolkit answers for any token to any authenticated client; a partner has no
    business learning about another partner's tokens, so foreign tokens read as inactive.
    Only POST: a token in a query string ends up in logs.
    """

    http_method_names = ["post", "options"]

    def authenticate_client(self, request: HttpRequest) -> bool:
        core = self.get_oauthlib_core()
        # Same steps as OAuthLibCore.authenticate_client, keeping the authenticated client.
        uri, http_method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, http_method, body, headers)
        if not core.server.request_validator.authenticate_client(oauth_request):
            return False
        self.introspecting_application = oauth_request.client
        return True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token_value = request.POST.get("token")
        application = getattr(self, "introspecting_application", None)
        if token_value is not None:
            checksum = hashlib.sha256(token_value.encode("utf-8")).hexdigest()
            owned = (
                application is not None
                and get_access_token_model()
                .objects.filter(token_checksum=checksum, application=application)
                .exists()
            )
            if not owned:
                return JsonResponse({"active": False})
        return self.get_token_response(token_value)


class PartnerTokenView(ClientEndpointThrottleMixin, TokenView):
    """django-oauth-toolkit's token endpoint behind the client-endpoint rate limit."""


class PartnerRevokeTokenView(ClientEndpointThrottleMixin, RevokeTokenView):
    """django-oauth-toolkit's revocation endpoint behind the client-endpoint rate limit."""
