"""Reads of proposals and consortia: the person's proposals and invitations, one proposal for
whoever may see it, what is missing before submission, and the secretariat's list of a call's
proposals (a staff queue)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.queues import Queue, QueuePage
from cluster_portal.files.models import Attachment
from members.models import Organization, OrganizationMember
from members.viewer import Viewer, viewer_for

from .. import permissions
from ..eligibility import Applicant, Eligibility, Rules, evaluate
from ..models import (
    Call,
    CallQuestion,
    Proposal,
    ProposalPartner,
)
from ..models.proposals import ANSWER_FILE_PURPOSE_PREFIX, COMMITMENT_LETTER_PURPOSE
from .calls import deadline_for

#: Fixed fields a proposal needs before it is submitted (``co_funding`` is optional).
REQUIRED_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "technical_approach",
    "trl_start",
    "trl_end",
    "budget",
    "duration_months",
    "team",
)


# --- Querysets -------------------------------------------------------------------------------


def proposal_detail_queryset() -> QuerySet[Proposal]:
    """Everything a proposal page reads, in a fixed number of queries."""
    return Proposal.objects.select_related(
        "call", "lead_organization", "challenge", "updated_by"
    ).prefetch_related(
        Prefetch(
            "partners",
            queryset=ProposalPartner.objects.select_related("organization").order_by(
                "invited_at", "pk"
            ),
        ),
        "answers",
        Prefetch("call__questions", queryset=CallQuestion.objects.order_by("position", "pk")),
        "call__extensions",
        "call__challenges",
    )


def _own_proposals_filter(organization_ids: Iterable[int]) -> Q:
    from ..workflows import PARTNER, PARTNER_ACTIVE_TAG

    ids = list(organization_ids)
    active = PARTNER.values_tagged(PARTNER_ACTIVE_TAG)
    partnered = ProposalPartner.objects.filter(organization_id__in=ids, status__in=active).values(
        "proposal_id"
    )
    return Q(lead_organization_id__in=ids) | Q(pk__in=partnered)


def proposals_of_organizations(organization_ids: Iterable[int]) -> QuerySet[Proposal]:
    """Proposals led by, or with an invited/confirmed partner among, these organizations."""
    return Proposal.objects.filter(_own_proposals_filter(organization_ids))


@dataclass(frozen=True)
class ProposalRow:
    """A line of "My proposals"."""

    proposal: Proposal
    deadline: datetime.datetime | None
    #: The person's organization's part: "lead" or "partner".
    part: str
    next_step: str | Promise

    @property
    def is_open(self) -> bool:
        return self.deadline is not None and self.deadline > timezone.now()


def proposals_for_user(*, user: Any) -> list[ProposalRow]:
    """The proposals of the person's organizations (as lead or partner), newest change first,
    each with the lead's deadline and the next step (4 queries whatever the number)."""
    viewer = viewer_for(user)
    ids = viewer.organization_ids
    if not ids:
        return []
    proposals = (
        proposals_of_organizations(ids)
        .select_related("call", "lead_organization")
        .prefetch_related("call__extensions", "partners")
        .order_by("-updated_at", "-pk")
    )
    return [_row(p, ids) for p in proposals]


def _row(proposal: Proposal, organization_ids: frozenset[int]) -> ProposalRow:
    from ..workflows import EDITABLE, PROPOSAL, before_deadline

    part = "lead" if proposal.lead_organization_id in organization_ids else "partner"
    deadline = deadline_for(proposal.call, proposal.lead_organization_id)
    open_now = bool(before_deadline(proposal))
    if proposal.status == Proposal.Status.WITHDRAWN:
        step: str | Promise = _("Nothing: the proposal was withdrawn.")
    elif not open_now:
        step = _("Nothing: the deadline has passed.")
    elif PROPOSAL.has_tag(proposal, EDITABLE):
        pending = [
            p
            for p in proposal.partners.all()
            if p.status == ProposalPartner.Status.INVITED and p.organization_id in organization_ids
        ]
        if part == "partner" and pending:
            step = _("Confirm or decline the partnership.")
        elif part == "partner":
            step = _("The lead completes and submits the proposal.")
        else:
            step = _("Complete the proposal and submit it before the deadline.")
    else:
        step = _("Submitted. You may unsubmit it to edit until the deadline.")
    return ProposalRow(proposal=proposal, deadline=deadline, part=part, next_step=step)


def proposal_get_for_user(*, user: Any, proposal_id: int) -> Proposal:
    """The proposal with everything its page reads, or ``Http404`` when it does not exist or
    ``user`` may not see it (nobody learns which ids exist)."""
    proposal = proposal_detail_queryset().filter(pk=proposal_id).first()
    if proposal is None or not permissions.can_view_proposal(user, proposal):
        raise Http404
    return proposal


