"""The personal dashboard: where everybody lands after login (``LOGIN_REDIRECT_URL``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members.viewer import viewer_for

from .panels import panels_for

NOTIFICATIONS_PANEL = "notifications.unread"


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The panels of :mod:`cluster_portal.dashboard.panels` that apply to the person."""
    panels = panels_for(viewer_for(request.user))
    context: dict[str, object] = {
        "main_panels": [p for p in panels if p.panel.column == "main"],
        "side_panels": [p for p in panels if p.panel.column == "side"],
    }
    for panel in panels:
        if panel.key == NOTIFICATIONS_PANEL:
            # The navigation badge shows the same number: no second count.
            context["nav_unread_count"] = panel.context["unread_count"]
    return render(request, "dashboard/dashboard.html", context)
