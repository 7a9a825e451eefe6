"""Reads of the evaluation for evaluators and for the evaluator pool.

Evaluators are not staff: everything they read comes from their own assignments, through
:func:`assignment_get_for_evaluator` (404 for anything else, the same answer for "not yours" and
"does not exist"). What they may read of a proposal is built here once
(:func:`evaluator_proposal`) and rendered as is, so blind review is decided in one place:

* before the declaration (``pending``): the title only (in blind review the coordinator's
  redacted title when there is one);
* after it (``REVIEWING``): the proposal's fields, the answers of questions visible to
  evaluators and not personal data, and the files of the proposal. In **blind review** never
  the lead's or the partners' names, RUC, people, team, commitment letters, file names or file
  metadata: texts are replaced by the coordinator's redacted version where one was written
  (the team only appears through one), files are numbered "Anexo 1.docx" and served by
  :func:`evaluator_file` with Office metadata removed, and PDFs are withheld (the portal cannot
  remove a PDF's metadata without a PDF library).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cluster_portal.files.models import Attachment
from cluster_portal.files.validation import KINDS

from ..models import (
    Assignment,
    CallCriterion,
    CallQuestion,
    Evaluator,
    Proposal,
    RedactedText,
    Review,
)
from ..models.proposals import ANSWER_FILE_PURPOSE_PREFIX, PROPOSAL_ATTACHMENT_PURPOSE
from ..workflows import ACTIVE_ASSIGNMENT, ASSIGNMENT, REVIEWING

#: Text fields of a proposal the coordinator may rewrite for blind review (besides answers).
REDACTABLE_FIELDS: tuple[str, ...] = ("title", "summary", "technical_approach", "team")
#: File kinds offered to evaluators in blind review: Office files have their document
#: properties emptied (``challenges.services.evaluation.strip_office_metadata``), images are
#: re-encoded without metadata when downloaded, text carries none. PDFs are withheld.
BLIND_FILE_KINDS = frozenset({"docx", "xlsx", "pptx", "csv", "txt", "png", "jpeg", "webp"})
POOL_PAGE_SIZE = 25


def answer_field(question_id: int) -> str:
    """The :class:`RedactedText` field name of a question's answer."""
    return f"answer_{question_id}"


# --- The pool (coordinators) -----------------------------------------------------------------


def evaluator_pool(*, query: str = "", active: str = "") -> QuerySet[Evaluator]:
    """The evaluator pool with each person, expertise and current load (active assignments in
    every call), by name: two queries per page (rows + expertise)."""
    rows = (
        Evaluator.objects.select_related("user")
        .prefetch_related("expertise")
        .annotate(
            load=Count(
                "assignments",
                filter=Q(assignments__status__in=ASSIGNMENT.values_tagged(ACTIVE_ASSIGNMENT)),
            )
        )
        .order_by("-is_active", "user__full_name", "pk")
    )
    if query.strip():
        term = query.strip()
        rows = rows.filter(
            Q(user__full_name__icontains=term)
            | Q(user__email__icontains=term)
            | Q(expertise__name_es__icontains=term)
            | Q(expertise__name_en__icontains=term)
        ).distinct()
    if active in ("yes", "no"):
        rows = rows.filter(is_active=active == "yes")
    return rows


def evaluator_pool_page(params: Any) -> Page[Evaluator]:
    paginator = Paginator(
        evaluator_pool(query=params.get("q", ""), active=params.get("active", "")),
        POOL_PAGE_SIZE,
    )
    return paginator.get_page(params.get("page"))


def evaluator_get(evaluator_id: int) -> Evaluator:
    try:
        return Evaluator.objects.select_related("user").get(pk=evaluator_id)
    except Evaluator.DoesNotExist:
        raise Http404 from None


# --- Evaluators ------------------------------------------------------------------------------


def _evaluator_assignments(user: Any) -> QuerySet[Assignment]:
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return Assignment.objects.filter(evaluator__user_id=user.pk)


def my_evaluations(*, user: Any) -> list[Assignment]:
    """The person's active assignments (waiting for the declaration, in review, submitted),
    due first, each with the call and the title it may show (one or two queries)."""
    rows = list(
        _evaluator_assignments(user)
        .filter(status__in=ASSIGNMENT.values_tagged(ACTIVE_ASSIGNMENT))
        .select_related("call", "proposal")
        .order_by("due_at", "call_id", "pk")
    )
    _attach_titles(rows)
    return rows


def _attach_titles(assignments: list[Assignment]) -> None:
    """``shown_title`` on each: in blind review the redacted title when there is one."""
    blind_ids = [a.proposal_id for a in assignments if a.call.blind_review]
    redacted: dict[int, str] = {}
    if blind_ids:
        redacted = dict(
            RedactedText.objects.filter(proposal_id__in=blind_ids, field="title").values_list(
                "proposal_id", "text"
            )
        )
    for assignment in assignments:
        title = assignment.proposal.title
        if assignment.call.blind_review:
            title = redacted.get(assignment.proposal_id, title)
        assignment.shown_title = title  # type: ignore[attr-defined]


