"""Request types shared by the apps' views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from members.models import User


class AuthenticatedRequest(HttpRequest):
    """What login-required views receive: ``user`` is a signed-in ``User`` (for the type
    checker; ``login_required`` or the staff checks make it true at run time)."""

    user: User
