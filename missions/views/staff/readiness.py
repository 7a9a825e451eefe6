"""The coordinators' readiness board of a mission (``missions_staff:readiness_board``): one row
per included delegate of accepted applications, attendance, each checklist item's state with its
due date, the delegate's overall state; a filter by state and the counts on top. Coordinators
also update an item from there (the same service as the delegate's page).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads (``can_read_missions_staff``), only coordinators change an item.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest

from ...forms.readiness import PERSONAL_DATA_NOTICE, ReadinessItemForm
from ...models import Mission, ReadinessItem
from ...permissions import can_coordinate_missions, can_read_missions_staff
from ...selectors import readiness as selectors
from ...services import readiness as services


def _mission(request: AuthenticatedRequest, mission_id: int) -> Mission:
    if not can_read_missions_staff(request.user):
        raise PermissionDenied
    return get_object_or_404(Mission, pk=mission_id)


def board_url(mission: Mission | int, state: str = "") -> str:
    url = reverse("missions_staff:readiness_board", args=[getattr(mission, "pk", mission)])
    return f"{url}?state={state}" if state else url


def _render_board(request: AuthenticatedRequest, mission: Mission) -> HttpResponse:
    board = selectors.readiness_board(mission=mission, state=request.GET.get("state", ""))
    return render(
        request,
        "missions/staff/readiness_board.html",
        {
            "mission": mission,
            "board": board,
            "can_update": can_coordinate_missions(request.user),
        },
    )


@login_required
@require_GET
def readiness_board(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    return _render_board(request, _mission(request, mission_id))


@login_required
@require_GET
def readiness_item_form(
    request: AuthenticatedRequest, mission_id: int, item_id: int
) -> HttpResponse:
    """One item's form on its own page: the board links each cell here rather than carrying
    a form per cell (a board of 40 delegates would hold 200 forms)."""
    mission = _mission(request, mission_id)
    if not can_coordinate_missions(request.user):
        raise PermissionDenied
    item = _item(mission, item_id)
    return _render_item(request, mission, item, ReadinessItemForm(prefix="item", item=item))


def _item(mission: Mission, item_id: int) -> ReadinessItem:
    item = (
        ReadinessItem.objects.select_related(
            "delegate__person", "delegate__application__organization", "delegate__mission"
        )
        .filter(pk=item_id, delegate__mission=mission)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _render_item(
    request: AuthenticatedRequest,
    mission: Mission,
    item: ReadinessItem,
    form: BaseForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "missions/staff/readiness_item.html",
        {
            "mission": mission,
            "item": item,
            "delegate": item.delegate,
            "form": form,
            "personal_data_notice": PERSONAL_DATA_NOTICE,
        },
        status=status,
    )


@login_required
@require_POST
def readiness_item_update(
    request: AuthenticatedRequest, mission_id: int, item_id: int
) -> HttpResponse:
    mission = _mission(request, mission_id)
    item = _item(mission, item_id)
    form = ReadinessItemForm(request.POST, prefix="item", item=item)
    return run_action(
        request,
        form=form,
        service=lambda data: services.readiness_item_update(
            actor=request.user, item=item, data=data
        ),
        success=_("%(item)s of %(person)s updated.")
        % {"item": item.get_kind_display(), "person": item.delegate.person},
        redirect_to=board_url(mission),
        render_invalid=lambda bound: _render_item(request, mission, item, bound, status=400),
    )