def assignment_get_for_evaluator(
    *, user: Any, assignment_id: int, reviewing: bool = False
) -> Assignment:
    """The person's own active assignment (``reviewing``: only once the declaration let them
    read the proposal). Anything else is a 404, the same as an id that does not exist."""
    statuses = ASSIGNMENT.values_tagged(REVIEWING if reviewing else ACTIVE_ASSIGNMENT)
    assignment = (
        _evaluator_assignments(user)
        .filter(pk=assignment_id, status__in=statuses)
        .select_related("call", "proposal", "evaluator__user")
        .first()
    )
    if assignment is None:
        raise Http404
    _attach_titles([assignment])
    return assignment


@dataclass(frozen=True)
class ShownFile:
    number: int
    name: str  # "Anexo 1.docx" in blind review, the original name otherwise
    question_id: int | None  # the question a file answer answers (None: a plain attachment)
    attachment_id: Any


@dataclass(frozen=True)
class ShownAnswer:
    label: str
    text: str
    redacted: bool = False
    files: list[ShownFile] = field(default_factory=list)


@dataclass(frozen=True)
class EvaluatorProposal:
    """Everything an evaluator reads of a proposal (see the module docstring)."""

    assignment: Assignment
    blind: bool
    title: str
    summary: str
    technical_approach: str
    team: str
    redacted: frozenset[str]
    trl_start: int | None
    trl_end: int | None
    budget: Any
    co_funding: Any
    duration_months: int | None
    challenge: str
    lead: str
    partners: list[str]
    answers: list[ShownAnswer]
    files: list[ShownFile]
    withheld_files: int


def _choice_label(question: CallQuestion, value: Any) -> str:
    for option in question.options or []:
        if str(option.get("value")) == str(value):
            return str(option.get("label") or value)
    return str(value)


def _answer_text(question: CallQuestion, value: Any) -> str:
    if value in (None, "", []):
        return ""
    if question.kind == CallQuestion.Kind.SINGLE_CHOICE:
        return _choice_label(question, value)
    if question.kind == CallQuestion.Kind.MULTIPLE_CHOICE and isinstance(value, list):
        return "; ".join(_choice_label(question, v) for v in value)
    return str(value)


def _extension(attachment: Attachment) -> str:
    kind = next((k for k in KINDS.values() if k.mime_type == attachment.mime_type), None)
    return kind.extensions[0] if kind else "bin"


def _kind(attachment: Attachment) -> str:
    kind = next((k for k in KINDS.values() if k.mime_type == attachment.mime_type), None)
    return kind.code if kind else ""


def shown_questions(proposal: Proposal) -> list[CallQuestion]:
    """The call's questions an evaluator may read the answers of."""
    return [
        q for q in proposal.call.questions.all() if q.visible_to_evaluators and not q.personal_data
    ]


def evaluator_files(proposal: Proposal, *, blind: bool) -> tuple[list[Attachment], int]:
    """(the files an evaluator may download, numbered by position; how many were withheld).

    Attachments of the proposal and file answers of shown questions; in blind review PDFs are
    withheld. Commitment letters are never among them (they hang on the partner)."""
    allowed_purposes = {PROPOSAL_ATTACHMENT_PURPOSE} | {
        f"{ANSWER_FILE_PURPOSE_PREFIX}{q.pk}" for q in shown_questions(proposal)
    }
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=proposal.pk,
        purpose__in=allowed_purposes,
    ).order_by("created_at", "pk")
    files: list[Attachment] = []
    withheld = 0
    for attachment in rows:
        if blind and _kind(attachment) not in BLIND_FILE_KINDS:
            withheld += 1
            continue
        files.append(attachment)
    return files, withheld


def _question_id(purpose: str) -> int | None:
    suffix = purpose.removeprefix(ANSWER_FILE_PURPOSE_PREFIX)
    return int(suffix) if purpose != suffix and suffix.isdigit() else None


def blind_file_name(number: int, attachment: Attachment) -> str:
    """ "Anexo 3.docx": images are served re-encoded, JPEG and WebP as WebP."""
    extension = "webp" if _kind(attachment) in ("jpeg", "webp") else _extension(attachment)
    return f"Anexo {number}.{extension}"


def is_image(attachment: Attachment) -> bool:
    return _kind(attachment) in ("png", "jpeg", "webp")


