"""Pages of proposals and consortia: "My proposals", starting a proposal from a call, the
proposal page (edit with htmx autosave, files, consortium, submission checklist and the lead's
actions), a partner's page to answer, and the receipt (printable page and PDF).

Views are thin: the services decide and refuse (``challenges.services.proposals``); the pages
ask the lifecycle tables which actions to show (``PROPOSAL.actions_for(..., audience="lead")``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import redirect_after_post, run_action
from cluster_portal.core.forms import add_service_error, error_text
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import Action
from members.models import Organization, OrganizationMember
from members.viewer import viewer_for

from .. import permissions
from ..forms.proposals import (
    LeadOrganizationForm,
    PartnerConfirmForm,
    PartnerInviteForm,
    ProposalFileForm,
    ProposalForm,
    ReasonForm,
)
from ..models import Call, CallQuestion, Proposal, ProposalPartner
from ..receipts import receipt_context, receipt_pdf
from ..selectors import proposals as selectors
from ..selectors.calls import deadline_for
from ..services import proposals as services
from ..workflows import EDITABLE, PARTNER, PARTNER_ACTIVE_TAG, PROPOSAL, before_deadline

#: Most organizations offered by the partner search.
PARTNER_SEARCH_LIMIT = 20


def proposal_detail_url(proposal: Proposal) -> str:
    return reverse("challenges:proposal_detail", kwargs={"proposal_id": proposal.pk})


# --- My proposals ----------------------------------------------------------------------------


@login_required
@require_GET
def proposal_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "challenges/proposals/proposal_list.html",
        {
            "rows": selectors.proposals_for_user(user=request.user),
            "invitations": selectors.partnership_invitations_for_user(user=request.user),
            "now": timezone.now(),
        },
    )


# --- Start a proposal ------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadOption:
    organization: Organization
    eligibility: Any
    open_now: bool


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Choose which of the person's organizations leads; each shows the call's rules for it."""
    call = get_object_or_404(Call.objects.prefetch_related("extensions"), code=code)
    if not permissions.can_view_call(request.user, call):
        raise Http404
    viewer = viewer_for(request.user)
    organizations = list(
        Organization.objects.filter(pk__in=viewer.organization_ids).order_by("legal_name")
    )
    options = [
        LeadOption(
            organization=o,
            eligibility=selectors.eligibility_to_start(call, o),
            open_now=services.call_accepts_proposals_from(call, o.pk),
        )
        for o in organizations
    ]
    may_lead = [o.organization for o in options if o.eligibility.may_start and o.open_now]
    form = LeadOrganizationForm(request.POST or None, organizations=may_lead)

    def render_page(form: BaseForm) -> HttpResponse:
        return render(
            request,
            "challenges/proposals/proposal_create.html",
            {"call": call, "options": options, "form": form, "may_lead": may_lead},
        )

    if request.method == "GET":
        return render_page(form)
    if form.is_valid():
        organization = next(o for o in may_lead if o.pk == form.cleaned_data["organization"])
        try:
            proposal = services.proposal_create(
                actor=request.user, call=call, lead_organization=organization
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error_text(error) if isinstance(error, ValidationError) else str(error)
            )
            return render_page(form)
        messages.success(request, _("Your draft proposal is ready. It saves as you type."))
        return redirect_after_post(request, proposal_detail_url(proposal))
    return render_page(form)


# --- The proposal page -----------------------------------------------------------------------


def _file_questions(proposal: Proposal) -> list[CallQuestion]:
    return [q for q in proposal.call.questions.all() if q.kind == CallQuestion.Kind.FILE]


def _partner_candidates(proposal: Proposal, query: str) -> list[Organization]:
    """Active member organizations matching ``query`` that are not in the consortium yet."""
    active = {
        p.organization_id for p in proposal.partners.all() if PARTNER.has_tag(p, PARTNER_ACTIVE_TAG)
    }
    queryset = Organization.objects.filter(
        membership_status=Organization.MembershipStatus.ACTIVE,
        pk__in=OrganizationMember.objects.filter(role=OrganizationMember.Role.ADMIN).values(
            "organization_id"
        ),
    ).exclude(pk__in=[proposal.lead_organization_id, *active])
    if query:
        queryset = queryset.filter(legal_name__icontains=query) | queryset.filter(
            trade_name__icontains=query
        )
    return list(queryset.order_by("legal_name")[:PARTNER_SEARCH_LIMIT])


