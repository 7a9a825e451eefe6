"""Writes of the evaluation for the evaluator pool, the evaluators' declarations and reviews,
and the coordinator's redacted texts for blind review.

* The pool (evaluation coordinators only, ``PermissionDenied`` otherwise): :func:`evaluator_add`
  marks an existing person as an evaluator; :func:`evaluator_invite` creates a plain account
  for an outside expert (no organization, no staff, no password) and emails a link to choose a
  password — allauth's own password-reset link (``account_reset_password_from_key``, a
  ``PasswordResetTokenGenerator`` token: it works once, until the password changes, and for
  ``PASSWORD_RESET_TIMEOUT`` seconds; "Forgot your password?" sends a new one). Every change
  is audited.
* Declarations (the assigned evaluator only, through ``ASSIGNMENT``): no conflict opens the
  proposal; a conflict ends the assignment and tells the coordinators
  (audience ``challenges.evaluation_coordinators``).
* Reviews: scores per criterion on its scale or "not applicable", comments, confidence. Saved
  as a draft at any time and submitted (``ASSIGNMENT.submit_review``) once complete; editable
  after submitting while the evaluation phase lasts (the call closed or in evaluation, and
  before its ``evaluation_ends_at``) — refused here after that, whatever sends it.

The weighted total (:func:`weighted_total`) is ``challenges.scoring.weighted_total`` on the
call's scale, the same number the ranking uses.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from members.models import Capability, User
from notifications.services import notify_audience, notify_email

from .. import permissions, scoring
from ..models import (
    Assignment,
    Call,
    CallCriterion,
    CriterionScore,
    Evaluator,
    Proposal,
    RedactedText,
    Review,
)
from ..selectors.evaluation import REDACTABLE_FIELDS, answer_field
from ..workflows import ASSIGNMENT

#: Call states in which evaluators declare and score (the assignments' phase).
REVIEW_CALL_STATUSES = (Call.Status.CLOSED, Call.Status.IN_EVALUATION)
LANGUAGES = ("es", "en")


def _require_coordinator(actor: Any) -> None:
    if not permissions.can_coordinate_evaluation(actor):
        raise PermissionDenied(_("Only the evaluation coordinator can do this."))


def _lima(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _clean_languages(languages: Iterable[str]) -> list[str]:
    chosen = [code for code in LANGUAGES if code in set(languages)]
    if not chosen:
        raise ValidationError(
            {"languages": _("Choose at least one language.")}, code="languages_required"
        )
    return chosen


# --- The pool --------------------------------------------------------------------------------


def _save_profile(
    evaluator: Evaluator,
    *,
    expertise: Iterable[Capability],
    languages: Iterable[str],
    sector: str,
    max_load: int,
) -> None:
    evaluator.languages = _clean_languages(languages)
    evaluator.sector = sector
    evaluator.max_load = max_load
    evaluator.full_clean(exclude=["user"])
    evaluator.save()
    evaluator.expertise.set(list(expertise))


@transaction.atomic
def evaluator_add(
    *,
    actor: User,
    user: User,
    expertise: Iterable[Capability] = (),
    languages: Iterable[str] = ("es",),
    sector: str = Evaluator.Sector.INDEPENDENT,
    max_load: int = 8,
) -> Evaluator:
    """Add an existing person to the pool (a member's person, staff or an outside expert).

    A person already in the pool is refused (``ValidationError``, code ``already_evaluator``);
    a deactivated evaluator is reactivated with :func:`evaluator_set_active` instead.
    """
    _require_coordinator(actor)
    if not user.is_active:
        raise ValidationError(_("This account is not active."), code="inactive_user")
    if Evaluator.objects.select_for_update().filter(user=user).exists():
        raise ValidationError(
            _("%(person)s is already in the evaluator pool.") % {"person": user.get_full_name()},
            code="already_evaluator",
        )
    evaluator = Evaluator(user=user, added_by=actor)
    _save_profile(
        evaluator, expertise=expertise, languages=languages, sector=sector, max_load=max_load
    )
    audit_decision(actor=actor, action="evaluator.add", target=evaluator, reason=user.email)
    return evaluator


def invitation_path(user: User) -> str:
    """The portal path where an invited evaluator chooses a password (allauth's reset link)."""
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )


@dataclass(frozen=True)
class Invited:
    evaluator: Evaluator
    path: str


@transaction.atomic
def evaluator_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    expertise: Iterable[Capability] = (),
    languages: Iterable[str] = ("es",),
    sector: str = Evaluator.Sector.INDEPENDENT,
    max_load: int = 8,
    language: str = "es",
) -> Invited:
    """Invite an outside expert: a plain account (no organization, no staff role, no usable
    password) with this email, its Evaluator row, and an email (outbox) with a link to choose a
    password. The address counts as verified: the only way into the account is the link sent
    to it. An email that already has an account is refused (code ``account_exists``: add
    that person with :func:`evaluator_add`)."""
    _require_coordinator(actor)
    email = (email or "").strip().lower()
    full_name = " ".join((full_name or "").split())
    validate_email(email)
    if not full_name:
        raise ValidationError({"full_name": _("Give the expert's full name.")}, code="required")
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("This email already has an account: add that person to the pool.")},
            code="account_exists",
        )
    language = language if language in LANGUAGES else settings.LANGUAGE_CODE
    user = User.objects.create_user(email=email, password=None, full_name=full_name)
    user.language = language
    user.set_unusable_password()
    user.save(update_fields=["language", "password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    evaluator = Evaluator(user=user, added_by=actor)
    _save_profile(
        evaluator, expertise=expertise, languages=languages, sector=sector, max_load=max_load
    )
    path = invitation_path(user)
    audit_decision(actor=actor, action="evaluator.invite", target=evaluator, reason=email)
    notify_email(
        email=email,
        event="challenges.evaluator_invited",
        context={
            "full_name": full_name,
            "days": max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400),
            "coordinator": actor.get_full_name(),
        },
        actor=actor,
        url=path,
        language=language,
        idempotency_key=f"challenges.evaluator_invited:{user.pk}",
    )
    return Invited(evaluator, path)


@transaction.atomic
def evaluator_update(
    *,
    actor: User,
    evaluator: Evaluator,
    expertise: Iterable[Capability],
    languages: Iterable[str],
    sector: str,
    max_load: int,
) -> Evaluator:
    """Change an evaluator's expertise, languages, sector or load (assignments stay)."""
    _require_coordinator(actor)
    evaluator = Evaluator.objects.select_for_update().get(pk=evaluator.pk)
    before = (evaluator.sector, evaluator.max_load, list(evaluator.languages))
    _save_profile(
        evaluator, expertise=expertise, languages=languages, sector=sector, max_load=max_load
    )
    audit_decision(
        actor=actor,
        action="evaluator.update",
        target=evaluator,
        changes={
            "sector": (before[0], evaluator.sector),
            "max_load": (before[1], evaluator.max_load),
            "languages": (", ".join(before[2]), ", ".join(evaluator.languages)),
        },
    )
    return evaluator


@transaction.atomic
def evaluator_set_active(*, actor: User, evaluator: Evaluator, active: bool) -> Evaluator:
    """Deactivate (no new assignments; the current ones stay until the coordinator removes
    them) or reactivate an evaluator."""
    _require_coordinator(actor)
    evaluator = Evaluator.objects.select_for_update().get(pk=evaluator.pk)
    if evaluator.is_active == active:
        return evaluator
    evaluator.is_active = active
    evaluator.save(update_fields=["is_active"])
    audit_decision(
        actor=actor,
        action="evaluator.reactivate" if active else "evaluator.deactivate",
        target=evaluator,
        changes={"is_active": (not active, active)},
    )
    return evaluator


# --- Redacted texts for blind review -----------------------------------------------------------


def redactable_fields(proposal: Proposal) -> list[str]:
    """Field names the coordinator may redact: the fixed texts and every shown text answer."""
    from ..selectors.evaluation import shown_questions

    return [
        *REDACTABLE_FIELDS,
        *(answer_field(q.pk) for q in shown_questions(proposal) if q.kind != "file"),
    ]


@transaction.atomic
def redacted_texts_set(
    *, actor: User, proposal: Proposal, texts: Mapping[str, str]
) -> list[RedactedText]:
    """Write the redacted versions of ``texts`` (field → text); an empty text removes that
    field's redacted version (evaluators of a blind call then read no team, or the original of
    the other fields). Audited with the fields changed."""
    _require_coordinator(actor)
    allowed = set(redactable_fields(proposal))
    unknown = set(texts) - allowed
    if unknown:
        raise ValidationError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    existing = {
        r.field: r for r in RedactedText.objects.select_for_update().filter(proposal=proposal)
    }
    changed: list[str] = []
    kept: list[RedactedText] = []
    for name, raw in texts.items():
        text = (raw or "").strip()
        row = existing.get(name)
        if not text:
            if row is not None:
                row.delete()
                changed.append(name)
            continue
        if row is not None and row.text == text:
            kept.append(row)
            continue
        row = row or RedactedText(proposal=proposal, field=name)
        row.text = text
        row.written_by = actor
        row.written_at = timezone.now()
        row.full_clean()
        row.save()
        kept.append(row)
        changed.append(name)
    if changed:
        audit_decision(
            actor=actor,
            action="proposal.redact",
            target=proposal,
            reason=", ".join(sorted(changed)),
        )
    return kept


# --- Declarations ------------------------------------------------------------------------------


def _lock_assignment(assignment: Assignment) -> Assignment:
    Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    return Assignment.objects.select_related("call", "proposal", "evaluator__user").get(
        pk=assignment.pk
    )


def review_phase_open(call: Call) -> bool:
    """Evaluators may still declare and change reviews: the call is closed or in evaluation
    and its ``evaluation_ends_at`` (when set) has not passed."""
    return call.status in REVIEW_CALL_STATUSES and (
        call.evaluation_ends_at is None or timezone.now() < call.evaluation_ends_at
    )


def _require_phase(call: Call) -> None:
    if not review_phase_open(call):
        raise ValidationError(
            _("The evaluation of this call has ended: reviews can no longer change."),
            code="invalid_transition",
        )


@transaction.atomic
def assignment_declare_no_conflict(*, actor: User, assignment: Assignment) -> Assignment:
    """The evaluator declares no conflict of interest: the proposal opens to them."""
    ASSIGNMENT.authorize(assignment, "declare_no_conflict", actor=actor)
    assignment = _lock_assignment(assignment)
    ASSIGNMENT.require(assignment, "declare_no_conflict", actor=actor)
    _require_phase(assignment.call)
    ASSIGNMENT.apply(assignment, "declare_no_conflict")
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["status", "declared_at"])
    audit_decision(
        actor=actor,
        action="assignment.declare_no_conflict",
        target=assignment,
        changes={"status": (Assignment.Status.PENDING, assignment.status)},
    )
    return assignment