def evaluator_proposal(assignment: Assignment) -> EvaluatorProposal:
    """What the assigned evaluator reads of the proposal (after the declaration)."""
    proposal = (
        Proposal.objects.select_related("call", "lead_organization", "challenge")
        .prefetch_related(
            "answers",
            Prefetch("call__questions", queryset=CallQuestion.objects.order_by("position", "pk")),
        )
        .get(pk=assignment.proposal_id)
    )
    blind = proposal.call.blind_review
    redacted = (
        dict(RedactedText.objects.filter(proposal=proposal).values_list("field", "text"))
        if blind
        else {}
    )
    questions = shown_questions(proposal)
    answers_by_question = {a.question_id: a.value for a in proposal.answers.all()}
    attachments, withheld = evaluator_files(proposal, blind=blind)
    files = [
        ShownFile(
            number=i,
            name=blind_file_name(i, a) if blind else a.original_name,
            question_id=_question_id(a.purpose),
            attachment_id=a.pk,
        )
        for i, a in enumerate(attachments, start=1)
    ]
    answers = []
    for question in questions:
        if question.kind == CallQuestion.Kind.FILE:
            answers.append(
                ShownAnswer(
                    label=question.localized_label,
                    text="",
                    files=[f for f in files if f.question_id == question.pk],
                )
            )
            continue
        key = answer_field(question.pk)
        text = _answer_text(question, answers_by_question.get(question.pk))
        if key in redacted:
            answers.append(ShownAnswer(question.localized_label, redacted[key], redacted=True))
        else:
            answers.append(ShownAnswer(question.localized_label, text))

    def text_of(name: str) -> str:
        if name in redacted:
            return redacted[name]
        if blind and name == "team":
            return ""  # the team names people: only a redacted version is shown
        return str(getattr(proposal, name) or "")

    challenge = ""
    if proposal.challenge is not None:
        challenge = proposal.challenge.public_title or proposal.challenge.reference or ""
    partners = (
        []
        if blind
        else [
            p.organization.display_name
            for p in proposal.partners.select_related("organization").filter(
                status__in=("invited", "confirmed")
            )
        ]
    )
    return EvaluatorProposal(
        assignment=assignment,
        blind=blind,
        title=text_of("title"),
        summary=text_of("summary"),
        technical_approach=text_of("technical_approach"),
        team=text_of("team"),
        redacted=frozenset(redacted),
        trl_start=proposal.trl_start,
        trl_end=proposal.trl_end,
        budget=proposal.budget,
        co_funding=proposal.co_funding,
        duration_months=proposal.duration_months,
        challenge=challenge,
        lead="" if blind else proposal.lead_organization.display_name,
        partners=partners,
        answers=answers,
        files=files,
        withheld_files=withheld,
    )


def evaluator_file(assignment: Assignment, number: int) -> tuple[Attachment, str]:
    """(the ``number``-th file the evaluator may download, the name to serve it under), or 404."""
    proposal = Proposal.objects.select_related("call").get(pk=assignment.proposal_id)
    blind = proposal.call.blind_review
    attachments, _withheld = evaluator_files(proposal, blind=blind)
    if not 1 <= number <= len(attachments):
        raise Http404
    attachment = attachments[number - 1]
    return attachment, (blind_file_name(number, attachment) if blind else attachment.original_name)


# --- Reviews ---------------------------------------------------------------------------------


def call_criteria(assignment: Assignment) -> list[CallCriterion]:
    return list(CallCriterion.objects.filter(call_id=assignment.call_id).order_by("position", "pk"))


def review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def may_see_other_reviews(assignment: Assignment) -> bool:
    """The call shows evaluators each other's reviews after submitting their own, and this
    evaluator did ("never" and "before submitting" show nothing)."""
    return (
        assignment.call.reviews_visible == "after_own"
        and assignment.status == Assignment.Status.SUBMITTED
    )


def other_reviews(assignment: Assignment) -> list[Review]:
    """The other submitted reviews of the same proposal, when :func:`may_see_other_reviews`
    (anonymous: "Evaluator 1, 2…"; two queries), else an empty list and no query."""
    if not may_see_other_reviews(assignment):
        return []
    return list(
        Review.objects.filter(
            assignment__proposal_id=assignment.proposal_id,
            assignment__status=Assignment.Status.SUBMITTED,
            submitted_at__isnull=False,
        )
        .exclude(assignment_id=assignment.pk)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )


# --- Dashboard -------------------------------------------------------------------------------


def evaluator_profile_of(user: Any) -> Evaluator | None:
    """The person's evaluator profile, or None: one query, kept on the user object (Django
    caches the reverse one-to-one, absent profiles too), so every dashboard panel that asks
    pays it once."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "evaluator_profile", None)


def evaluations_panel(viewer: Any) -> dict[str, Any] | None:
    """ "My evaluations" on the personal dashboard: declarations and reviews waiting for the
    person, the next due date and a link to the queue. For evaluators with active assignments,
    and for outside experts (an evaluator profile and no organization: this is all the portal
    holds for them) even before their first assignment. One query besides the profile's."""
    profile = evaluator_profile_of(viewer.user)
    if profile is None:
        return None
    to_declare = ASSIGNMENT.sources("declare_no_conflict")
    to_score = ASSIGNMENT.sources("submit_review")
    waiting = Q(status__in=to_declare) | Q(status__in=to_score)
    counts = Assignment.objects.filter(
        evaluator=profile, status__in=ASSIGNMENT.values_tagged(ACTIVE_ASSIGNMENT)
    ).aggregate(
        active=Count("pk"),
        to_declare=Count("pk", filter=Q(status__in=to_declare)),
        to_score=Count("pk", filter=Q(status__in=to_score)),
        next_due=Min("due_at", filter=waiting),
    )
    outside_expert = not viewer.organization_ids
    if not counts["active"] and not outside_expert:
        return None
    return {
        **counts,
        "outside_expert": outside_expert,
        "pool_active": profile.is_active,
        "now": timezone.now(),
    }