def partner_get_for_user(*, user: Any, partner_id: int) -> ProposalPartner:
    """A partnership for its organization's people (the page to confirm or decline), or 404."""
    partner = (
        ProposalPartner.objects.select_related(
            "organization", "proposal__call", "proposal__lead_organization"
        )
        .filter(pk=partner_id)
        .first()
    )
    if partner is None or partner.organization_id not in viewer_for(user).organization_ids:
        raise Http404
    return partner


def partnership_invitations_for_user(*, user: Any) -> QuerySet[ProposalPartner]:
    """Invitations waiting for an answer from an organization the person is an admin of."""
    viewer = viewer_for(user)
    admin_of = [
        org_id
        for org_id, role in viewer.organizations.items()
        if role.role == OrganizationMember.Role.ADMIN
    ]
    return (
        ProposalPartner.objects.filter(
            organization_id__in=admin_of,
            status=ProposalPartner.Status.INVITED,
            proposal__status=Proposal.Status.DRAFT,
        )
        .select_related("organization", "proposal__call", "proposal__lead_organization")
        .order_by("invited_at", "pk")
    )


# --- Attachments -----------------------------------------------------------------------------


def proposal_attachments(proposal: Proposal) -> list[Attachment]:
    """The proposal's files (attachments and file answers), oldest first (one query)."""
    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal), object_id=proposal.pk
        ).order_by("created_at", "pk")
    )


def commitment_letters(partners: Iterable[ProposalPartner]) -> dict[int, Attachment]:
    """The newest commitment letter of each partner, by partner id (one query)."""
    ids = [p.pk for p in partners]
    if not ids:
        return {}
    letters: dict[int, Attachment] = {}
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(ProposalPartner),
        object_id__in=ids,
        purpose=COMMITMENT_LETTER_PURPOSE,
    ).order_by("created_at", "pk")
    for attachment in rows:
        letters[attachment.object_id] = attachment
    return letters


def answer_purpose(question: CallQuestion | int) -> str:
    question_id = question if isinstance(question, int) else question.pk
    return f"{ANSWER_FILE_PURPOSE_PREFIX}{question_id}"


# --- Eligibility and the checklist -----------------------------------------------------------


