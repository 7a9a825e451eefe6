"""The coordinators' agenda page under ``/staff/missions/<id>/agenda/``: the agenda grouped by
the destination's days, each item in its local time and Lima's, with forms to add, edit,
cancel and (in a draft) delete items.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff reader of missions sees the page (``permissions.can_read_missions_staff``, 403
otherwise), only coordinators change anything (the services check again).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest

from ...forms.agenda import AgendaItemForm, CancelItemForm
from ...models import AgendaItem, Mission
from ...permissions import PUBLISHED_TAG, can_coordinate_missions, can_read_missions_staff
from ...selectors.agenda import agenda_days, agenda_for_display
from ...services import agenda as services
from ...workflows import MISSION


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_missions_staff(request.user):
        raise PermissionDenied


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not can_coordinate_missions(request.user):
        raise PermissionDenied


def _agenda_url(mission: Mission) -> str:
    return reverse("missions_staff:agenda", args=[mission.pk])


def _item(mission: Mission, item_id: int) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_id, mission=mission)


def _page(
    request: AuthenticatedRequest,
    mission: Mission,
    *,
    status: int = 200,
    add_form: BaseForm | None = None,
    cancel_form: tuple[int, BaseForm] | None = None,
) -> HttpResponse:
    rows = agenda_for_display(mission, include_addresses=True)
    can_edit = can_coordinate_missions(request.user) and MISSION.is_open(mission)
    failed_pk, failed_form = cancel_form or (None, None)
    return render(
        request,
        "missions/staff/agenda.html",
        {
            "mission": mission,
            "days": agenda_days(rows),
            "item_count": len(rows),
            "can_edit": can_edit,
            "can_delete": can_edit and not MISSION.has_tag(mission, PUBLISHED_TAG),
            "cancel_forms": {
                row.pk: failed_form
                if row.pk == failed_pk
                else CancelItemForm(prefix=f"cancel-{row.pk}")
                for row in rows
                if not row.cancelled
            },
            "add_form": add_form or (AgendaItemForm(mission=mission) if can_edit else None),
            "actions_template": "missions/staff/agenda_row_actions.html",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def agenda(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    _require_reader(request)
    return _page(request, get_object_or_404(Mission, pk=mission_id))


@login_required
@require_POST
def item_add(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = get_object_or_404(Mission, pk=mission_id)
    form = AgendaItemForm(request.POST, mission=mission)

    def create(data: dict[str, Any]) -> AgendaItem:
        try:
            return services.agenda_item_create(
                actor=request.user, mission=mission, data=form.service_data()
            )
        except ValidationError as error:
            raise form.service_error(error) from error

    return run_action(
        request,
        form=form,
        service=create,
        success=lambda item: _("“%(title)s” was added to the agenda.") % {"title": item.title},
        redirect_to=_agenda_url(mission),
        render_invalid=lambda f: _page(request, mission, status=400, add_form=f),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedRequest, mission_id: int, item_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = get_object_or_404(Mission, pk=mission_id)
    item = _item(mission, item_id)
    form = AgendaItemForm(request.POST or None, mission=mission, item=item)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "missions/staff/agenda_item_form.html",
            {"mission": mission, "item": item, "form": f},
            status=status,
        )

    if request.method == "GET":
        return page(form)

    def update(data: dict[str, Any]) -> AgendaItem:
        try:
            return services.agenda_item_update(
                actor=request.user, item=item, data=form.service_data()
            )
        except ValidationError as error:
            raise form.service_error(error) from error

    return run_action(
        request,
        form=form,
        service=update,
        success=lambda saved: _("“%(title)s” was saved.") % {"title": saved.title},
        redirect_to=_agenda_url(mission),
        render_invalid=lambda f: page(f, status=400),
    )


@login_required
@require_POST
def item_cancel(request: AuthenticatedRequest, mission_id: int, item_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = get_object_or_404(Mission, pk=mission_id)
    item = _item(mission, item_id)
    form = CancelItemForm(request.POST, prefix=f"cancel-{item.pk}")
    return run_action(
        request,
        form=form,
        service=lambda data: services.agenda_item_cancel(
            actor=request.user, item=item, reason=data["reason"]
        ),
        success=_("“%(title)s” was cancelled.") % {"title": item.title},
        redirect_to=_agenda_url(mission),
        render_invalid=lambda f: _page(request, mission, status=400, cancel_form=(item.pk, f)),
    )


@login_required
@require_POST
def item_delete(request: AuthenticatedRequest, mission_id: int, item_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = get_object_or_404(Mission, pk=mission_id)
    item = _item(mission, item_id)
    title = item.title
    return run_action(
        request,
        service=lambda data: services.agenda_item_delete(actor=request.user, item=item),
        success=_("“%(title)s” was deleted.") % {"title": title},
        redirect_to=_agenda_url(mission),
    )
