"""The evaluator's pages under ``/challenges/evaluations/``: "My evaluations" (the queue), the
declaration of conflicts of interest, the proposal as an evaluator may read it, its files, and
the scoring form.

Evaluators are not staff (an outside expert has a plain account and an Evaluator row): every
page is reached through the person's own assignment
(:func:`challenges.selectors.evaluation.assignment_get_for_evaluator`), a 404 for anything
else. What the proposal page shows in blind review is decided by
:func:`challenges.selectors.evaluation.evaluator_proposal`.
"""

from __future__ import annotations

from typing import Any

from auditlog.signals import accessed
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.files.models import Attachment
from cluster_portal.files.views import content_disposition

from ..forms.evaluation import DeclarationForm, ReviewForm
from ..models import Assignment
from ..selectors import evaluation as selectors
from ..services import evaluation as services
from ..workflows import ASSIGNMENT, REVIEWING


def _proposal_url(assignment: Assignment) -> str:
    return reverse("challenges:evaluation_proposal", kwargs={"assignment_id": assignment.pk})


def _review_url(assignment: Assignment) -> str:
    return reverse("challenges:evaluation_review", kwargs={"assignment_id": assignment.pk})


@login_required
@require_safe
def evaluation_list(request: AuthenticatedRequest) -> HttpResponse:
    assignments = selectors.my_evaluations(user=request.user)
    return render(
        request,
        "challenges/evaluation/evaluation_list.html",
        {"assignments": assignments, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_declare(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_evaluator(
        user=request.user, assignment_id=assignment_id
    )
    if ASSIGNMENT.has_tag(assignment, REVIEWING):
        return redirect(_proposal_url(assignment))
    template = "challenges/evaluation/evaluation_declare.html"

    def page(form: DeclarationForm, status: int = 200) -> HttpResponse:
        return render(request, template, {"assignment": assignment, "form": form}, status=status)

    if request.method == "GET":
        return page(DeclarationForm())
    form = DeclarationForm(request.POST)
    conflict = request.POST.get("declaration") == DeclarationForm.CONFLICT

    def service(data: dict[str, Any]) -> Assignment:
        if data["declaration"] == DeclarationForm.CONFLICT:
            return services.assignment_declare_conflict(
                actor=request.user,
                assignment=assignment,
                conflict_type=data["conflict_type"],
                note=data.get("note", ""),
            )
        return services.assignment_declare_no_conflict(actor=request.user, assignment=assignment)

    return run_action(
        request,
        form=form,
        service=service,
        success=(
            _("Thank you. The assignment has ended and the coordinator was told.")
            if conflict
            else _("Thank you. You can now read the proposal and score it.")
        ),
        redirect_to=(
            reverse("challenges:evaluation_list") if conflict else _proposal_url(assignment)
        ),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )


def _reviewing(request: AuthenticatedRequest, assignment_id: int) -> Assignment | HttpResponse:
    """The evaluator's assignment in review, or a redirect to the declaration first."""
    assignment = selectors.assignment_get_for_evaluator(
        user=request.user, assignment_id=assignment_id
    )
    if not ASSIGNMENT.has_tag(assignment, REVIEWING):
        return redirect(
            reverse("challenges:evaluation_declare", kwargs={"assignment_id": assignment.pk})
        )
    return assignment


@login_required
@require_safe
def evaluation_proposal(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    assignment = _reviewing(request, assignment_id)
    if isinstance(assignment, HttpResponse):
        return assignment
    shown = selectors.evaluator_proposal(assignment)
    return render(
        request,
        "challenges/evaluation/evaluation_proposal.html",
        {"assignment": assignment, "shown": shown},
    )


@login_required
@require_safe
def evaluation_file(
    request: AuthenticatedRequest, assignment_id: int, number: int
) -> HttpResponseBase:
    """A file of the proposal, never shown inline; in blind review under a neutral name
    ("Anexo 2.docx") with its metadata removed (``services.blind_file_content``)."""
    assignment = selectors.assignment_get_for_evaluator(
        user=request.user, assignment_id=assignment_id, reviewing=True
    )
    attachment, name = selectors.evaluator_file(assignment, number)
    accessed.send(sender=Attachment, instance=attachment)
    response: HttpResponseBase
    if assignment.call.blind_review:
        data, name, content_type = services.blind_file_content(attachment, name)
        response = HttpResponse(data, content_type=content_type)
    else:
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_review(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    assignment = _reviewing(request, assignment_id)
    if isinstance(assignment, HttpResponse):
        return assignment
    criteria = selectors.call_criteria(assignment)
    review = selectors.review_of(assignment)
    template = "challenges/evaluation/evaluation_review.html"
    names = {c.pk: c.localized_name for c in criteria}
    order = {c.pk: i for i, c in enumerate(criteria)}

    def page(form: ReviewForm, status: int = 200) -> HttpResponse:
        others = selectors.other_reviews(assignment)
        return render(
            request,
            template,
            {
                "assignment": assignment,
                "form": form,
                "review": review,
                "total": services.review_total(review, criteria) if review else None,
                "others": [
                    (
                        i,
                        other,
                        services.review_total(other, criteria),
                        [
                            (names.get(s.criterion_id, ""), s)
                            for s in sorted(
                                other.scores.all(), key=lambda s: order.get(s.criterion_id, 0)
                            )
                        ],
                    )
                    for i, other in enumerate(others, start=1)
                ],
                "scale": services.total_scale(criteria),
                "phase_open": services.review_phase_open(assignment.call),
                "submitted": assignment.status == Assignment.Status.SUBMITTED,
            },
            status=status,
        )

    if request.method == "GET":
        return page(ReviewForm(criteria=criteria, review=review))
    form = ReviewForm(request.POST, criteria=criteria, review=review)
    submit = "submit" in request.POST
    return run_action(
        request,
        form=form,
        service=lambda data: services.review_save(
            actor=request.user,
            assignment=assignment,
            scores=form.scores(),
            confidence=data.get("confidence"),
            comment=data.get("comment", ""),
            submit=submit,
        ),
        success=(
            _("Your review was submitted. You may edit it until the evaluation ends.")
            if submit and assignment.status != Assignment.Status.SUBMITTED
            else _("Your review was saved.")
        ),
        redirect_to=_review_url(assignment),
        render_invalid=lambda f: page(f, status=400),  # type: ignore[arg-type]
    )