def led_proposals_count(call: Call, organization_id: int, *, exclude: int | None = None) -> int:
    """Proposals the organization leads in the call that count for the call's limit."""
    from ..workflows import COUNTED, PROPOSAL

    queryset = Proposal.objects.filter(
        call=call, lead_organization_id=organization_id, status__in=PROPOSAL.values_tagged(COUNTED)
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.count()


def eligibility_to_start(call: Call, organization: Organization) -> Eligibility:
    """The call's rules for ``organization`` starting one more proposal."""
    applicant = Applicant.of(organization, led_proposals=led_proposals_count(call, organization.pk))
    return evaluate(Rules.of(call), applicant, creating=True)


def lead_eligibility(proposal: Proposal) -> Eligibility:
    """The call's rules for the proposal's lead, with its *confirmed* partners' kinds."""
    confirmed = [
        p.organization.kind
        for p in proposal.partners.all()
        if p.status == ProposalPartner.Status.CONFIRMED
    ]
    applicant = Applicant.of(
        proposal.lead_organization,
        partner_kinds=confirmed,
        led_proposals=led_proposals_count(
            proposal.call, proposal.lead_organization_id, exclude=proposal.pk
        ),
    )
    return evaluate(Rules.of(proposal.call), applicant)


@dataclass(frozen=True)
class ChecklistItem:
    """Something that stops the submission, with the anchor of the field that fixes it."""

    code: str
    message: str | Promise
    anchor: str = ""


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def submission_checklist(
    proposal: Proposal, *, attachments: list[Attachment] | None = None
) -> list[ChecklistItem]:
    """Every reason the proposal cannot be submitted now, in page order (empty: ready).

    Fixed fields, the challenge addressed, the call's required questions (a file question needs
    its file), every partner confirmed (none merely invited), the lead's eligibility with its
    confirmed partners, and — for a members-only call — every confirmed partner an active
    member. Reads ``proposal_detail_queryset``'s prefetches plus two queries.
    """
    items: list[ChecklistItem] = []
    for name in REQUIRED_FIELDS:
        if _is_blank(getattr(proposal, name)):
            label = capfirst(Proposal._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            items.append(
                ChecklistItem(
                    f"field_{name}",
                    format_lazy(_("Fill in “{field}”."), field=label),
                    f"id_{name}",
                )
            )
    challenges = list(proposal.call.challenges.all())
    if challenges and proposal.challenge_id is None:
        items.append(
            ChecklistItem("field_challenge", _("Choose the challenge addressed."), "id_challenge")
        )
    files = attachments if attachments is not None else proposal_attachments(proposal)
    purposes = {a.purpose for a in files}
    answers = {a.question_id: a.value for a in proposal.answers.all()}
    for question in proposal.call.questions.all():
        if not question.required:
            continue
        if question.kind == CallQuestion.Kind.FILE:
            missing = answer_purpose(question) not in purposes
        else:
            missing = _is_blank(answers.get(question.pk))
        if missing:
            items.append(
                ChecklistItem(
                    f"question_{question.pk}",
                    format_lazy(_("Answer “{question}”."), question=question.localized_label),
                    f"id_q_{question.pk}",
                )
            )
    partners = list(proposal.partners.all())
    for partner in partners:
        if partner.status == ProposalPartner.Status.INVITED:
            items.append(
                ChecklistItem(
                    f"partner_{partner.pk}",
                    format_lazy(
                        _("{organization} has not confirmed the partnership yet."),
                        organization=partner.organization.display_name,
                    ),
                    "consortium",
                )
            )
        elif (
            partner.status == ProposalPartner.Status.CONFIRMED
            and proposal.call.members_only
            and not partner.organization.is_active_member
        ):
            items.append(
                ChecklistItem(
                    f"partner_member_{partner.pk}",
                    format_lazy(
                        _("{organization} is not an active member: this call is for members."),
                        organization=partner.organization.display_name,
                    ),
                    "consortium",
                )
            )
    for result in lead_eligibility(proposal).failures:
        items.append(
            ChecklistItem(
                f"rule_{result.code}",
                format_lazy("{label}: {reason}", label=result.label, reason=result.reason),
                "eligibility",
            )
        )
    return items


# --- Staff -----------------------------------------------------------------------------------


def _search(query: str) -> Q:
    return (
        Q(reference__icontains=query)
        | Q(title__icontains=query)
        | Q(lead_organization__legal_name__icontains=query)
        | Q(lead_organization__trade_name__icontains=query)
    )


def _call_queue() -> Queue:
    from ..workflows import PROPOSAL

    # Submitted first, newest first, on every database (PostgreSQL sorts NULLs first in DESC).
    return Queue.for_workflow(
        PROPOSAL,
        all_first=True,
        search=_search,
        ordering=(F("submitted_at").desc(nulls_last=True), "-updated_at", "-pk"),
    )


def call_proposals_page(call: Call, params: Any) -> QueuePage:
    """One page of a call's proposals for the secretariat: status tabs with counts (one
    aggregate), search, 25 a page, lead and partner counts joined (constant queries)."""
    rows = (
        Proposal.objects.filter(call=call)
        .select_related("lead_organization")
        .annotate(partner_count=Count("partners", distinct=True))
    )
    return _call_queue().page(rows, params, count_queryset=Proposal.objects.filter(call=call))


def staff_proposal_get(*, proposal_id: int, call_id: int | None = None) -> Proposal:
    queryset = proposal_detail_queryset().prefetch_related("submissions")
    if call_id is not None:
        queryset = queryset.filter(call_id=call_id)
    proposal = queryset.filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    return proposal


# --- Dashboard -------------------------------------------------------------------------------


def proposals_panel(viewer: Viewer) -> dict[str, Any] | None:
    """ "Your proposals": drafts of the person's organizations (lead or partner) that may still
    change, with their deadline, and the partnership invitations waiting for the answer of an
    organization the person is an admin of. One query when there is nothing (the panel is then
    hidden), three otherwise (proposals, their partners, the calls' extensions)."""
    if not viewer.organization_ids:
        return None
    from ..workflows import EDITABLE, PARTNER, PARTNER_ACTIVE_TAG, PROPOSAL

    ids = viewer.organization_ids
    admin_of = {
        org_id
        for org_id, role in viewer.organizations.items()
        if role.role == OrganizationMember.Role.ADMIN
    }
    proposals = list(
        Proposal.objects.filter(
            _own_proposals_filter(ids), status__in=PROPOSAL.values_tagged(EDITABLE)
        )
        .select_related("call", "lead_organization")
        .prefetch_related(
            Prefetch("partners", queryset=ProposalPartner.objects.select_related("organization")),
            "call__extensions",
        )
        .order_by("pk")
    )
    drafts: list[ProposalRow] = []
    invitations: list[ProposalPartner] = []
    for proposal in proposals:
        row = _row(proposal, ids)
        if not row.is_open:
            continue
        drafts.append(row)
        for partner in proposal.partners.all():
            partner.proposal = proposal
            if (
                partner.status == ProposalPartner.Status.INVITED
                and partner.organization_id in admin_of
            ):
                invitations.append(partner)
    drafts = [
        r
        for r in drafts
        if r.part == "lead"
        or any(
            p.organization_id in ids and PARTNER.has_tag(p, PARTNER_ACTIVE_TAG)
            for p in r.proposal.partners.all()
        )
    ]
    if not drafts and not invitations:
        return None
    drafts.sort(key=lambda r: (r.deadline or timezone.now(), r.proposal.pk))
    return {"drafts": drafts[:10], "invitations": invitations[:10]}
