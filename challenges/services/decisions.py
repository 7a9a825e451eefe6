"""Writes of decisions: the coordinator's decision on each submitted proposal (pending until
published), the feedback drafted from the evaluators' comments, and the publication of a
call's decisions in one batch.

* :func:`decision_set` — award / not selected with feedback, re-settable while pending.
* :func:`feedback_draft` / :func:`feedback_drafts` — text drafted from the submitted reviews
  (criterion comments grouped, evaluators numbered, never named) for the coordinator to edit.
* :func:`decisions_publish` — in one transaction: the :class:`DecisionBatch` (the ranking as it
  stood, the rationale, and the SHA-256 of the canonical JSON of :func:`batch_document`), every
  decision linked to it, each proposal moved by the ``PROPOSAL`` table (``award`` /
  ``not_select``), the call by ``CALL`` ``decide``, the applicants' and partners' admins told
  (in-app + email through the outbox, each in their language), audited; partner systems of
  the organizations with a decided proposal get the ``results.published`` webhook. Once only:
  the batch is one per call, and a published decision never changes.

Refusals: ``PermissionDenied`` (who) or ``ValidationError`` (what; ``invalid_transition`` for a
call or proposal whose state does not allow it; one ``incomplete`` item per proposal without a
decision; ``too_many_awards``; ``published`` for a decision already published).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from members.models import OrganizationMember, User
from notifications.services import notify
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import permissions
from ..models import (
    Assignment,
    Call,
    Decision,
    DecisionBatch,
    Proposal,
    ProposalPartner,
    Review,
)
from ..workflows import CALL, PROPOSAL
from .proposals import snapshot_sha256

Outcome = Decision.Outcome

#: The lifecycle transition of the proposal for each outcome.
TRANSITION_FOR = {Outcome.AWARD: "award", Outcome.NOT_SELECTED: "not_select"}
#: The notification event for each outcome (challenges.notification_events).
EVENT_FOR = {
    Outcome.AWARD: "challenges.proposal_awarded",
    Outcome.NOT_SELECTED: "challenges.proposal_not_selected",
}
FEEDBACK_MAX_LENGTH = 10000
RATIONALE_MAX_LENGTH = 10000


# --- Helpers ---------------------------------------------------------------------------------


def _require_coordinator(actor: Any) -> None:
    if actor is None or not permissions.can_coordinate_evaluation(actor):
        raise PermissionDenied(_("Only the evaluation coordinator can do this."))


def _require_in_evaluation(call: Call) -> None:
    if call.status != Call.Status.IN_EVALUATION:
        raise ValidationError(
            _("The call is not in evaluation: decisions can no longer be set."),
            code="invalid_transition",
        )


def _proposal_url(proposal: Proposal) -> str:
    return reverse("challenges:proposal_detail", kwargs={"proposal_id": proposal.pk})


def _name(proposal: Proposal) -> str:
    return f"{proposal.reference} — {proposal.title}" if proposal.reference else proposal.title


# --- Decision per proposal -------------------------------------------------------------------


@transaction.atomic
def decision_set(*, actor: User, proposal: Proposal, outcome: str, feedback: str) -> Decision:
    """Set (or change, while pending) the decision on a submitted proposal of a call in
    evaluation. Nobody outside the secretariat sees it until the batch is published. Audited."""
    _require_coordinator(actor)
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("call").get(pk=proposal.pk)
    )
    _require_in_evaluation(proposal.call)
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(
            _("Only submitted proposals receive a decision."), code="invalid_transition"
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose award or not selected.")}, code="invalid")
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX_LENGTH:
        raise ValidationError(
            {
                "feedback": _("The feedback is too long (at most %(n)s characters).")
                % {"n": FEEDBACK_MAX_LENGTH}
            },
            code="invalid",
        )
    decision = Decision.objects.select_for_update().filter(proposal=proposal).first()
    before = ""
    if decision is None:
        decision = Decision(proposal=proposal)
    else:
        if decision.is_published:
            raise ValidationError(
                _("This decision was published: it can no longer change."), code="published"
            )
        before = decision.outcome
    decision.outcome = outcome
    decision.feedback = feedback
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    decision.full_clean(exclude=["proposal", "batch"])
    decision.save()
    audit_decision(
        actor=actor,
        target=proposal,
        action="proposal.decision_set",
        changes={"decision": (before, outcome)},
    )
    return decision


# --- Feedback drafts -------------------------------------------------------------------------


def _submitted_reviews(proposal_ids: Iterable[int]) -> list[Review]:
    return list(
        Review.objects.filter(
            assignment__proposal_id__in=list(proposal_ids),
            assignment__status=Assignment.Status.SUBMITTED,
        )
        .select_related("assignment")
        .prefetch_related("scores__criterion")
        .order_by("assignment__proposal_id", "assignment_id")
    )


def _draft_from(reviews: list[Review]) -> str:
    """Criterion comments grouped under each criterion, then the overall comments; evaluators
    numbered in a stable order ("Evaluator 1"), never named."""
    labels = {
        review.pk: _("Evaluator %(number)s") % {"number": n}
        for n, review in enumerate(reviews, start=1)
    }
    by_criterion: dict[Any, list[str]] = defaultdict(list)
    criteria: dict[int, Any] = {}
    for review in reviews:
        for score in review.scores.all():
            comment = score.comment.strip()
            if comment:
                criteria[score.criterion_id] = score.criterion
                by_criterion[score.criterion_id].append(f"- {labels[review.pk]}: {comment}")
    blocks: list[str] = []
    ordered = sorted(criteria.values(), key=lambda c: (c.position, c.pk))
    for criterion in ordered:
        blocks.append("\n".join([str(criterion.localized_name), *by_criterion[criterion.pk]]))
    general = [
        f"- {labels[r.pk]}: {r.comment.strip()}" for r in reviews if (r.comment or "").strip()
    ]
    if general:
        blocks.append("\n".join([_("General comments"), *general]))
    return "\n\n".join(blocks)


def feedback_drafts(proposal_ids: Iterable[int]) -> dict[int, str]:
    """Drafts for several proposals in a constant number of queries."""
    grouped: dict[int, list[Review]] = defaultdict(list)
    for review in _submitted_reviews(proposal_ids):
        grouped[review.assignment.proposal_id].append(review)
    return {pid: _draft_from(reviews) for pid, reviews in grouped.items()}


def feedback_draft(proposal: Proposal) -> str:
    """The feedback drafted from the proposal's submitted reviews (empty when there are none)."""
    return feedback_drafts([proposal.pk]).get(proposal.pk, "")