@transaction.atomic
def assignment_declare_conflict(
    *, actor: User, assignment: Assignment, conflict_type: str, note: str = ""
) -> Assignment:
    """The evaluator declares a conflict of ``conflict_type``: the assignment ends (it never
    opens the proposal) and the evaluation coordinators are told, in the background."""
    ASSIGNMENT.authorize(assignment, "declare_conflict", actor=actor)
    if conflict_type not in Assignment.ConflictType.values:
        raise ValidationError(
            {"conflict_type": _("Choose the kind of conflict.")}, code="conflict_type"
        )
    note = (note or "").strip()
    if conflict_type == Assignment.ConflictType.OTHER and not note:
        raise ValidationError(
            {"note": _("Say briefly what the conflict is.")}, code="note_required"
        )
    assignment = _lock_assignment(assignment)
    ASSIGNMENT.require(assignment, "declare_conflict", actor=actor)
    ASSIGNMENT.apply(assignment, "declare_conflict")
    assignment.declared_at = timezone.now()
    assignment.conflict_type = conflict_type
    assignment.conflict_note = note
    assignment.save(update_fields=["status", "declared_at", "conflict_type", "conflict_note"])
    audit_decision(
        actor=actor,
        action="assignment.declare_conflict",
        target=assignment,
        changes={"status": (Assignment.Status.PENDING, assignment.status)},
        reason=f"{conflict_type}: {note}" if note else conflict_type,
    )
    proposal = assignment.proposal
    notify_audience(
        audience="challenges.evaluation_coordinators",
        event="challenges.assignment_conflict_declared",
        context={
            "evaluator": assignment.evaluator.user.get_full_name(),
            "reference": proposal.reference or str(proposal.pk),
            "call_title": assignment.call.title,
            "conflict": str(Assignment.ConflictType(conflict_type).label),
            "note": note or "—",
        },
        actor=actor,
        url=_coordinator_url(assignment),
        idempotency_key=f"challenges.assignment_conflict_declared:{assignment.pk}",
    )
    return assignment


