"""Inbox, unread badge, preferences and one-click unsubscribe. Thin: services do the writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from cluster_portal.core.forms import add_service_error

from .. import selectors, services
from ..forms import PreferencesForm
from ..models import Notification

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from members.models import User


class MemberRequest(HttpRequest):
    """What the login-required views receive (for the type checker)."""

    user: User
    htmx: HtmxDetails


PAGE_SIZE = 20
#: htmx event that makes the navigation badge reload itself.
CHANGED_EVENT = "notificationsChanged"


def _page(request: MemberRequest) -> Page[Notification]:
    paginator = Paginator(selectors.notifications_for_user(user=request.user), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@login_required
@require_GET
def inbox(request: MemberRequest) -> HttpResponse:
    page_obj = _page(request)
    unread_count = selectors.unread_count_for_user(user=request.user)
    return render(
        request,
        "notifications/notification_list.html",
        # The navigation badge shows the same number: one COUNT for both.
        {"page_obj": page_obj, "unread_count": unread_count, "nav_unread_count": unread_count},
    )


@login_required
@require_POST
def mark_read(request: MemberRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    if not request.htmx:
        return redirect("notifications:inbox")
    response = render(
        request,
        "notifications/partials/notification_item.html",
        {
            "notification": notification,
            "oob_summary": True,
            "unread_count": selectors.unread_count_for_user(user=request.user),
        },
    )
    return trigger_client_event(response, CHANGED_EVENT)


@login_required
@require_POST
def mark_all_read(request: MemberRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    if not request.htmx:
        messages.success(request, _("All notifications are marked as read."))
        return redirect("notifications:inbox")
    response = render(
        request,
        "notifications/partials/notification_list.html",
        {"page_obj": _page(request), "unread_count": 0},
    )
    return trigger_client_event(response, CHANGED_EVENT)


@login_required
@require_GET
def open_notification(request: MemberRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read (only the recipient's own; else 404)."""
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(target)


@require_GET
@never_cache
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The navigation badge, refreshed by htmx after an action changed it (pages render it inline).

    Anonymous visitors get an empty fragment, not a login page."""
    count = (
        selectors.unread_count_for_user(user=request.user) if request.user.is_authenticated else 0
    )
    return render(request, "notifications/partials/unread_badge.html", {"unread_count": count})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: MemberRequest) -> HttpResponse:
    initial = selectors.preferences_for_user(user=request.user)
    form = PreferencesForm(request.POST or None, initial_frequencies=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(user=request.user, frequencies=form.frequencies())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preference_form.html", {"form": form})


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST does it."""
    user, category = selectors.unsubscribe_target_get(token=token)
    done = False
    if request.method == "POST":
        services.preference_unsubscribe(user=user, category=category.code)
        done = True
    return TemplateResponse(
        request,
        "notifications/unsubscribe.html",
        {"category": category, "done": done, "token": token},
    )