# --- Publication -----------------------------------------------------------------------------


def publication_errors(call: Call) -> list[ValidationError]:
    """What stops the publication, one item per problem (empty: it may be published)."""
    errors: list[ValidationError] = []
    if DecisionBatch.objects.filter(call=call).exists():
        return [
            ValidationError(
                _("The decisions of this call were already published."), code="published"
            )
        ]
    if call.status != Call.Status.IN_EVALUATION:
        return [
            ValidationError(
                _("The call is not in evaluation: its decisions cannot be published."),
                code="invalid_transition",
            )
        ]
    proposals = list(
        Proposal.objects.filter(call=call, status=Proposal.Status.SUBMITTED)
        .select_related("decision")
        .order_by("reference", "pk")
    )
    if not proposals:
        errors.append(
            ValidationError(_("The call has no submitted proposals to decide."), code="empty")
        )
    for proposal in proposals:
        if getattr(proposal, "decision", None) is None:
            errors.append(
                ValidationError(
                    _("No decision yet: %(proposal)s") % {"proposal": _name(proposal)},
                    code="incomplete",
                )
            )
    awards = sum(
        1
        for p in proposals
        if getattr(p, "decision", None) is not None and p.decision.outcome == Outcome.AWARD
    )
    if call.max_awards is not None and awards > call.max_awards:
        errors.append(
            ValidationError(
                _("%(awards)s proposals are awarded but the call allows at most %(max)s.")
                % {"awards": awards, "max": call.max_awards},
                code="too_many_awards",
            )
        )
    return errors