def _coordinator_url(assignment: Assignment) -> str:
    """The call's assignment page (where the coordinator assigns someone else)."""
    from django.urls import NoReverseMatch

    try:
        return reverse("challenges_staff:call_assignments", kwargs={"call_id": assignment.call_id})
    except NoReverseMatch:  # the assignment pages are not mounted
        return reverse("challenges_staff:evaluator_list")


# --- Reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    """One criterion's answer in the form: a score, or ``not_applicable``, and a comment."""

    score: Decimal | None = None
    not_applicable: bool = False
    comment: str = ""


def weighted_total(
    criteria: Sequence[CallCriterion], scores: Mapping[int, ScoreInput]
) -> Decimal | None:
    """The review's weighted total on the call's scale, two decimals (``challenges.scoring``:
    "not applicable" and not yet scored criteria drop out, the other weights renormalized), or
    None while nothing is scored."""
    total = scoring.weighted_total(
        criteria,
        [
            scoring.Score(criterion_id, entry.score, entry.not_applicable)
            for criterion_id, entry in scores.items()
        ],
    )
    return scoring.display(total)


def total_scale(criteria: Sequence[CallCriterion]) -> scoring.Scale:
    """The scale the totals are on (the criteria's common scale, else 0-100)."""
    return scoring.call_scale(criteria)


