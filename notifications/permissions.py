"""Who may do what with notifications: plain predicates shared by views, API and tasks."""

from __future__ import annotations

from typing import Any

from .models import Notification


def can_view_notification(user: Any, notification: Notification) -> bool:
    """Only the recipient sees (and marks read) a notification; staff included."""
    return bool(user.is_authenticated) and notification.recipient_id == user.pk
