"""The coordinator's decisions page of a call: every submitted proposal with its ranking
position, a decision (award / not selected) and feedback per proposal, pending until the
coordinator publishes them all in one batch; after publishing, the batch (when, who, rationale,
SHA-256) read only.

Any staff role reads the page (the auditor's included, like the ranking); only the evaluation
coordinator decides and publishes (the services refuse anyone else)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest

from ...forms.decisions import DecisionForm, PublishForm
from ...models import Call, Proposal
from ...permissions import can_coordinate_evaluation, can_read_challenges_staff
from ...selectors.decisions import decisions_board
from ...services import decisions as services


def decisions_url(call: Call) -> str:
    return reverse("challenges_staff:call_decisions", kwargs={"call_id": call.pk})


def _require_reader(request: HttpRequest) -> None:
    if not can_read_challenges_staff(request.user):
        raise PermissionDenied


def _require_coordinator(request: HttpRequest) -> None:
    if not can_coordinate_evaluation(request.user):
        raise PermissionDenied


def _prefix(proposal_id: int) -> str:
    return f"p{proposal_id}"


def _page(
    request: HttpRequest,
    call: Call,
    *,
    invalid: BaseForm | None = None,
    invalid_for: int | None = None,
    publish_form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    board = decisions_board(call)
    can_decide = (
        can_coordinate_evaluation(request.user)
        and board.batch is None
        and call.status == Call.Status.IN_EVALUATION
    )
    rows: list[tuple[Any, BaseForm | None]] = []
    for row in board.rows:
        form: BaseForm | None = None
        if can_decide and row.proposal.status == Proposal.Status.SUBMITTED:
            if invalid is not None and invalid_for == row.proposal.pk:
                form = invalid
            else:
                decision = row.decision
                form = DecisionForm(
                    prefix=_prefix(row.proposal.pk),
                    initial={
                        "outcome": decision.outcome if decision else None,
                        "feedback": decision.feedback if decision else row.draft,
                    },
                )
        rows.append((row, form))
    return render(
        request,
        "challenges/staff/decisions_page.html",
        {
            "call": call,
            "board": board,
            "rows": rows,
            "can_decide": can_decide,
            "publish_form": publish_form or PublishForm(),
        },
        status=status,
    )


@login_required
@require_GET
def call_decisions(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_reader(request)
    call = get_object_or_404(Call, pk=call_id)
    return _page(request, call)


@login_required
@require_POST
def decision_set(request: AuthenticatedRequest, call_id: int, proposal_id: int) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    proposal = get_object_or_404(Proposal.objects.select_related("call"), pk=proposal_id, call=call)
    form = DecisionForm(request.POST, prefix=_prefix(proposal.pk))
    return run_action(
        request,
        form=form,
        service=lambda data: services.decision_set(
            actor=request.user,
            proposal=proposal,
            outcome=data["outcome"],
            feedback=data["feedback"],
        ),
        success=_("Decision saved for %(proposal)s. It stays pending until you publish.")
        % {"proposal": proposal.reference or proposal.title},
        redirect_to=f"{decisions_url(call)}#proposal-{proposal.pk}",
        render_invalid=lambda f: _page(request, call, invalid=f, invalid_for=proposal.pk),
    )


@login_required
@require_POST
def decisions_publish(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_coordinator(request)
    call = get_object_or_404(Call, pk=call_id)
    return run_action(
        request,
        form=PublishForm(request.POST),
        service=lambda data: services.decisions_publish(
            actor=request.user, call=call, rationale=data["rationale"]
        ),
        success=_("The decisions were published: the applicants and their partners are told."),
        redirect_to=decisions_url(call),
        render_invalid=lambda f: _page(request, call, publish_form=f),
    )