def _json(value: Any) -> Any:
    """Plain JSON (Decimals and dates as strings), so that what is stored is what is hashed."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def batch_document(batch: DecisionBatch, decisions: Iterable[Decision] | None = None) -> dict:
    """What the batch's SHA-256 covers: the call, the ranking as published, the rationale, the
    time, and every decision (proposal, outcome, feedback)."""
    rows = decisions if decisions is not None else batch.decisions.select_related("proposal")
    return {
        "call": {"id": batch.call_id},
        "ranking": batch.ranking,
        "rationale": batch.rationale,
        "published_at": batch.published_at.isoformat(),
        "decisions": sorted(
            (
                {
                    "proposal_id": d.proposal_id,
                    "reference": d.proposal.reference,
                    "outcome": d.outcome,
                    "feedback": d.feedback,
                }
                for d in rows
            ),
            key=lambda d: d["proposal_id"],
        ),
    }


def batch_verifies(batch: DecisionBatch) -> bool:
    """The stored SHA-256 matches what is stored now."""
    return snapshot_sha256(batch_document(batch)) == batch.sha256


def _admins_by_organization(organization_ids: set[int]) -> dict[int, list[User]]:
    admins: dict[int, list[User]] = defaultdict(list)
    for member in OrganizationMember.objects.filter(
        organization_id__in=organization_ids, role=OrganizationMember.Role.ADMIN
    ).select_related("user"):
        admins[member.organization_id].append(member.user)
    return admins


def _call_ranking(call: Call) -> dict:
    from ..selectors.ranking import call_ranking

    return _json(call_ranking(call).as_dict())


@transaction.atomic
def decisions_publish(*, actor: User, call: Call, rationale: str) -> DecisionBatch:
    """Publish every decision of the call in one batch (see the module docstring)."""
    _require_coordinator(actor)
    CALL.authorize(call, "decide", actor=actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError(
            {"rationale": _("Explain the decisions: the rationale is kept with them.")},
            code="required",
        )
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise ValidationError(
            {
                "rationale": _("The rationale is too long (at most %(n)s characters).")
                % {"n": RATIONALE_MAX_LENGTH}
            },
            code="invalid",
        )
    errors = publication_errors(call)
    if errors:
        raise ValidationError(errors)
    CALL.require(call, "decide", actor=actor)
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(call=call, status=Proposal.Status.SUBMITTED)
        .select_related("lead_organization", "call")
        .order_by("pk")
    )
    decisions = {
        d.proposal_id: d
        for d in Decision.objects.select_for_update().filter(proposal__in=proposals)
    }
    now = timezone.now()
    batch = DecisionBatch(
        call=call,
        ranking=_call_ranking(call),
        rationale=rationale,
        published_by=actor,
        published_at=now,
        sha256="",
    )
    for decision in decisions.values():
        decision.proposal = next(p for p in proposals if p.pk == decision.proposal_id)
    batch.sha256 = snapshot_sha256(batch_document(batch, decisions.values()))
    batch.full_clean(exclude=["call"])
    batch.save()
    Decision.objects.filter(pk__in=[d.pk for d in decisions.values()]).update(batch=batch)

    partners = ProposalPartner.objects.filter(
        proposal__in=proposals, status=ProposalPartner.Status.CONFIRMED
    ).select_related("organization")
    partners_of: dict[int, list[ProposalPartner]] = defaultdict(list)
    for partner in partners:
        partners_of[partner.proposal_id].append(partner)
    org_ids = {p.lead_organization_id for p in proposals} | {
        partner.organization_id for rows in partners_of.values() for partner in rows
    }
    admins = _admins_by_organization(org_ids)

    for proposal in proposals:
        decision = decisions[proposal.pk]
        name = TRANSITION_FOR[Outcome(decision.outcome)]
        PROPOSAL.require(proposal, name, actor=actor)
        before = proposal.status
        PROPOSAL.apply(proposal, name)
        proposal.save(update_fields=["status"])
        audit_decision(
            actor=actor,
            target=proposal,
            action=f"proposal.{name}",
            changes={"status": (before, proposal.status)},
            reason=f"batch={batch.pk} sha256={batch.sha256}",
        )
        recipients = list(admins.get(proposal.lead_organization_id, []))
        for partner in partners_of.get(proposal.pk, []):
            recipients += admins.get(partner.organization_id, [])
        notify(
            recipients=recipients,
            event=EVENT_FOR[Outcome(decision.outcome)],
            context={
                "proposal_id": proposal.pk,
                "proposal_title": proposal.title,
                "reference": proposal.reference or "",
                "call_title": call.title,
                "lead": proposal.lead_organization.display_name,
            },
            actor=actor,
            url=_proposal_url(proposal),
            idempotency_key=f"challenges.decision_published:{proposal.pk}",
        )

    before = call.status
    CALL.apply(call, "decide")
    call.save(update_fields=["status", "updated_at"])
    audit_decision(
        actor=actor,
        target=call,
        action="call.decisions_publish",
        changes={"status": (before, call.status)},
        reason=f"{rationale}\n\nsha256={batch.sha256}",
    )
    webhook_emit(
        event="results.published",
        data=payloads.results_published_data(batch),
        visible_to=payloads.results_published_visible(batch),
    )
    # Each award becomes a project of the portfolio, in this same transaction.
    from .portfolio import projects_create_for_call_awards

    projects_create_for_call_awards(actor=actor, proposals=proposals)
    return batch
