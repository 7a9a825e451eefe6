"""Guards for member-only features.

``@member_required`` (function views) and ``MemberRequiredMixin`` (class-based views) let in only
people of at least one organization whose membership is *active*
(:func:`members.permissions.is_cluster_member`). Visitors are sent to the login page; signed-in
people without an active organization — never a member, applicant, suspended or lapsed — get a
403 page that says why and where to go (apply, or see their organization's status).

Later features (calls for members only, missions, member-only knowledge) put this on their
views; a suspended organization's people lose them at once and get them back on reinstatement,
because the check reads the status on every request. Organization-scoped actions ask the
predicates in ``members.permissions`` instead (for example ``can_add_people``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import is_cluster_member

View = Callable[..., HttpResponse]


def member_only_denied(request: HttpRequest) -> HttpResponse:
    """The 403 page for signed-in people without an active member organization."""
    return render(request, "members/membership/member_required.html", status=403)


def member_required(view: View) -> View:
    """Let in only people of an active member organization (see module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_cluster_member(request.user):
            return member_only_denied(request)
        return view(request, *args, **kwargs)

    return wrapper


class MemberRequiredMixin(AccessMixin):
    """Class-based twin of :func:`member_required`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_cluster_member(request.user):
            return member_only_denied(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