def _detail_context(
    request: AuthenticatedRequest,
    proposal: Proposal,
    *,
    form: ProposalForm | None = None,
    invite_form: PartnerInviteForm | None = None,
    file_form: ProposalFileForm | None = None,
) -> dict[str, Any]:
    user = request.user
    editable = (
        PROPOSAL.has_tag(proposal, EDITABLE)
        and bool(permissions.can_edit_proposal(user, proposal))
        and bool(before_deadline(proposal))
    )
    is_lead_admin = permissions.is_lead_admin(user, proposal)
    attachments = selectors.proposal_attachments(proposal)
    partners = list(proposal.partners.all())
    query = str(request.GET.get("partner_q") or "").strip()[:100]
    candidates = _partner_candidates(proposal, query) if editable and is_lead_admin else []
    questions = {q.pk: q for q in proposal.call.questions.all()}
    return {
        "proposal": proposal,
        "call": proposal.call,
        "deadline": deadline_for(proposal.call, proposal.lead_organization_id),
        "editable": editable,
        "is_lead_admin": is_lead_admin,
        "is_lead_member": permissions.is_lead_member(user, proposal),
        "form": form or ProposalForm(proposal=proposal, disabled=not editable),
        "file_questions": _file_questions(proposal),
        "file_form": file_form
        or ProposalFileForm(questions=_file_questions(proposal), auto_id="file_%s"),
        "attachments": [(a, questions.get(_question_id(a.purpose) or 0)) for a in attachments],
        "partners": [(p, PARTNER.actions_for(p, user, audience="lead")) for p in partners],
        "letters": selectors.commitment_letters(partners),
        "partner_query": query,
        "candidates": candidates,
        "invite_form": invite_form
        or PartnerInviteForm(organizations=candidates, auto_id="invite_%s"),
        **_submission_context(request, proposal, attachments=attachments),
        "eligibility": selectors.lead_eligibility(proposal),
        "submissions": list(proposal.submissions.order_by("-number")[:1]),
    }


def _submission_context(
    request: AuthenticatedRequest, proposal: Proposal, *, attachments: list[Any] | None = None
) -> dict[str, Any]:
    """The submission checklist and the lead's actions. While the checklist lists anything,
    Submit is shown refused with the number of items (``submit_needs_checklist``: the reason
    links to the checklist); the service refuses it too."""
    checklist = (
        selectors.submission_checklist(proposal, attachments=attachments)
        if PROPOSAL.has_tag(proposal, EDITABLE)
        else []
    )
    lead_actions: list[Action] = []
    needs_checklist = False
    if permissions.is_lead_member(request.user, proposal):
        lead_actions = PROPOSAL.actions_for(proposal, request.user, audience="lead")
        for index, action in enumerate(lead_actions):
            if action.name == "submit" and action.allowed and checklist:
                reason = ngettext(
                    "Complete the %(count)s item of the checklist first.",
                    "Complete the %(count)s items of the checklist first.",
                    len(checklist),
                ) % {"count": len(checklist)}
                lead_actions[index] = replace(action, allowed=False, reason=reason)
                needs_checklist = True
    return {
        "checklist": checklist,
        "lead_actions": lead_actions,
        "submit_needs_checklist": needs_checklist,
    }


def _question_id(purpose: str) -> int | None:
    prefix = "answer_"
    return int(purpose[len(prefix) :]) if purpose.startswith(prefix) else None


