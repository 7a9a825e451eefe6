"""Values every template may use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .middleware import MFA_SETUP_PENDING_ATTR


class UnreadCount:
    """The navigation badge's unread count: one ``COUNT`` query, run only if a template asks.

    Django templates call callables, so pages without the navigation (htmx fragments, emails,
    JSON) never pay for it; the value is kept after the first call. Anonymous visitors, and staff
    members who still have to set up two-factor authentication (they may see nothing but their
    account pages, ``core.middleware.StaffMFARequiredMiddleware``), get 0 without a query.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = self._count()
        return self.value

    def _count(self) -> int:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        if getattr(self.request, MFA_SETUP_PENDING_ATTR, False):
            return 0
        from notifications.selectors import unread_count_for_user

        return unread_count_for_user(user=user)


def portal(request: HttpRequest) -> dict[str, object]:
    """Values every template may use.

    ``viewer`` is what the person is (organizations and roles, staff permissions: see
    ``members.viewer``), computed on first use and shared with the view's own predicates.
    ``nav_unread_count`` is the navigation badge's number, rendered inline (no second request
    per page; see :class:`UnreadCount`); a view that already counted (the inbox) passes the
    number instead.
    """
    user = getattr(request, "user", None) or AnonymousUser()

    def viewer() -> Any:
        from members.viewer import viewer_for

        return viewer_for(user)

    return {
        "SITE_URL": settings.SITE_URL,
        "PORTAL_NAME_SHORT": "CMSP",
        "viewer": SimpleLazyObject(viewer),
        "nav_unread_count": UnreadCount(request),
    }
