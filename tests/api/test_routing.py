"""Every endpoint under /api/v1/ keeps the deny-by-default base and declares known scopes.

This guards endpoints that feature apps add later, not just the ones that exist today.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from cluster_portal.api.permissions import ScopedAPIPermission, declared_scopes


def _api_views(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "cls", None)
            if route.startswith("api/v") and view_class is not None:
                yield route, view_class


def test_api_v1_has_endpoints() -> None:
    assert any(route == "api/v1/me/" for route, _ in _api_views(get_resolver().url_patterns))


def test_every_api_view_keeps_the_scoped_permission_and_declares_known_scopes() -> None:
    known = set(settings.OAUTH2_PROVIDER["SCOPES"])
    for route, view_class in _api_views(get_resolver().url_patterns):
        permission_classes = view_class.permission_classes
        assert any(
            isinstance(p, type) and issubclass(p, ScopedAPIPermission) for p in permission_classes
        ), f"{route}: {view_class.__name__} must use ScopedAPIPermission (or a subclass)"
        assert declared_scopes(view_class) <= known, f"{route}: unknown scope"
        has_policy = (
            getattr(view_class, "required_scopes", None) is not None
            or getattr(view_class, "scope_read", None)
            or getattr(view_class, "scope_write", None)
        )
        assert has_policy, f"{route}: {view_class.__name__} declares no scope policy"


def test_every_scope_has_a_description() -> None:
    for name, description in settings.OAUTH2_PROVIDER["SCOPES"].items():
        assert ":" in name
        assert str(description)
