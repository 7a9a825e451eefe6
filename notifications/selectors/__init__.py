"""Reads of the notifications app (permission-scoped where a user asks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import QuerySet
from django.http import Http404

from ..events import Category, Frequency, configurable_categories, get_category
from ..models import Notification, NotificationPreference
from ..permissions import can_view_notification

if TYPE_CHECKING:
    from members.models import User
    from members.viewer import Viewer


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's inbox, newest first. Title and body are written from the row alone (stored
    text or context, see ``Notification.localized_title``): no joins, no query per row."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    """One notification of the user; Http404 for anyone else's (its existence is not revealed)."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or not can_view_notification(user, notification):
        raise Http404
    return notification


def unread_count_for_user(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def frequencies_for_users(*, user_ids: list[int], category: Category) -> dict[int, str]:
    """Email frequency for ``category`` per user id (one query; default when no row)."""
    result = dict.fromkeys(user_ids, category.default_frequency)
    if not category.configurable:
        return dict.fromkeys(user_ids, Frequency.IMMEDIATE)
    result.update(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, category=category.code
        ).values_list("user_id", "frequency")
    )
    return result


def preferences_for_user(*, user: User) -> dict[str, str]:
    """Frequency per configurable category code for the preferences form."""
    stored = dict(
        NotificationPreference.objects.filter(user=user).values_list("category", "frequency")
    )
    return {c.code: stored.get(c.code, c.default_frequency) for c in configurable_categories()}


def unsubscribe_target_get(*, token: str) -> tuple[User, Category]:
    """The active person and configurable category a signed unsubscribe link names.

    Http404 for a tampered or malformed token, an unknown or inactive person, or a category
    that cannot be switched off (account and security messages): nothing is revealed.
    """
    from ..services import unsubscribe_token_load

    try:
        user_id, category_code = unsubscribe_token_load(token)
        category = get_category(category_code)
    except (signing.BadSignature, KeyError):
        raise Http404 from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not category.configurable:
        raise Http404
    return user, category


#: Unread notifications listed on the personal dashboard (the inbox has the rest).
DASHBOARD_NOTIFICATIONS = 5


def unread_panel(viewer: Viewer) -> dict[str, Any] | None:
    """The notifications panel of the personal dashboard (``cluster_portal.dashboard.panels``):
    the number of unread notifications and the newest few (two queries)."""
    if not viewer.is_authenticated:
        return None
    unread = Notification.objects.filter(recipient=viewer.user, read_at__isnull=True)
    return {
        "unread_count": unread.count(),
        "latest_unread": list(unread.order_by("-created_at", "-pk")[:DASHBOARD_NOTIFICATIONS]),
    }
