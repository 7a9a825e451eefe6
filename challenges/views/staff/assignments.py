"""The coordinator's assignment page of a call, ``/staff/challenges/calls/<id>/assignments/``:
each submitted proposal with its evaluators (status, due date, why), the conflicts the portal
detected for the pool's candidates (with reasons and overrides), a manual assignment form
(a flagged pair needs a written reason), "Assign automatically" (the solver, with k and the
sector mix from the call's settings, editable here), and removal.

Every staff role reads it (the auditor's included); only evaluation coordinators act (the
services check again). Evaluators and members get 404 (the staff gate), staff without a role 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.http import AuthenticatedRequest

from ...forms.assignments import AssignmentForm, EvaluationSettingsForm
from ...models import Assignment, Call, Evaluator
from ...permissions import can_coordinate_evaluation, can_read_challenges_staff
from ...selectors import assignments as selectors
from ...services import assignments as services
from ...services.assignments import ASSIGNABLE_CALL_STATUSES
from ...workflows import ASSIGNMENT


def rationale_text(item: dict[str, Any]) -> str:
    """One reason the evaluator got the proposal, as the coordinator reads it."""
    code, detail = item.get("code", ""), str(item.get("detail", ""))
    if code == "expertise":
        return _("Expertise: %(term)s") % {"term": detail}
    if code == "language":
        return _("Reviews in %(language)s") % {"language": detail}
    if code == "sector":
        label = dict(Evaluator.Sector.choices).get(detail, detail)
        return _("Sector mix: %(sector)s") % {"sector": label}
    if code == "load":
        return _("Load in this call: %(load)s") % {"load": detail}
    if code == "manual":
        return _("Chosen by %(person)s") % {"person": detail}
    if code == "override":
        return _("Conflict overridden: %(reason)s") % {"reason": detail}
    return detail


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_challenges_staff(request.user):
        raise PermissionDenied


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not can_coordinate_evaluation(request.user):
        raise PermissionDenied


def _page_url(call: Call) -> str:
    return reverse("challenges_staff:call_assignments", kwargs={"call_id": call.pk})


def _render(
    request: AuthenticatedRequest,
    call: Call,
    *,
    form: AssignmentForm | None = None,
    settings_form: EvaluationSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    board = selectors.assignment_board(call, page_number=request.GET.get("page", 1))
    can_act = can_coordinate_evaluation(request.user)
    for row in board.rows:
        for assignment in row.assignments:
            assignment.why = [rationale_text(item) for item in assignment.rationale or []]  # type: ignore[attr-defined]
            assignment.can_remove = can_act and any(  # type: ignore[attr-defined]
                a.transition.name == "remove" and a.allowed
                for a in ASSIGNMENT.actions_for(assignment, request.user)
            )
    return render(
        request,
        "challenges/staff/assignments_page.html",
        {
            "call": call,
            "board": board,
            "page_obj": board.page,
            "summary": [
                (ASSIGNMENT.state_label(status), ASSIGNMENT.state_badge(status), count)
                for status, count in board.summary.items()
                if count
            ],
            "can_act": can_act,
            "assignable": call.status in ASSIGNABLE_CALL_STATUSES,
            "form": form,
            "form_proposal_id": form["proposal"].value() if form is not None else None,
            "settings_form": settings_form or EvaluationSettingsForm(instance=call),
        },
        status=status,
    )


@login_required
@require_GET
def call_assignments(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_reader(request)
    call = get_object_or_404(Call, pk=call_id)
    return _render(request, call)


@login_required
@require_POST
def call_assignment_create(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    form = AssignmentForm(request.POST, call=call)
    if form.is_valid():
        try:
            assignment = services.assignment_create(
                actor=request.user,
                proposal=form.cleaned_data["proposal"],
                evaluator=form.cleaned_data["evaluator"],
                due_at=form.cleaned_data["due_at"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s now evaluates %(proposal)s.")
                % {
                    "person": assignment.evaluator.user.get_full_name(),
                    "proposal": selectors.proposal_label(assignment.proposal),
                },
            )
            return redirect(_page_url(call))
    return _render(request, call, form=form)


def _add_errors(form: AssignmentForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def call_assignments_auto(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    try:
        outcome = services.assignments_auto(actor=request.user, call=call)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_page_url(call))
    if outcome.feasible:
        messages.success(
            request,
            ngettext(
                "%(count)s assignment made (%(kept)s kept), in %(seconds).1f s.",
                "%(count)s assignments made (%(kept)s kept), in %(seconds).1f s.",
                len(outcome.created),
            )
            % {
                "count": len(outcome.created),
                "kept": outcome.kept,
                "seconds": outcome.result.seconds,
            },
        )
    else:
        messages.error(request, _("No assignment was made: the rules cannot all be met."))
        for reason in outcome.result.reasons:
            messages.warning(request, reason)
    return redirect(_page_url(call))


@login_required
@require_POST
def call_assignment_settings(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    form = EvaluationSettingsForm(request.POST, instance=Call.objects.get(pk=call.pk))
    if not form.is_valid():
        return _render(request, call, settings_form=form)
    data: dict[str, Any] = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
    services.evaluation_settings_update(actor=request.user, call=call, data=data)
    messages.success(request, _("The evaluation settings were saved."))
    return redirect(_page_url(call))


@login_required
@require_POST
def call_assignment_remove(
    request: AuthenticatedRequest, call_id: int, assignment_id: int
) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    assignment = get_object_or_404(Assignment, pk=assignment_id, call=call)
    try:
        services.assignment_remove(
            actor=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The assignment was removed."))
    return redirect(_page_url(call))
