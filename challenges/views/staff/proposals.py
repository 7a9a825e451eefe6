"""The secretariat's pages of proposals: a call's proposal list (a staff queue: status tabs,
search, 25 a page) and a read-only proposal page. Any staff role reads them (the auditor's
included); proposals are reached from the call's staff page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ...models import Call
from ...permissions import can_coordinate_evaluation, can_read_challenges_staff
from ...selectors import proposals as selectors
from ...selectors.calls import deadline_for
from ...workflows import EDITABLE, PROPOSAL


def _require_staff(request: HttpRequest) -> None:
    if not can_read_challenges_staff(request.user):
        raise PermissionDenied


@login_required
@require_GET
def call_proposal_list(request: HttpRequest, call_id: int) -> HttpResponse:
    _require_staff(request)
    call = get_object_or_404(Call, pk=call_id)
    page = selectors.call_proposals_page(call, request.GET)
    return render(
        request,
        "challenges/staff/proposals_list.html",
        {"call": call, **page.context("proposals")},
    )


@login_required
@require_GET
def call_proposal_detail(request: HttpRequest, call_id: int, proposal_id: int) -> HttpResponse:
    _require_staff(request)
    proposal = selectors.staff_proposal_get(proposal_id=proposal_id, call_id=call_id)
    attachments = selectors.proposal_attachments(proposal)
    partners = list(proposal.partners.all())
    answers = {a.question_id: a.value for a in proposal.answers.all()}
    return render(
        request,
        "challenges/staff/proposals_detail.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "deadline": deadline_for(proposal.call, proposal.lead_organization_id),
            "questions": [(q, answers.get(q.pk, "")) for q in proposal.call.questions.all()],
            "attachments": attachments,
            "partners": partners,
            "letters": selectors.commitment_letters(partners),
            "submissions": list(proposal.submissions.all()),
            "checklist": selectors.submission_checklist(proposal, attachments=attachments)
            if PROPOSAL.has_tag(proposal, EDITABLE)
            else [],
            # In blind review the coordinator writes what evaluators read instead of the texts.
            "can_redact": proposal.call.blind_review and can_coordinate_evaluation(request.user),
        },
    )
