"""The mission coordinators' pages under ``/staff/missions/``: the list of missions with their
counts, creating and editing a mission, its selection criteria and quotas, and its page with
the lifecycle actions.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages (``can_read_missions_staff``; ``PermissionDenied`` otherwise), only
mission coordinators change anything (``can_coordinate_missions``; the services check again).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.peru import Region
from cluster_portal.core.workflows import ActionPanel
from members.models import Organization

from ...forms.missions import (
    EmptyForm,
    MissionForm,
    QuotasForm,
    ReasonForm,
    criteria_formset,
)
from ...models import Mission
from ...permissions import can_coordinate_missions, can_read_missions_staff
from ...selectors import missions as selectors
from ...services import missions as services
from ...workflows import MISSION

#: Lifecycle actions that ask for a reason.
REASON_ACTIONS = frozenset({"cancel"})


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_missions_staff(request.user):
        raise PermissionDenied


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not can_coordinate_missions(request.user):
        raise PermissionDenied


def _mission(request: AuthenticatedRequest, mission_id: int) -> Mission:
    return selectors.mission_get_for_staff(user=request.user, mission_id=mission_id)


def _detail_url(mission: Mission | int) -> str:
    return reverse("missions_staff:mission_detail", args=[getattr(mission, "pk", mission)])


def _with_country(mission: Mission) -> Mission:
    mission.country_name = selectors.country_name(mission.country)  # type: ignore[attr-defined]
    return mission


# --- List ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def mission_list(request: AuthenticatedRequest) -> HttpResponse:
    queue = selectors.mission_staff_queue(user=request.user, params=request.GET)
    context = queue.context("missions")
    context["missions"] = [_with_country(m) for m in queue.object_list]
    context["can_coordinate"] = can_coordinate_missions(request.user)
    return render(request, "missions/staff/mission_list.html", context)


# --- Creating and editing ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mission_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_coordinator(request)
    form = MissionForm(request.POST or None)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(request, "missions/staff/mission_form.html", {"form": f}, status=status)

    if request.method == "GET":
        return page(form)
    created: dict[str, Mission] = {}

    def create(data: dict[str, Any]) -> Mission:
        created["mission"] = services.mission_create(actor=request.user, data=form.service_data())
        return created["mission"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=lambda mission: (
            _(
                "Mission %(code)s was created as a draft. Set its selection criteria before "
                "publishing it."
            )
            % {"code": mission.code}
        ),
        redirect_to=reverse("missions_staff:mission_list"),
        render_invalid=lambda f: page(f, status=400),
    )
    if "mission" in created:
        return redirect(reverse("missions_staff:mission_rules", args=[created["mission"].pk]))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def mission_edit(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = _mission(request, mission_id)
    form = MissionForm(request.POST or None, instance=mission)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "missions/staff/mission_form.html",
            {"form": f, "mission": mission, "current": "edit"},
            status=status,
        )

    if request.method == "GET":
        return page(form)
    return run_action(
        request,
        form=form,
        service=lambda data: services.mission_update(
            actor=request.user, mission=mission, data=form.service_data()
        ),
        success=_("The mission was saved."),
        redirect_to=_detail_url(mission),
        render_invalid=lambda f: page(f, status=400),
    )


# --- Criteria and quotas -----------------------------------------------------------------------


def _rules_page(
    request: AuthenticatedRequest,
    mission: Mission,
    *,
    criteria: Any = None,
    quotas: QuotasForm | None = None,
    criteria_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    coordinate = can_coordinate_missions(request.user)
    return render(
        request,
        "missions/staff/mission_rules.html",
        {
            "mission": mission,
            "current": "rules",
            "can_coordinate": coordinate,
            "criteria_editable": coordinate and services.criteria_editable(mission),
            "quotas_editable": coordinate and services.selection_rules_editable(mission),
            "criteria_formset": criteria if criteria is not None else criteria_formset(mission),
            "quotas_form": quotas or QuotasForm(mission=mission),
            "criteria_errors": criteria_errors or [],
            "criteria": list(mission.criteria.all()),
            "quotas": list(mission.quotas.all()),
            "weight_total": sum(c.weight for c in mission.criteria.all()),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def mission_rules(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    return _rules_page(request, _mission(request, mission_id))


@login_required
@require_POST
def mission_criteria(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = _mission(request, mission_id)
    formset = criteria_formset(mission, request.POST)
    if not formset.is_valid():
        return _rules_page(request, mission, criteria=formset, status=400)
    # The formset's errors are shown by the page; the service's come back as a form error.
    holder = EmptyForm(request.POST)
    return run_action(
        request,
        form=holder,
        service=lambda data: services.mission_criteria_set(
            actor=request.user, mission=mission, criteria=formset.service_data()
        ),
        success=_("The selection criteria were saved."),
        redirect_to=reverse("missions_staff:mission_rules", args=[mission.pk]),
        render_invalid=lambda f: _criteria_refused(request, mission, formset, f),
    )


def _criteria_refused(
    request: AuthenticatedRequest, mission: Mission, formset: Any, form: BaseForm
) -> HttpResponse:
    errors = [str(e) for e in form.non_field_errors()]
    return _rules_page(request, mission, criteria=formset, criteria_errors=errors, status=400)


@login_required
@require_POST
def mission_quotas(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    _require_coordinator(request)
    mission = _mission(request, mission_id)
    form = QuotasForm(request.POST, mission=mission)
    return run_action(
        request,
        form=form,
        service=lambda data: services.mission_quotas_set(
            actor=request.user, mission=mission, quotas=form.service_data()
        ),
        success=_("The quotas were saved."),
        redirect_to=reverse("missions_staff:mission_rules", args=[mission.pk]),
        render_invalid=lambda f: _rules_page(request, mission, quotas=f, status=400),  # type: ignore[arg-type]
    )


# --- The mission's page ------------------------------------------------------------------------


def _action_form(name: str, data: Any = None) -> BaseForm:
    form_class = ReasonForm if name in REASON_ACTIONS else EmptyForm
    return form_class(data, prefix=name)


def _panels(
    request: AuthenticatedRequest, mission: Mission, form: BaseForm | None, failed: str
) -> list[ActionPanel]:
    return [
        ActionPanel(
            action=action,
            form=form if form is not None and action.name == failed else _action_form(action.name),
            url=reverse("missions_staff:mission_action", args=[mission.pk, action.name]),
        )
        for action in MISSION.actions_for(mission, request.user, audience="staff")
    ]


def _detail(
    request: AuthenticatedRequest,
    mission: Mission,
    *,
    form: BaseForm | None = None,
    failed: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "missions/staff/mission_detail.html",
        {
            "mission": _with_country(mission),
            "current": "summary",
            "can_coordinate": can_coordinate_missions(request.user),
            "panels": _panels(request, mission, form, failed),
            "criteria": list(mission.criteria.all()),
            "quotas": list(mission.quotas.all()),
            "application_counts": selectors.application_counts_by_status(mission=mission),
            "eligible_kinds": _labels(mission.eligible_kinds, dict(Organization.Kind.choices)),
            "eligible_regions": _labels(mission.eligible_regions, dict(Region.choices)),
        },
        status=status,
    )


def _labels(values: list[str], choices: dict[str, Any]) -> list[Any]:
    return [choices.get(v, v) for v in values]


@login_required
@require_http_methods(["GET"])
def mission_detail(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    return _detail(request, _mission(request, mission_id))


def _run_transition(request: AuthenticatedRequest, mission: Mission, action: str) -> Any:
    def run(data: dict[str, Any]) -> Any:
        if action == "cancel":
            return services.mission_cancel(
                actor=request.user, mission=mission, reason=data.get("reason", "")
            )
        if action == "publish_selection":
            from ...services.applications import selection_publish

            return selection_publish(actor=request.user, mission=mission)
        return services.LIFECYCLE_SERVICES[action](actor=request.user, mission=mission)

    return run


@login_required
@require_POST
def mission_action(request: AuthenticatedRequest, mission_id: int, action: str) -> HttpResponse:
    _require_coordinator(request)
    mission = _mission(request, mission_id)
    try:
        label = MISSION.transition(action).label
    except KeyError:
        raise Http404 from None
    if action not in services.LIFECYCLE_SERVICES and action not in {"cancel", "publish_selection"}:
        raise Http404
    return run_action(
        request,
        form=_action_form(action, request.POST),
        service=_run_transition(request, mission, action),
        success=_("Done: %(action)s.") % {"action": label},
        redirect_to=_detail_url(mission),
        render_invalid=lambda f: _detail(request, mission, form=f, failed=action, status=400),
    )
