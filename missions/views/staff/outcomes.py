"""The coordinators' outcome page of a mission (``missions_staff:outcomes``): one row per
delegate (contacts, agreements, business generated), the mission's totals (money per currency,
never soles plus dollars) and the agreements with their link to a project's impact ledger.
Every staff role reads it (``can_read_missions_staff``); it changes nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cluster_portal.core.http import AuthenticatedRequest

from ...models import Mission
from ...permissions import can_read_missions_staff
from ...selectors.outcomes import mission_outcomes


@login_required
@require_GET
def outcomes(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    if not can_read_missions_staff(request.user):
        raise PermissionDenied
    mission = get_object_or_404(Mission, pk=mission_id)
    return render(
        request,
        "missions/staff/outcomes.html",
        {"mission": mission, "outcomes": mission_outcomes(mission=mission)},
    )
