"""The API's one permission base: deny by default, scopes for tokens, sessions for people.

Every API view declares which scopes a token needs, in one of two ways::

    class CallViewSet(ReadOnlyModelViewSet):
        scope_read = "challenges:read"         # GET/HEAD/OPTIONS
        scope_write = "challenges:write"       # POST/PUT/PATCH/DELETE

    class MeView(APIView):
        required_scopes = {"GET": []}          # per method; [] = any valid token

``required_scopes`` may also be a plain list that applies to every method. A view (or a method)
with no declared policy is denied to everyone. Browser sessions pass the scope check (scopes limit
partner systems, not people); what a person may see is decided per object by the feature's own
permission class, built on :class:`ScopedAPIPermission`, which asks the predicates in
``<app>/permissions.py``.

A view for a person's own acts (asking to join an organization) sets
``partner_tokens_allowed = False``: partner systems act for an organization, never for a person,
so their tokens get 403 ``session_required`` whatever their scopes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .auth import api_token, token_scopes

logger = logging.getLogger(__name__)


def required_scopes_for(view: Any, method: str) -> list[str] | None:
    """The scopes a token needs for ``method`` on ``view``; None when no policy is declared."""
    method = method.upper()
    lookup = "GET" if method in ("HEAD", "OPTIONS") else method
    declared = getattr(view, "required_scopes", None)
    if isinstance(declared, Mapping):
        scopes = declared.get(lookup)
        return None if scopes is None else list(scopes)
    if isinstance(declared, Iterable) and not isinstance(declared, str):
        return list(declared)
    attribute = "scope_read" if lookup in SAFE_METHODS else "scope_write"
    scope = getattr(view, attribute, None)
    return [scope] if scope else None


def declared_scopes(view: Any) -> set[str]:
    """Every scope a view mentions (used by the test that checks scopes exist)."""
    found: set[str] = set()
    declared = getattr(view, "required_scopes", None)
    if isinstance(declared, Mapping):
        for scopes in declared.values():
            found.update(scopes)
    elif isinstance(declared, Iterable) and not isinstance(declared, str):
        found.update(declared)
    for attribute in ("scope_read", "scope_write"):
        if getattr(view, attribute, None):
            found.add(getattr(view, attribute))
    return found


class ScopedAPIPermission(BasePermission):
    """Allow a valid partner token holding the view's scopes, or a logged-in person.

    Unauthenticated requests end as 401 (DRF turns a denial without credentials into
    ``NotAuthenticated``); a token without the scope gets 403 ``insufficient_scope``. Object rules
    belong to the feature's subclass, which overrides :meth:`has_object_permission` with its
    ``<app>/permissions.py`` predicates (DRF has already run :meth:`has_permission` by then).
    """

    message: Any = _("You do not have permission to perform this action.")
    code = "permission_denied"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not hasattr(view, request.method.lower()):
            # Let DRF answer 405 for a method the view does not implement at all.
            return True
        scopes = required_scopes_for(view, request.method)
        if scopes is None:
            logger.warning(
                "API view %s declares no scope policy for %s; denied.",
                type(view).__name__,
                request.method,
            )
            return False
        token = api_token(request)
        if token is not None and not getattr(view, "partner_tokens_allowed", True):
            self.message = _(
                "This endpoint is for people signed in to the portal; partner access tokens "
                "cannot use it."
            )
            self.code = "session_required"
            return False
        if token is not None:
            missing = sorted(set(scopes) - token_scopes(request))
            if missing:
                self.message = _("This access token lacks the scope: %(scopes)s.") % {
                    "scopes": " ".join(missing)
                }
                self.code = "insufficient_scope"
                return False
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return True