@login_required
@require_GET
def proposal_detail(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    return render(
        request, "challenges/proposals/proposal_detail.html", _detail_context(request, proposal)
    )


@login_required
@require_POST
def proposal_save(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """Save the draft: a full POST (Save button) or the htmx autosave as the person types.
    htmx gets the status fragment (saved at, the new version; or the conflict/refusal); a
    stale version saves nothing."""
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    form = ProposalForm(request.POST, proposal=proposal)
    htmx = bool(getattr(request, "htmx", False))
    status: dict[str, Any] = {"proposal": proposal}
    if form.is_valid():
        try:
            proposal = services.proposal_update(
                actor=request.user,
                proposal=proposal,
                data=form.service_data(),
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
            )
            status = {"proposal": proposal, "saved": True}
        except services.ProposalConflict as conflict:
            status = {"proposal": proposal, "conflict": str(conflict.messages[0])}
        except PermissionDenied as error:
            status = {"proposal": proposal, "refused": str(error) or _("You may not do this.")}
        except ValidationError as error:
            if error.code == "invalid_transition" or not hasattr(error, "error_dict"):
                status = {"proposal": proposal, "refused": error_text(error)}
            else:
                add_service_error(form, error)
                status = {"proposal": proposal, "invalid": form}
    else:
        status = {"proposal": proposal, "invalid": form}
    if htmx:
        # Always 200: htmx swaps only successful responses; the fragment says what happened.
        if status.get("saved"):
            # The checklist and the lead's actions (Submit waits for the checklist) follow the
            # saved draft, read again with its new answers.
            fresh = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal.pk)
            status.update(_submission_context(request, fresh), proposal=fresh, oob=True)
        response = render(request, "challenges/partials/proposals_save_status.html", status)
        if "conflict" in status:
            response["X-Proposal-Conflict"] = "1"
        return response
    if status.get("saved"):
        messages.success(request, _("The proposal was saved."))
        return redirect_after_post(request, proposal_detail_url(proposal))
    if "conflict" in status:
        messages.error(request, status["conflict"])
        return redirect_after_post(request, proposal_detail_url(proposal))
    if "refused" in status:
        messages.error(request, status["refused"])
        return redirect_after_post(request, proposal_detail_url(proposal))
    context = _detail_context(request, proposal, form=form)
    return render(request, "challenges/proposals/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_file_add(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    questions = _file_questions(proposal)
    form = ProposalFileForm(request.POST, request.FILES, questions=questions, auto_id="file_%s")
    by_id = {q.pk: q for q in questions}
    return run_action(
        request,
        form=form,
        service=lambda data: services.proposal_file_add(
            actor=request.user,
            proposal=proposal,
            uploaded_file=data["file"],
            question=by_id.get(int(data["question"])) if data.get("question") else None,
        ),
        success=_("The file was added."),
        redirect_to=proposal_detail_url(proposal) + "#files",
        render_invalid=lambda form: render(
            request,
            "challenges/proposals/proposal_detail.html",
            _detail_context(request, proposal, file_form=form),  # type: ignore[arg-type]
            status=400,
        ),
    )


@login_required
@require_POST
def proposal_file_remove(
    request: AuthenticatedRequest, proposal_id: int, attachment_id: uuid.UUID
) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    attachment = next(
        (a for a in selectors.proposal_attachments(proposal) if a.pk == attachment_id), None
    )
    if attachment is None:
        raise Http404
    return run_action(
        request,
        service=lambda data: services.proposal_file_remove(
            actor=request.user, proposal=proposal, attachment=attachment
        ),
        success=_("The file was removed."),
        redirect_to=proposal_detail_url(proposal) + "#files",
    )


# --- The lead's actions ----------------------------------------------------------------------

_LEAD_SERVICES = {
    "submit": (
        lambda actor, proposal, data: services.proposal_submit(actor=actor, proposal=proposal),
        "The proposal was submitted. The receipt is on its way to your inbox.",
    ),
    "unsubmit": (
        lambda actor, proposal, data: services.proposal_unsubmit(actor=actor, proposal=proposal),
        "The proposal is a draft again. Submit it again before the deadline.",
    ),
    "withdraw": (
        lambda actor, proposal, data: services.proposal_withdraw(
            actor=actor, proposal=proposal, reason=data.get("reason", "")
        ),
        "The proposal was withdrawn.",
    ),
}


@login_required
@require_POST
def proposal_action(request: AuthenticatedRequest, proposal_id: int, action: str) -> HttpResponse:
    if action not in _LEAD_SERVICES:
        raise Http404
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    run, success = _LEAD_SERVICES[action]
    url = proposal_detail_url(proposal)
    if action == "submit":
        url = reverse("challenges:proposal_receipt", kwargs={"proposal_id": proposal.pk})
    try:
        run(request.user, proposal, {"reason": request.POST.get("reason", "")[:1000]})
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
        return redirect_after_post(request, proposal_detail_url(proposal))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect_after_post(request, proposal_detail_url(proposal) + "#checklist")
    messages.success(request, _(success))
    return redirect_after_post(request, url)


# --- Consortium ------------------------------------------------------------------------------


@login_required
@require_POST
def partner_invite(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    candidates = _partner_candidates(proposal, "")
    # Any active member with an admin may be posted, not only the first page of the search.
    try:
        chosen_id = int(request.POST.get("organization") or 0)
    except ValueError:
        chosen_id = 0
    chosen = Organization.objects.filter(pk=chosen_id).first()
    organizations = [*candidates, chosen] if chosen and chosen not in candidates else candidates
    form = PartnerInviteForm(request.POST, organizations=organizations, auto_id="invite_%s")
    return run_action(
        request,
        form=form,
        service=lambda data: services.partner_invite(
            actor=request.user,
            proposal=proposal,
            organization=next(o for o in organizations if o.pk == data["organization"]),
            role=data["role"],
            budget_share=data.get("budget_share"),
            message=data.get("message", ""),
        ),
        success=_("The invitation was sent to the organization's admins."),
        redirect_to=proposal_detail_url(proposal) + "#consortium",
        render_invalid=lambda form: render(
            request,
            "challenges/proposals/proposal_detail.html",
            _detail_context(request, proposal, invite_form=form),  # type: ignore[arg-type]
            status=400,
        ),
    )


@login_required
@require_POST
def partner_remove(request: AuthenticatedRequest, partner_id: int) -> HttpResponse:
    found = get_object_or_404(ProposalPartner, pk=partner_id)
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=found.proposal_id)
    partner = next(p for p in proposal.partners.all() if p.pk == partner_id)
    return run_action(
        request,
        service=lambda data: services.partner_remove(actor=request.user, partner=partner),
        success=_("The partner was removed from the consortium."),
        redirect_to=proposal_detail_url(proposal) + "#consortium",
    )


def _partner_context(
    request: AuthenticatedRequest, partner: ProposalPartner, **forms: Any
) -> dict[str, Any]:
    actions = PARTNER.actions_for(partner, request.user, audience="partner")
    return {
        "partner": partner,
        "proposal": partner.proposal,
        "call": partner.proposal.call,
        "deadline": deadline_for(partner.proposal.call, partner.proposal.lead_organization_id),
        "actions": {a.name: a for a in actions},
        "confirm_form": forms.get("confirm_form") or PartnerConfirmForm(auto_id="confirm_%s"),
        "decline_form": forms.get("decline_form") or ReasonForm(auto_id="decline_%s"),
        "leave_form": forms.get("leave_form") or ReasonForm(auto_id="leave_%s"),
        "letter": selectors.commitment_letters([partner]).get(partner.pk),
    }


@login_required
@require_http_methods(["GET", "POST"])
def partner_answer(request: AuthenticatedRequest, partner_id: int) -> HttpResponse:
    """The partner organization's page: confirm with the commitment letter, decline, or leave."""
    partner = selectors.partner_get_for_user(user=request.user, partner_id=partner_id)
    if request.method == "GET":
        return render(
            request, "challenges/proposals/partner_answer.html", _partner_context(request, partner)
        )
    answer = request.POST.get("answer")
    here = reverse("challenges:partner_answer", kwargs={"partner_id": partner.pk})
    if answer == "confirm":
        form: BaseForm = PartnerConfirmForm(request.POST, request.FILES, auto_id="confirm_%s")

        def service(data: dict[str, Any]) -> Any:
            return services.partner_confirm(
                actor=request.user, partner=partner, commitment_letter=data["commitment_letter"]
            )

        success = _("Your organization confirmed the partnership.")
    elif answer in ("decline", "leave"):
        form = ReasonForm(request.POST, auto_id=f"{answer}_%s")
        run = services.partner_decline if answer == "decline" else services.partner_leave

        def service(data: dict[str, Any]) -> Any:
            return run(actor=request.user, partner=partner, reason=data.get("reason", ""))

        success = (
            _("Your organization declined the invitation.")
            if answer == "decline"
            else _("Your organization left the consortium.")
        )
    else:
        raise Http404
    return run_action(
        request,
        form=form,
        service=service,
        success=success,
        redirect_to=here,
        render_invalid=lambda form: render(
            request,
            "challenges/proposals/partner_answer.html",
            _partner_context(request, partner, **{f"{answer}_form": form}),
            status=400,
        ),
    )


# --- Receipt ---------------------------------------------------------------------------------


def _submitted_proposal(request: AuthenticatedRequest, proposal_id: int) -> Proposal:
    proposal = selectors.proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    if not proposal.reference or not proposal.submissions.exists():
        raise Http404
    return proposal


@login_required
@require_GET
def proposal_receipt(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    proposal = _submitted_proposal(request, proposal_id)
    return render(request, "challenges/proposals/proposal_receipt.html", receipt_context(proposal))


@login_required
@require_GET
def proposal_receipt_pdf(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    proposal = _submitted_proposal(request, proposal_id)
    response = HttpResponse(receipt_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proposal.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
