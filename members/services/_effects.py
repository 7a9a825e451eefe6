"""Recipients shared by the membership and team services' notifications."""

from __future__ import annotations

from ..models import User


def staff_recipients() -> list[User]:
    """The secretariat: every active staff account."""
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
