"""The evaluator pool under ``/staff/challenges/evaluators/`` (list, add a person, invite an
outside expert, edit, deactivate) and the redacted texts of a proposal for blind review
(``/staff/challenges/proposals/<id>/redact/``).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication.
Evaluation coordinators act; the auditor reads the pool (as on every staff area); other staff
roles get a 403. The services check again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cluster_portal.core import roles
from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from members.permissions import has_staff_permission

from ...forms.evaluation import (
    EvaluatorAddForm,
    EvaluatorInviteForm,
    EvaluatorProfileForm,
    RedactForm,
)
from ...models import RedactedText
from ...permissions import can_coordinate_evaluation
from ...selectors import evaluation as selectors
from ...selectors.proposals import staff_proposal_get
from ...services import evaluation as services


def _require_reader(request: AuthenticatedRequest) -> None:
    user = request.user
    if not (can_coordinate_evaluation(user) or has_staff_permission(user, roles.VIEW_AUDIT_LOG)):
        raise PermissionDenied


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not can_coordinate_evaluation(request.user):
        raise PermissionDenied


def _list_url() -> str:
    return reverse("challenges_staff:evaluator_list")


def _profile(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "expertise": data.get("expertise") or [],
        "languages": data["languages"],
        "sector": data["sector"],
        "max_load": data["max_load"],
    }


@login_required
@require_safe
def evaluator_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_reader(request)
    page_obj = selectors.evaluator_pool_page(request.GET)
    return render(
        request,
        "challenges/staff/evaluators_list.html",
        {
            "page_obj": page_obj,
            "evaluators": page_obj.object_list,
            "query": request.GET.get("q", ""),
            "active": request.GET.get("active", ""),
            "can_coordinate": can_coordinate_evaluation(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluator_add(request: AuthenticatedRequest) -> HttpResponse:
    _require_coordinator(request)

    def page(form: EvaluatorAddForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/evaluators_form.html",
            {"form": form, "mode": "add"},
            status=status,
        )

    if request.method == "GET":
        return page(EvaluatorAddForm())
    return run_action(
        request,
        form=EvaluatorAddForm(request.POST),
        service=lambda data: services.evaluator_add(
            actor=request.user, user=data["email"], **_profile(data)
        ),
        success=lambda evaluator: (
            _("%(person)s was added to the evaluator pool.")
            % {"person": evaluator.user.get_full_name()}
        ),
        redirect_to=_list_url(),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluator_invite(request: AuthenticatedRequest) -> HttpResponse:
    _require_coordinator(request)

    def page(form: EvaluatorInviteForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/evaluators_form.html",
            {"form": form, "mode": "invite"},
            status=status,
        )

    if request.method == "GET":
        return page(EvaluatorInviteForm())
    return run_action(
        request,
        form=EvaluatorInviteForm(request.POST),
        service=lambda data: services.evaluator_invite(
            actor=request.user,
            email=data["email"],
            full_name=data["full_name"],
            language=data["language"],
            **_profile(data),
        ),
        success=lambda invited: (
            _("%(person)s was invited: an email with a link to choose a password is on its way.")
            % {"person": invited.evaluator.user.get_full_name()}
        ),
        redirect_to=_list_url(),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluator_edit(request: AuthenticatedRequest, evaluator_id: int) -> HttpResponse:
    _require_reader(request)
    evaluator = selectors.evaluator_get(evaluator_id)

    def page(form: EvaluatorProfileForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/evaluators_form.html",
            {
                "form": form,
                "mode": "edit",
                "evaluator": evaluator,
                "can_coordinate": can_coordinate_evaluation(request.user),
            },
            status=status,
        )

    if request.method == "GET":
        return page(EvaluatorProfileForm(initial=EvaluatorProfileForm.initial_for(evaluator)))
    _require_coordinator(request)
    return run_action(
        request,
        form=EvaluatorProfileForm(request.POST),
        service=lambda data: services.evaluator_update(
            actor=request.user, evaluator=evaluator, **_profile(data)
        ),
        success=_("Saved."),
        redirect_to=reverse("challenges_staff:evaluator_edit", args=[evaluator.pk]),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )


@login_required
@require_POST
def evaluator_active(request: AuthenticatedRequest, evaluator_id: int) -> HttpResponse:
    _require_coordinator(request)
    evaluator = selectors.evaluator_get(evaluator_id)
    active = request.POST.get("active") == "1"
    return run_action(
        request,
        service=lambda data: services.evaluator_set_active(
            actor=request.user, evaluator=evaluator, active=active
        ),
        success=(
            _("The evaluator was reactivated.")
            if active
            else _("The evaluator was deactivated: no new assignments.")
        ),
        redirect_to=reverse("challenges_staff:evaluator_edit", args=[evaluator.pk]),
    )


# --- Redacted texts ------------------------------------------------------------------------------


def _redact_fields(proposal: Any) -> list[tuple[str, str, str]]:
    """(field, label, original text) of every redactable text of the proposal."""
    labels = {
        "title": _("Title"),
        "summary": _("Summary"),
        "technical_approach": _("Technical approach"),
        "team": _("Team"),
    }
    answers = {a.question_id: a.value for a in proposal.answers.all()}
    rows: list[tuple[str, str, str]] = []
    for name in services.redactable_fields(proposal):
        if name in labels:
            rows.append((name, str(labels[name]), str(getattr(proposal, name) or "")))
            continue
        question_id = int(name.removeprefix("answer_"))
        question = next(q for q in proposal.call.questions.all() if q.pk == question_id)
        value = answers.get(question_id, "")
        rows.append((name, question.localized_label, "" if value in (None, []) else str(value)))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def proposal_redact(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    _require_reader(request)
    proposal = staff_proposal_get(proposal_id=proposal_id)
    fields = _redact_fields(proposal)
    current = dict(RedactedText.objects.filter(proposal=proposal).values_list("field", "text"))

    def page(form: RedactForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/evaluators_redact.html",
            {
                "proposal": proposal,
                "form": form,
                "can_coordinate": can_coordinate_evaluation(request.user),
            },
            status=status,
        )

    if request.method == "GET":
        return page(RedactForm(fields=fields, current=current))
    _require_coordinator(request)
    return run_action(
        request,
        form=RedactForm(request.POST, fields=fields, current=current),
        service=lambda data: services.redacted_texts_set(
            actor=request.user, proposal=proposal, texts=data
        ),
        success=_("The redacted texts were saved. Evaluators of a blind call read them."),
        redirect_to=reverse("challenges_staff:proposal_redact", args=[proposal.pk]),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )
