"""Writes of proposals and consortia: create, edit (optimistic versions), files, partners,
submit with a receipt, unsubmit, withdraw, and the reminders before the deadline.

Every write locks the proposal row (``select_for_update``) and asks the lifecycle tables
``PROPOSAL`` / ``PARTNER`` (``challenges/workflows.py``) *after* the lock, so a change after the
lead's deadline (the call's closing time, or the organization's logged extension) is refused
here whatever sends it: the form, htmx autosave, the API or a replayed request. A refusal
raises ``PermissionDenied`` (who) or ``ValidationError`` (what, when) and changes nothing.

Edits carry the version they were based on (``expected_version``); an older one is refused with
:class:`ProposalConflict` naming who saved the newer version and when, so two people editing at
once never silently overwrite each other.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import Money
from cluster_portal.core.references import next_reference
from cluster_portal.files.models import Attachment
from cluster_portal.files.services import attachment_create, attachment_delete
from cluster_portal.files.validation import DOCUMENT_KINDS
from members.models import Organization, OrganizationMember, User
from members.permissions import is_org_member
from notifications.services import notify

from .. import permissions
from ..models import (
    Call,
    CallQuestion,
    DeadlineExtension,
    Proposal,
    ProposalAnswer,
    ProposalPartner,
    ProposalReminder,
    ProposalSubmission,
)
from ..models.proposals import (
    COMMITMENT_LETTER_PURPOSE,
    PROPOSAL_ATTACHMENT_PURPOSE,
    PROPOSAL_REFERENCE_PREFIX,
)
from ..selectors.calls import deadline_for
from ..selectors.proposals import (
    answer_purpose,
    commitment_letters,
    eligibility_to_start,
    proposal_attachments,
    proposal_detail_queryset,
    submission_checklist,
)
from ..workflows import (
    ACCEPTS_EXTENDED,
    ACCEPTS_PROPOSALS,
    CALL,
    EDITABLE,
    PARTNER,
    PARTNER_ACTIVE_TAG,
    PROPOSAL,
    before_deadline,
)

#: Fixed fields :func:`proposal_update` may change (``data`` keys).
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "technical_approach",
    "trl_start",
    "trl_end",
    "budget",
    "co_funding",
    "duration_months",
    "team",
    "challenge",
)
_MONEY_FIELDS = frozenset({"budget", "co_funding"})
#: Files a proposal, a file answer or a commitment letter may be.
FILE_KINDS: tuple[str, ...] = (*DOCUMENT_KINDS, "png", "jpeg")
#: Reminders before the lead's deadline, in days (the smallest window that applies is sent).
REMINDER_DAYS: tuple[int, ...] = (1, 7)


class ProposalConflict(ValidationError):
    """The edit was based on an older version: someone saved in between. Nothing was saved."""

    def __init__(self, proposal: Proposal) -> None:
        self.proposal = proposal
        who = proposal.updated_by.get_full_name() if proposal.updated_by else _("Someone")
        when = timezone.localtime(proposal.updated_at).strftime("%H:%M")
        super().__init__(
            _("%(person)s saved a newer version at %(time)s — reload to see it.")
            % {"person": who, "time": when},
            code="conflict",
        )


# --- Helpers ---------------------------------------------------------------------------------


def _lock(proposal: Proposal | int) -> Proposal:
    pk = proposal if isinstance(proposal, int) else proposal.pk
    # Only the proposal row is locked (PostgreSQL refuses FOR UPDATE on nullable joins).
    locked = Proposal.objects.select_for_update(of=("self",)).get(pk=pk)
    return proposal_detail_queryset().get(pk=locked.pk)


def _lock_partner(partner: ProposalPartner) -> ProposalPartner:
    ProposalPartner.objects.select_for_update(of=("self",)).get(pk=partner.pk)
    return ProposalPartner.objects.select_related(
        "organization", "proposal__call", "proposal__lead_organization"
    ).get(pk=partner.pk)


def _deny_unless(verdict: Any) -> None:
    if not verdict:
        raise PermissionDenied(str(getattr(verdict, "reason", "") or _("You may not do this.")))


def _require_open(proposal: Proposal) -> None:
    """The proposal is a draft and the lead's deadline has not passed (after the lock)."""
    if not PROPOSAL.has_tag(proposal, EDITABLE):
        raise ValidationError(
            _("This proposal is %(state)s: it can no longer be changed.")
            % {"state": str(PROPOSAL.state_label(proposal)).lower()},
            code="invalid_transition",
        )
    verdict = before_deadline(proposal)
    if not verdict:
        raise ValidationError(str(verdict.reason), code="invalid_transition")


def _admins(organization_id: int) -> list[User]:
    return [
        m.user
        for m in OrganizationMember.objects.filter(
            organization_id=organization_id, role=OrganizationMember.Role.ADMIN
        ).select_related("user")
    ]


def _lima(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def proposal_url(proposal: Proposal) -> str:
    return reverse("challenges:proposal_detail", kwargs={"proposal_id": proposal.pk})


def _context(proposal: Proposal, **extra: Any) -> dict[str, Any]:
    return {
        "proposal_id": proposal.pk,
        "proposal_title": proposal.title,
        "reference": proposal.reference or "",
        "call_title": proposal.call.title,
        "lead": proposal.lead_organization.display_name,
        "deadline": _lima(deadline_for(proposal.call, proposal.lead_organization_id)),
        **extra,
    }


def _touch(proposal: Proposal, actor: User | None) -> list[str]:
    proposal.updated_by = actor
    proposal.updated_at = timezone.now()
    return ["updated_by", "updated_at"]


# --- Create ----------------------------------------------------------------------------------


def call_accepts_proposals_from(call: Call, organization_id: int) -> bool:
    """The call takes proposals now from this organization (open, or closed with its logged
    extension still running) and its deadline has not passed."""
    if not (CALL.has_tag(call, ACCEPTS_PROPOSALS) or CALL.has_tag(call, ACCEPTS_EXTENDED)):
        return False
    deadline = deadline_for(call, organization_id)
    return deadline is not None and timezone.now() < deadline


@transaction.atomic
def proposal_create(
    *, actor: User, call: Call, lead_organization: Organization, title: str = ""
) -> Proposal:
    """Start a draft proposal led by ``lead_organization``.

    Preconditions: ``actor`` belongs to the organization (``PermissionDenied``); the call takes
    proposals from it now (``ValidationError``); the organization may start one (the call's
    rules that apply at creation — kind, members only, region, the limit of proposals — each
    failing rule is an item of the ``ValidationError``). The organization's row is locked so
    that two people starting at once cannot both pass the limit. Enqueues nothing.
    """
    if not is_org_member(actor, lead_organization):
        raise PermissionDenied(_("Only people of the organization can start its proposals."))
    organization = Organization.objects.select_for_update(of=("self",)).get(pk=lead_organization.pk)
    call = Call.objects.prefetch_related("extensions").get(pk=call.pk)
    if not call_accepts_proposals_from(call, organization.pk):
        raise ValidationError(_("This call is not taking proposals now."), code="call_closed")
    eligibility = eligibility_to_start(call, organization)
    if not eligibility.may_start:
        raise ValidationError(
            [
                ValidationError(f"{result.label}: {result.reason}", code=f"rule_{result.code}")
                for result in eligibility.failures
                if not result.at_submission
            ]
        )
    challenges = list(call.challenges.all()[:2])
    now = timezone.now()
    proposal = Proposal(
        call=call,
        lead_organization=organization,
        challenge=challenges[0] if len(challenges) == 1 else None,
        title=(title or "").strip()[:200]
        or (_("Proposal of %(organization)s") % {"organization": organization.display_name})[:200],
        created_by=actor,
        updated_by=actor,
        created_at=now,
        updated_at=now,
    )
    proposal.full_clean()
    proposal.save()
    audit_decision(actor=actor, action="proposal.create", target=proposal)
    return proposal


# --- Edit ------------------------------------------------------------------------------------


def _clean_answer(question: CallQuestion, value: Any) -> Any:
    """The stored form of an answer (a string, or a list for multiple choice); "" is allowed
    for a draft (required answers are checked at submission)."""
    kind = CallQuestion.Kind
    if question.kind == kind.MULTIPLE_CHOICE:
        values = [str(v) for v in (value or [])] if isinstance(value, list | tuple) else []
        if isinstance(value, str) and value:
            values = [value]
        allowed = {str(o.get("value")) for o in question.options}
        if set(values) - allowed:
            raise ValidationError(_("Choose among the options."), code="invalid_choice")
        return values
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if question.kind == kind.SINGLE_CHOICE:
        if text not in {str(o.get("value")) for o in question.options}:
            raise ValidationError(_("Choose among the options."), code="invalid_choice")
    elif question.kind == kind.NUMBER:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("Enter a number."), code="invalid_number") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."), code="invalid_number")
        text = str(number)
    elif question.kind == kind.TEXT:
        text = text[:1000]
    return text


@transaction.atomic
def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    data: Mapping[str, Any],
    answers: Mapping[int, Any] | None = None,
    expected_version: int,
) -> Proposal:
    """Save the draft's fixed fields (``data``, keys of :data:`EDITABLE_FIELDS`) and answers
    (question id → value; file questions go through :func:`proposal_file_add`).

    Preconditions: ``actor`` is of the lead organization (``PermissionDenied``); after the row
    lock the proposal is a draft before the lead's deadline (``ValidationError``
    ``invalid_transition``) and still at ``expected_version`` (:class:`ProposalConflict`).
    Invalid values raise ``ValidationError`` by field (``q_<id>`` for answers). On success
    ``version`` grows by one. Nothing is saved on any error. Enqueues nothing.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected proposal fields: {sorted(unknown)}")
    _deny_unless(permissions.can_edit_proposal(actor, proposal))
    proposal = _lock(proposal)
    _require_open(proposal)
    if int(expected_version) != proposal.version:
        raise ProposalConflict(proposal)
    changed: list[str] = []
    for name, value in data.items():
        if name == "challenge":
            challenge_ids = {c.pk for c in proposal.call.challenges.all()}
            challenge_id = getattr(value, "pk", value) or None
            if challenge_id is not None and int(challenge_id) not in challenge_ids:
                raise ValidationError(
                    {"challenge": _("Choose one of the call's challenges.")}, code="invalid"
                )
            proposal.challenge_id = int(challenge_id) if challenge_id else None
            changed.append("challenge")
            continue
        if isinstance(value, str):
            value = value.strip()
        if name in _MONEY_FIELDS:
            if value is not None and not isinstance(value, Money):
                raise ValueError(f"{name} must be Money or None")
            changed.append(f"{name}_currency")
        setattr(proposal, name, value)
        changed.append(name)
    questions = {q.pk: q for q in proposal.call.questions.all()}
    existing = {a.question_id: a for a in proposal.answers.all()}
    errors: dict[str, Any] = {}
    to_save: list[ProposalAnswer] = []
    now = timezone.now()
    for question_id, value in (answers or {}).items():
        question = questions.get(int(question_id))
        if question is None or question.kind == CallQuestion.Kind.FILE:
            raise ValueError(f"Question {question_id} is not a question of this call's form")
        try:
            cleaned = _clean_answer(question, value)
        except ValidationError as error:
            errors[f"q_{question.pk}"] = error.messages
            continue
        answer = existing.get(question.pk)
        if answer is None:
            to_save.append(ProposalAnswer(proposal=proposal, question=question, value=cleaned))
        elif answer.value != cleaned:
            answer.value = cleaned
            answer.updated_at = now
            to_save.append(answer)
    try:
        proposal.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    for answer in to_save:
        answer.save()
    proposal.version += 1
    proposal.save(update_fields=[*dict.fromkeys(changed), "version", *_touch(proposal, actor)])
    return proposal


@transaction.atomic
def proposal_file_add(
    *,
    actor: User,
    proposal: Proposal,
    uploaded_file: File,
    question: CallQuestion | None = None,
) -> Attachment:
    """Attach a file to the draft: a general attachment, or the answer to a file ``question``
    (which replaces that question's earlier file). Same preconditions as
    :func:`proposal_update` except the version (adding a file overwrites nobody's typing)."""
    _deny_unless(permissions.can_edit_proposal(actor, proposal))
    proposal = _lock(proposal)
    _require_open(proposal)
    purpose = PROPOSAL_ATTACHMENT_PURPOSE
    previous: list[Attachment] = []
    if question is not None:
        if question.call_id != proposal.call_id or question.kind != CallQuestion.Kind.FILE:
            raise ValueError("Not a file question of this proposal's call")
        purpose = answer_purpose(question)
        previous = [a for a in proposal_attachments(proposal) if a.purpose == purpose]
    attachment = attachment_create(
        actor=actor,
        target=proposal,
        uploaded_file=uploaded_file,
        purpose=purpose,
        allowed_types=FILE_KINDS,
    )
    for old in previous:
        attachment_delete(actor=actor, attachment=old)
    if question is not None:
        ProposalAnswer.objects.update_or_create(
            proposal=proposal,
            question=question,
            defaults={"value": str(attachment.pk), "updated_at": timezone.now()},
        )
    proposal.save(update_fields=_touch(proposal, actor))
    return attachment


@transaction.atomic
def proposal_file_remove(*, actor: User, proposal: Proposal, attachment: Attachment) -> None:
    """Remove one of the draft's files (same preconditions as :func:`proposal_file_add`)."""
    _deny_unless(permissions.can_edit_proposal(actor, proposal))
    proposal = _lock(proposal)
    _require_open(proposal)
    if attachment.object_id != proposal.pk or attachment.content_type.model_class() is not Proposal:
        raise ValueError("Not a file of this proposal")
    if attachment.purpose != PROPOSAL_ATTACHMENT_PURPOSE:
        ProposalAnswer.objects.filter(proposal=proposal, value=str(attachment.pk)).delete()
    attachment_delete(actor=actor, attachment=attachment)
    proposal.save(update_fields=_touch(proposal, actor))


# --- Consortium ------------------------------------------------------------------------------


@transaction.atomic
def partner_invite(
    *,
    actor: User,
    proposal: Proposal,
    organization: Organization,
    role: str,
    budget_share: Money | None = None,
    message: str = "",
) -> ProposalPartner:
    """Invite ``organization`` to the consortium with a role and a budget share.

    Preconditions: ``actor`` is an admin of the lead (``PermissionDenied``); the proposal is a
    draft before the deadline; the organization is not the lead, has an admin to answer, and
    is not already invited or confirmed. An organization that declined, left or was removed
    may be invited again (its row becomes a new invitation). Its admins are notified (in-app
    and email through the outbox, in this transaction).
    """
    _deny_unless(permissions.can_act_for_lead(actor, proposal))
    proposal = _lock(proposal)
    _require_open(proposal)
    role = (role or "").strip()
    if not role:
        raise ValidationError({"role": _("Say what the partner does in the consortium.")})
    if organization.pk == proposal.lead_organization_id:
        raise ValidationError(
            {"organization": _("The lead organization cannot be its own partner.")}
        )
    admins = _admins(organization.pk)
    if not admins:
        raise ValidationError(
            {"organization": _("This organization has no admin in the portal to answer.")}
        )
    partner = ProposalPartner.objects.filter(proposal=proposal, organization=organization).first()
    if partner is not None and PARTNER.has_tag(partner, PARTNER_ACTIVE_TAG):
        raise ValidationError(
            {"organization": _("This organization is already in the consortium.")}
        )
    now = timezone.now()
    fields = {
        "role": role[:200],
        "budget_share": budget_share,
        "message": (message or "").strip(),
        "status": ProposalPartner.Status.INVITED,
        "decline_reason": "",
        "invited_by": actor,
        "invited_at": now,
        "responded_by": None,
        "responded_at": None,
    }
    if partner is None:
        partner = ProposalPartner(proposal=proposal, organization=organization, **fields)
    else:
        for name, value in fields.items():
            setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    proposal.save(update_fields=_touch(proposal, actor))
    audit_decision(
        actor=actor,
        action="proposal.partner_invite",
        target=proposal,
        changes={"partner": ("", organization.display_name)},
    )
    notify(
        recipients=admins,
        event="challenges.proposal_partner_invited",
        context=_context(
            proposal,
            partner=organization.display_name,
            role=partner.role,
            message=partner.message,
        ),
        actor=actor,
        url=reverse("challenges:partner_answer", kwargs={"partner_id": partner.pk}),
    )
    return partner


def _partner_transition(
    *, actor: User, partner: ProposalPartner, name: str
) -> tuple[Proposal, ProposalPartner]:
    PARTNER.authorize(partner, name, actor=actor)
    proposal = _lock(partner.proposal_id)
    partner = _lock_partner(partner)
    PARTNER.require(partner, name, actor=actor)
    return proposal, partner


@transaction.atomic
def partner_confirm(
    *, actor: User, partner: ProposalPartner, commitment_letter: File | None
) -> ProposalPartner:
    """The partner organization's admin confirms, uploading the signed commitment letter
    (required). Only while the proposal is a draft before the deadline. Notifies the lead's
    admins."""
    proposal, partner = _partner_transition(actor=actor, partner=partner, name="confirm")
    if not commitment_letter:
        raise ValidationError(
            {"commitment_letter": _("Upload the commitment letter signed by your organization.")}
        )
    attachment_create(
        actor=actor,
        target=partner,
        uploaded_file=commitment_letter,
        purpose=COMMITMENT_LETTER_PURPOSE,
        allowed_types=FILE_KINDS,
    )
    PARTNER.apply(partner, "confirm")
    partner.responded_by = actor
    partner.responded_at = timezone.now()
    partner.save(update_fields=["status", "responded_by", "responded_at"])
    proposal.save(update_fields=_touch(proposal, actor))
    audit_decision(actor=actor, action="proposal.partner_confirm", target=partner)
    notify(
        recipients=_admins(proposal.lead_organization_id),
        event="challenges.proposal_partner_confirmed",
        context=_context(proposal, partner=partner.organization.display_name, role=partner.role),
        actor=actor,
        url=proposal_url(proposal),
    )
    return partner


def _partner_out(
    *, actor: User, partner: ProposalPartner, name: str, reason: str
) -> ProposalPartner:
    proposal, partner = _partner_transition(actor=actor, partner=partner, name=name)
    reason = (reason or "").strip()
    PARTNER.apply(partner, name)
    partner.decline_reason = reason
    partner.responded_by = actor
    partner.responded_at = timezone.now()
    partner.save(update_fields=["status", "decline_reason", "responded_by", "responded_at"])
    proposal.save(update_fields=_touch(proposal, actor))
    audit_decision(actor=actor, action=f"proposal.partner_{name}", target=partner, reason=reason)
    notify(
        recipients=_admins(proposal.lead_organization_id),
        event="challenges.proposal_partner_declined",
        context=_context(proposal, partner=partner.organization.display_name, reason=reason or "—"),
        actor=actor,
        url=proposal_url(proposal),
    )
    return partner


@transaction.atomic
def partner_decline(*, actor: User, partner: ProposalPartner, reason: str = "") -> ProposalPartner:
    """The partner organization's admin declines the invitation (notifies the lead's admins)."""
    return _partner_out(actor=actor, partner=partner, name="decline", reason=reason)


@transaction.atomic
def partner_leave(*, actor: User, partner: ProposalPartner, reason: str = "") -> ProposalPartner:
    """A confirmed partner's admin leaves the consortium while the proposal is a draft."""
    return _partner_out(actor=actor, partner=partner, name="leave", reason=reason)


@transaction.atomic
def partner_remove(*, actor: User, partner: ProposalPartner) -> ProposalPartner:
    """The lead's admin removes an invited or confirmed partner (notifies its admins)."""
    proposal, partner = _partner_transition(actor=actor, partner=partner, name="remove")
    PARTNER.apply(partner, "remove")
    partner.save(update_fields=["status"])
    proposal.save(update_fields=_touch(proposal, actor))
    audit_decision(actor=actor, action="proposal.partner_remove", target=partner)
    notify(
        recipients=_admins(partner.organization_id),
        event="challenges.proposal_partner_removed",
        context=_context(proposal, partner=partner.organization.display_name),
        actor=actor,
        url=reverse("challenges:proposal_list"),
    )
    return partner


# --- Submission ------------------------------------------------------------------------------


def _money_json(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": str(value.currency)}


def build_snapshot(proposal: Proposal, attachments: list[Attachment]) -> dict[str, Any]:
    """What is submitted, as plain JSON: fixed fields, answers, partners and files (names and
    SHA-256). Keys are stable so that the same content always gives the same hash."""
    letters = commitment_letters(proposal.partners.all())
    answers = {a.question_id: a.value for a in proposal.answers.all()}
    return {
        "reference": proposal.reference,
        "call": {"id": proposal.call_id, "code": proposal.call.code, "title": proposal.call.title},
        "lead_organization": {
            "id": proposal.lead_organization_id,
            "name": proposal.lead_organization.legal_name,
            "ruc": proposal.lead_organization.ruc,
        },
        "challenge": (
            {"id": proposal.challenge_id, "title": proposal.challenge.title}
            if proposal.challenge
            else None
        ),
        "fields": {
            "title": proposal.title,
            "summary": proposal.summary,
            "technical_approach": proposal.technical_approach,
            "trl_start": proposal.trl_start,
            "trl_end": proposal.trl_end,
            "budget": _money_json(proposal.budget),
            "co_funding": _money_json(proposal.co_funding),
            "duration_months": proposal.duration_months,
            "team": proposal.team,
        },
        "answers": [
            {
                "question_id": q.pk,
                "question": q.label,
                "kind": q.kind,
                "value": answers.get(q.pk, ""),
            }
            for q in proposal.call.questions.all()
        ],
        "partners": [
            {
                "organization_id": p.organization_id,
                "name": p.organization.legal_name,
                "role": p.role,
                "budget_share": _money_json(p.budget_share),
                "commitment_letter_sha256": letters[p.pk].sha256 if p.pk in letters else None,
            }
            for p in proposal.partners.all()
            if p.status == ProposalPartner.Status.CONFIRMED
        ],
        "attachments": [
            {"purpose": a.purpose, "name": a.original_name, "sha256": a.sha256, "size": a.size}
            for a in attachments
        ],
    }


def snapshot_sha256(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _submission_recipients(proposal: Proposal) -> list[User]:
    recipients = _admins(proposal.lead_organization_id)
    for partner in proposal.partners.all():
        if partner.status == ProposalPartner.Status.CONFIRMED:
            recipients += _admins(partner.organization_id)
    return recipients


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> ProposalSubmission:
    """Submit the proposal: every check passes, it takes its reference (the first time only:
    an unsubmitted proposal keeps it), and an immutable snapshot with its SHA-256 is written.

    Preconditions: ``actor`` is an admin of the lead; the proposal is a draft before the
    deadline; :func:`~challenges.selectors.proposals.submission_checklist` is empty (else a
    ``ValidationError`` with one item per missing thing, code ``incomplete``). The lead's and
    the confirmed partners' admins get the receipt (in-app + email through the outbox).
    """
    PROPOSAL.authorize(proposal, "submit", actor=actor)
    proposal = _lock(proposal)
    PROPOSAL.require(proposal, "submit", actor=actor)
    attachments = proposal_attachments(proposal)
    missing = submission_checklist(proposal, attachments=attachments)
    if missing:
        raise ValidationError(
            [ValidationError(str(item.message), code="incomplete") for item in missing]
        )
    if not proposal.reference:
        # Taken last, after every check: a refusal must not use up a number.
        proposal.reference = next_reference(PROPOSAL_REFERENCE_PREFIX)
    now = timezone.now()
    snapshot = build_snapshot(proposal, attachments)
    snapshot["submitted_at"] = now.isoformat()
    number = proposal.submissions.count() + 1
    submission = ProposalSubmission(
        proposal=proposal,
        number=number,
        snapshot=snapshot,
        sha256=snapshot_sha256(snapshot),
        submitted_by=actor,
        submitted_at=now,
    )
    submission.full_clean()
    submission.save()
    PROPOSAL.apply(proposal, "submit")
    proposal.submitted_at = now
    proposal.save(update_fields=["reference", "status", "submitted_at", *_touch(proposal, actor)])
    audit_decision(
        actor=actor,
        action="proposal.submit",
        target=proposal,
        changes={"status": (Proposal.Status.DRAFT, proposal.status)},
        reason=f"{proposal.reference} #{number} sha256={submission.sha256}",
    )
    notify(
        recipients=_submission_recipients(proposal),
        event="challenges.proposal_submitted",
        context=_context(proposal, submitted_at=_lima(now), sha256=submission.sha256),
        actor=actor,
        url=reverse("challenges:proposal_receipt", kwargs={"proposal_id": proposal.pk}),
        idempotency_key=f"challenges.proposal_submitted:{proposal.pk}:{number}",
    )
    return submission


@transaction.atomic
def proposal_unsubmit(*, actor: User, proposal: Proposal) -> Proposal:
    """Back to draft to edit, before the deadline (lead admin). The reference and the earlier
    snapshots stay; submitting again writes a new snapshot under the same reference."""
    PROPOSAL.authorize(proposal, "unsubmit", actor=actor)
    proposal = _lock(proposal)
    PROPOSAL.require(proposal, "unsubmit", actor=actor)
    PROPOSAL.apply(proposal, "unsubmit")
    proposal.version += 1
    proposal.save(update_fields=["status", "version", *_touch(proposal, actor)])
    audit_decision(
        actor=actor,
        action="proposal.unsubmit",
        target=proposal,
        changes={"status": (Proposal.Status.SUBMITTED, proposal.status)},
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str = "") -> Proposal:
    """Withdraw for good, before the deadline (lead admin). Partners' admins are told."""
    PROPOSAL.authorize(proposal, "withdraw", actor=actor)
    proposal = _lock(proposal)
    PROPOSAL.require(proposal, "withdraw", actor=actor)
    previous = proposal.status
    PROPOSAL.apply(proposal, "withdraw")
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["status", "withdrawn_at", *_touch(proposal, actor)])
    audit_decision(
        actor=actor,
        action="proposal.withdraw",
        target=proposal,
        changes={"status": (previous, proposal.status)},
        reason=(reason or "").strip(),
    )
    partner_admins: list[User] = []
    for partner in proposal.partners.all():
        if PARTNER.has_tag(partner, PARTNER_ACTIVE_TAG):
            partner_admins += _admins(partner.organization_id)
    notify(
        recipients=[*_admins(proposal.lead_organization_id), *partner_admins],
        event="challenges.proposal_withdrawn",
        context=_context(proposal),
        actor=actor,
        url=proposal_url(proposal),
    )
    return proposal


# --- Reminders -------------------------------------------------------------------------------


def proposal_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the lead's admins of each draft whose deadline is within 7 days, then within
    1 day: each reminder at most once (a :class:`ProposalReminder` row, unique per proposal and
    window, written in the same transaction as the notification). Only the smallest window that
    applies is sent (a draft started 12 hours before closing gets the 1-day one only). Safe to
    run twice or concurrently. Returns how many reminders were sent."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS))
    accepting = (*CALL.values_tagged(ACCEPTS_PROPOSALS), *CALL.values_tagged(ACCEPTS_EXTENDED))
    extended = DeadlineExtension.objects.filter(closes_at__gt=now, closes_at__lte=horizon).values(
        "call_id", "organization_id"
    )
    candidates = (
        Proposal.objects.filter(
            status__in=PROPOSAL.values_tagged(EDITABLE), call__status__in=accepting
        )
        .filter(
            Q(call__closes_at__gt=now, call__closes_at__lte=horizon)
            | Q(
                call_id__in=extended.values("call_id"),
                lead_organization_id__in=extended.values("organization_id"),
            )
        )
        .select_related("call", "lead_organization")
        .prefetch_related("call__extensions", "reminders")
        .order_by("pk")
    )
    sent = 0
    for proposal in candidates:
        deadline = deadline_for(proposal.call, proposal.lead_organization_id)
        if deadline is None or not (now < deadline <= horizon):
            continue
        days = next(d for d in REMINDER_DAYS if deadline - now <= datetime.timedelta(days=d))
        if any(r.days_before == days for r in proposal.reminders.all()):
            continue
        try:
            with transaction.atomic():
                ProposalReminder.objects.create(proposal=proposal, days_before=days, sent_at=now)
                notify(
                    recipients=_admins(proposal.lead_organization_id),
                    event="challenges.proposal_deadline_reminder",
                    context=_context(proposal, days=days),
                    url=proposal_url(proposal),
                    idempotency_key=f"challenges.proposal_reminder:{proposal.pk}:{days}",
                )
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