def review_total(review: Review, criteria: Sequence[CallCriterion]) -> Decimal | None:
    """:func:`weighted_total` of a saved review (its scores prefetched or not)."""
    return weighted_total(
        criteria,
        {
            s.criterion_id: ScoreInput(s.score, s.not_applicable, s.comment)
            for s in review.scores.all()
        },
    )


def _validate_scores(
    criteria: Sequence[CallCriterion], scores: Mapping[int, ScoreInput], *, complete: bool
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for criterion in criteria:
        entry = scores.get(criterion.pk, ScoreInput())
        key = f"score_{criterion.pk}"
        if entry.not_applicable and entry.score is not None:
            errors[key] = [
                ValidationError(_("Give a score or mark it not applicable, not both."), "both")
            ]
        elif entry.score is not None and not (
            criterion.scale_min <= entry.score <= criterion.scale_max
        ):
            errors[key] = [
                ValidationError(
                    _("Give a score from %(low)s to %(high)s.")
                    % {"low": criterion.scale_min, "high": criterion.scale_max},
                    "out_of_scale",
                )
            ]
        elif complete and entry.score is None and not entry.not_applicable:
            errors[key] = [
                ValidationError(_("Score this criterion or mark it not applicable."), "missing")
            ]
    if errors:
        raise ValidationError(errors)


def _to_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid") from None


def _review_action(first_submission: bool, assignment: Assignment) -> str:
    if first_submission:
        return "review.submit"
    return "review.edit" if assignment.status == Assignment.Status.SUBMITTED else "review.save"


@transaction.atomic
def review_save(
    *,
    actor: User,
    assignment: Assignment,
    scores: Mapping[int, ScoreInput],
    confidence: int | None,
    comment: str,
    submit: bool = False,
) -> Review:
    """Save the evaluator's review; with ``submit`` (or once submitted: edits keep it
    complete) every criterion must be scored on its scale or marked not applicable, and the
    confidence given. The first submission takes ``ASSIGNMENT.submit_review``.

    Preconditions: ``actor`` is the assigned evaluator (``PermissionDenied``); the assignment
    is in review (declared no conflict) and the evaluation phase lasts (``ValidationError``,
    code ``invalid_transition``). Enqueues nothing.
    """
    if not permissions.is_assigned_evaluator(actor, assignment):
        raise PermissionDenied(_("Only the assigned evaluator can do this."))
    assignment = _lock_assignment(assignment)
    if assignment.status not in (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED):
        raise ValidationError(
            _("Declare any conflict of interest before scoring."), code="invalid_transition"
        )
    _require_phase(assignment.call)
    first_submission = submit and assignment.status == Assignment.Status.ACCEPTED
    if first_submission:
        ASSIGNMENT.require(assignment, "submit_review", actor=actor)
    complete = submit or assignment.status == Assignment.Status.SUBMITTED
    criteria = list(CallCriterion.objects.filter(call_id=assignment.call_id))
    scores = {
        criterion_id: ScoreInput(
            _to_decimal(entry.score), entry.not_applicable, (entry.comment or "").strip()
        )
        for criterion_id, entry in scores.items()
    }
    _validate_scores(criteria, scores, complete=complete)
    if complete and confidence is None:
        raise ValidationError({"confidence": _("Say how confident you are.")}, code="missing")
    if confidence is not None and confidence not in Review.Confidence.values:
        raise ValidationError({"confidence": _("Choose a confidence level.")}, code="invalid")
    now = timezone.now()
    review, _created = Review.objects.get_or_create(assignment=assignment)
    review.confidence = confidence
    review.comment = (comment or "").strip()
    review.updated_at = now
    if first_submission:
        review.submitted_at = now
    review.full_clean(exclude=["assignment"])
    review.save(update_fields=["confidence", "comment", "updated_at", "submitted_at"])
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion in criteria:
        entry = scores.get(criterion.pk, ScoreInput())
        row = existing.get(criterion.pk) or CriterionScore(review=review, criterion=criterion)
        row.score = entry.score
        row.not_applicable = entry.not_applicable
        row.comment = entry.comment
        row.save()
    if first_submission:
        ASSIGNMENT.apply(assignment, "submit_review")
        assignment.save(update_fields=["status"])
    total = weighted_total(criteria, scores)
    audit_decision(
        actor=actor,
        action=(
            "review.submit"
            if first_submission
            else (
                "review.edit" if assignment.status == Assignment.Status.SUBMITTED else "review.save"
            )
        ),
        target=review,
        reason=f"total={total}" if total is not None else "",
    )
    return review


# --- Blind downloads -----------------------------------------------------------------------------

#: Office parts that name people and companies (author, last editor, company, manager).
_OFFICE_METADATA = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
}


def blind_file_content(attachment: Any, name: str) -> tuple[bytes, str, str]:
    """(bytes, name, content type) of a file for an evaluator in blind review: Office files
    with their document properties emptied, images re-encoded without metadata (EXIF, XMP,
    comments: Pillow writes none), text as it is. PDFs never get here (withheld)."""
    from cluster_portal.files.images import reencode_image

    from ..selectors.evaluation import is_image

    with attachment.file.open("rb") as handle:
        if is_image(attachment):
            encoded = reencode_image(handle, max_side=10000, thumbnail_side=None).image
            return encoded.content, name, encoded.mime_type
        data = handle.read()
    if name.endswith((".docx", ".xlsx", ".pptx")):
        data = strip_office_metadata(data)
    return data, name, attachment.mime_type


def strip_office_metadata(data: bytes) -> bytes:
    """An Office file (docx/xlsx/pptx) with its document properties emptied: author, last
    editor, company, manager, title, custom properties. The parts stay (empty) so Office opens
    the file without a repair. Comments' and tracked changes' authors inside the document are
    the document's text and stay — say so where the files are offered."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = _OFFICE_METADATA.get(item.filename) or source.read(item.filename)
            clean = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(clean, content)
    return out.getvalue()
