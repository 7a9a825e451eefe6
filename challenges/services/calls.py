"""Writes of challenge calls: building a call (general fields, challenges and sponsors,
eligibility, timeline, funding, questions, criteria), its lifecycle (publish, open and close on
time, evaluation, decision, archive), cloning, deadline extensions, clarifications (the FAQ) and
subscriptions.

Which transition may leave which state, and who may take it, is the ``CALL`` table of
``challenges/workflows.py``. Every service that changes a call locks its row
(``select_for_update``) and asks the table after the lock. Questions and criteria change only
while the call's state carries ``CRITERIA_EDITABLE`` (draft, scheduled): once the call opens they
are frozen, whatever the page, the API or a replayed request sends. Opening and closing are
timed transitions run by the periodic job (``call_open`` / ``call_close`` with ``actor=None``),
idempotent: a call already moved is left alone.

Refusals: ``PermissionDenied`` (who) or ``ValidationError`` (what; code ``invalid_transition`` for
a state that does not allow the change, so pages show it as a message).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core import roles
from members.models import Organization, OrganizationMember, User
from members.services._effects import staff_recipients
from notifications.services import notify, notify_audience
from notifications.services.webhooks import webhook_emit
from notifications.webhooks import payloads

from .. import permissions
from ..models import (
    Call,
    CallClarification,
    CallCriterion,
    CallQuestion,
    CallSubscription,
    Challenge,
    DeadlineExtension,
)
from ..workflows import (
    ACCEPTS_EXTENDED,
    ACCEPTS_PROPOSALS,
    CALL,
    CHALLENGE,
    CRITERIA_EDITABLE,
    PUBLISHED,
)

logger = logging.getLogger(__name__)

ClarificationStatus = CallClarification.Status

#: Fields of each section of the call's edit page (and of ``call_create`` / ``call_update``).
GENERAL_FIELDS = (
    "code",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "description",
    "description_en",
)
ELIGIBILITY_FIELDS = (
    "eligible_kinds",
    "eligible_regions",
    "members_only",
    "required_partner_kinds",
    "max_proposals_per_organization",
)
TIMELINE_FIELDS = ("opens_at", "closes_at", "evaluation_ends_at", "results_at")
FUNDING_FIELDS = ("funding_per_project", "total_funding", "max_awards")
CALL_FIELDS = GENERAL_FIELDS + ELIGIBILITY_FIELDS + TIMELINE_FIELDS + FUNDING_FIELDS
#: Fields that only change before the call opens (they are the rules applicants rely on).
RULE_FIELDS = ("code", *ELIGIBILITY_FIELDS, *TIMELINE_FIELDS)

QUESTION_FIELDS = (
    "kind",
    "label",
    "label_en",
    "help_text",
    "help_text_en",
    "options",
    "required",
    "visible_to_evaluators",
    "personal_data",
)
CRITERION_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "weight",
    "scale_min",
    "scale_max",
)
CHOICE_KINDS = (CallQuestion.Kind.SINGLE_CHOICE, CallQuestion.Kind.MULTIPLE_CHOICE)
#: Total of a call's criteria weights.
WEIGHT_TOTAL = 100
#: Audit/notification text limits.
REASON_MAX_LENGTH = 2000


# --- Helpers ---------------------------------------------------------------------------------


def _require_manager(actor: Any) -> None:
    if actor is None or not permissions.can_manage_calls(actor):
        raise PermissionDenied(_("Only a call manager can do this."))


def _lock(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


def _frozen_error() -> ValidationError:
    return ValidationError(
        _("The call is open: its questions and evaluation criteria can no longer change."),
        code="invalid_transition",
    )


def _require_criteria_editable(call: Call) -> None:
    if not CALL.has_tag(call, CRITERIA_EDITABLE):
        raise _frozen_error()


def call_url(call: Call) -> str:
    return reverse("challenges:call_detail", kwargs={"code": call.code})


def call_staff_url(call: Call) -> str:
    return reverse("challenges_staff:call_detail", kwargs={"call_id": call.pk})


def _lima(value: Any) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _assign(obj: Any, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Copy the known ``fields`` present in ``data`` onto ``obj``; return the changed ones."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        value = _clean_text(data[name])
        if name in ("eligible_kinds", "eligible_regions", "required_partner_kinds"):
            value = list(dict.fromkeys(value or []))
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _timeline_errors(call: Call, *, now: Any = None) -> list[ValidationError]:
    """Dates present and in order (opens < closes ≤ evaluation ends ≤ results), closing in the
    future."""
    now = now or timezone.now()
    errors: list[ValidationError] = []
    missing = [
        str(getattr(Call._meta.get_field(name), "verbose_name", name))
        for name in TIMELINE_FIELDS
        if getattr(call, name) is None
    ]
    if missing:
        errors.append(
            ValidationError(
                _("Set every date of the timeline (missing: %(dates)s).")
                % {"dates": ", ".join(missing)},
                code="dates_missing",
            )
        )
        return errors
    # Every date is set from here on (checked above).
    opens_at, closes_at = call.opens_at, call.closes_at
    evaluation_ends_at, results_at = call.evaluation_ends_at, call.results_at
    if opens_at is None or closes_at is None or evaluation_ends_at is None or results_at is None:
        return errors
    if not opens_at < closes_at:
        errors.append(ValidationError(_("The call must open before it closes."), code="opens"))
    if not closes_at <= evaluation_ends_at:
        errors.append(
            ValidationError(
                _("The evaluation cannot end before the call closes."), code="evaluation"
            )
        )
    if not evaluation_ends_at <= results_at:
        errors.append(
            ValidationError(
                _("Results cannot be announced before the evaluation ends."), code="results"
            )
        )
    if closes_at <= now:
        errors.append(ValidationError(_("The closing time has already passed."), code="closed"))
    return errors


def _date_order_errors(call: Call) -> dict[str, str]:
    """Form errors for dates given out of order (only the dates that are set)."""
    errors: dict[str, str] = {}
    if call.opens_at and call.closes_at and not call.opens_at < call.closes_at:
        errors["closes_at"] = _("The call must open before it closes.")
    if call.closes_at and call.evaluation_ends_at and call.evaluation_ends_at < call.closes_at:
        errors["evaluation_ends_at"] = _("The evaluation cannot end before the call closes.")
    if call.evaluation_ends_at and call.results_at and call.results_at < call.evaluation_ends_at:
        errors["results_at"] = _("Results cannot be announced before the evaluation ends.")
    return errors


def _validate_funding(call: Call) -> None:
    errors: dict[str, str] = {}
    for name in ("funding_per_project", "total_funding"):
        value = getattr(call, name)
        if value is not None and value.amount <= 0:
            errors[name] = _("Enter an amount above zero.")
    per_project, total = call.funding_per_project, call.total_funding
    if (
        per_project is not None
        and total is not None
        and per_project.currency == total.currency
        and per_project.amount > total.amount
    ):
        errors["total_funding"] = _("The total cannot be less than the funding per project.")
    if per_project is not None and total is not None and per_project.currency != total.currency:
        errors["total_funding"] = _("Use the same currency for both amounts.")
    if call.max_awards == 0:
        errors["max_awards"] = _("Enter at least 1, or leave it empty.")
    if errors:
        raise ValidationError(errors)


def _validate_eligibility(call: Call) -> None:
    from cluster_portal.core.peru import Region

    errors: dict[str, str] = {}
    kinds = set(Organization.Kind.values)
    if not set(call.eligible_kinds) <= kinds:
        errors["eligible_kinds"] = _("Choose kinds of organization from the list.")
    if not set(call.required_partner_kinds) <= kinds:
        errors["required_partner_kinds"] = _("Choose kinds of organization from the list.")
    if not set(call.eligible_regions) <= set(Region.values):
        errors["eligible_regions"] = _("Choose regions from the list.")
    if errors:
        raise ValidationError(errors)


def _validate(call: Call) -> None:
    call.code = slugify(call.code or "")[:60]
    call.full_clean(exclude=["challenges", "sponsors"])
    errors = _date_order_errors(call)
    if errors:
        raise ValidationError(errors)
    _validate_eligibility(call)
    _validate_funding(call)


def _accepted(challenges: Iterable[Challenge]) -> list[Challenge]:
    chosen = list(challenges)
    refused = [c for c in chosen if not CHALLENGE.has_tag(c, PUBLISHED)]
    if refused:
        raise ValidationError(
            {
                "challenges": _("Only accepted challenges can be part of a call: %(list)s.")
                % {"list": ", ".join(str(c) for c in refused)}
            }
        )
    return chosen


def _set_relations(
    call: Call,
    *,
    challenges: Iterable[Challenge] | None,
    sponsors: Iterable[Organization] | None,
) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    if challenges is not None:
        chosen = _accepted(challenges)
        before = sorted(call.challenges.values_list("pk", flat=True))
        call.challenges.set(chosen)
        after = sorted(c.pk for c in chosen)
        if before != after:
            changes["challenges"] = (before, after)
    if sponsors is not None:
        chosen_sponsors = list(sponsors)
        before = sorted(call.sponsors.values_list("pk", flat=True))
        call.sponsors.set(chosen_sponsors)
        after = sorted(o.pk for o in chosen_sponsors)
        if before != after:
            changes["sponsors"] = (before, after)
    return changes


def suggested_sponsors(challenges: Iterable[Challenge]) -> list[Organization]:
    """The companies of ``challenges`` and of the challenges shared with them (similar problems
    of other companies): the call's natural co-sponsors (two queries)."""
    ids = [c.pk for c in challenges]
    if not ids:
        return []
    shared = Challenge.shared_with.through.objects.filter(from_challenge_id__in=ids).values(
        "to_challenge_id"
    )
    companies = Challenge.objects.filter(
        Q(pk__in=ids) | Q(pk__in=shared, status__in=CHALLENGE.values_tagged(PUBLISHED))
    ).values("organization_id")
    return list(Organization.objects.filter(pk__in=companies).order_by("legal_name"))


# --- Building a call ---------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    challenges: Iterable[Challenge] | None = None,
    sponsors: Iterable[Organization] | None = None,
) -> Call:
    """A new draft call (call managers). ``data`` holds any of :data:`CALL_FIELDS`; the
    sponsors default to the companies of the challenges and of the challenges shared with
    them. Audited."""
    _require_manager(actor)
    call = Call(created_by=actor)
    _assign(call, data, CALL_FIELDS)
    _validate(call)
    call.save()
    chosen = _accepted(challenges or [])
    if sponsors is None:
        sponsors = suggested_sponsors(chosen)
    _set_relations(call, challenges=chosen, sponsors=sponsors)
    audit_decision(actor=actor, target=call, action="call.create")
    return call


@transaction.atomic
def call_update(
    *,
    actor: User,
    call: Call,
    data: Mapping[str, Any],
    challenges: Iterable[Challenge] | None = None,
    sponsors: Iterable[Organization] | None = None,
) -> Call:
    """Change the call's fields (any of :data:`CALL_FIELDS` in ``data``), challenges or sponsors.

    Texts and funding change until the call is archived; the code, eligibility, timeline and
    challenges only before the call opens (``CRITERIA_EDITABLE``). A scheduled call must stay
    publishable: its dates are checked as :func:`call_schedule` checks them. Audited with the
    changed fields.
    """
    _require_manager(actor)
    call = _lock(call)
    if not CALL.is_open(call):
        raise ValidationError(
            _("This call is archived: it can no longer change."), code="invalid_transition"
        )
    before = {name: getattr(call, name) for name in CALL_FIELDS}
    changed = _assign(call, data, CALL_FIELDS)
    frozen_changes = [name for name in changed if name in RULE_FIELDS]
    if (frozen_changes or challenges is not None) and not CALL.has_tag(call, CRITERIA_EDITABLE):
        if frozen_changes or set(call.challenges.values_list("pk", flat=True)) != {
            c.pk for c in challenges or []
        }:
            raise ValidationError(
                _(
                    "The call is open: its code, eligibility, timeline and challenges can no "
                    "longer change."
                ),
                code="invalid_transition",
            )
        challenges = None
    _validate(call)
    if CALL.value_of(call) == Call.Status.SCHEDULED and set(changed) & set(TIMELINE_FIELDS):
        errors = _timeline_errors(call)
        if errors:
            raise ValidationError(errors)
    if changed:
        call.save(update_fields=[*changed, "updated_at"])
    changes: dict[str, tuple[Any, Any]] = {
        name: (before[name], getattr(call, name)) for name in changed
    }
    changes |= _set_relations(call, challenges=challenges, sponsors=sponsors)
    if changes:
        audit_decision(actor=actor, target=call, action="call.update", changes=changes)
    return call


# --- Questions ---------------------------------------------------------------------------------


def _normalize_options(kind: str, options: Any) -> list[dict[str, str]]:
    """Choice questions need at least two distinct options; other kinds have none."""
    if kind not in CHOICE_KINDS:
        return []
    normalized: list[dict[str, str]] = []
    seen: set[str] = set()
    for option in options or []:
        if isinstance(option, str):
            option = {"label": option}
        if not isinstance(option, Mapping):
            continue
        label = str(option.get("label") or "").strip()[:200]
        if not label:
            continue
        value = slugify(str(option.get("value") or label))[:60] or f"option-{len(seen) + 1}"
        if value in seen:
            continue
        seen.add(value)
        normalized.append(
            {"value": value, "label": label, "label_en": str(option.get("label_en") or "")[:200]}
        )
    if len(normalized) < 2:
        raise ValidationError({"options": _("Give at least two different options.")})
    return normalized


def _check_question(question: CallQuestion) -> None:
    question.options = _normalize_options(question.kind, question.options)
    question.full_clean()


@transaction.atomic
def call_question_add(*, actor: User, call: Call, data: Mapping[str, Any]) -> CallQuestion:
    """Add a question at the end of the call's form (only before the call opens)."""
    _require_manager(actor)
    call = _lock(call)
    _require_criteria_editable(call)
    last = call.questions.aggregate(last=Max("position"))["last"]
    question = CallQuestion(call=call, position=0 if last is None else last + 1)
    _assign(question, data, QUESTION_FIELDS)
    _check_question(question)
    question.save()
    audit_decision(
        actor=actor,
        target=call,
        action="call.question_add",
        changes={"question": ("", question.label)},
    )
    return question


@transaction.atomic
def call_question_update(
    *, actor: User, question: CallQuestion, data: Mapping[str, Any]
) -> CallQuestion:
    """Change a question (only before the call opens)."""
    _require_manager(actor)
    call = _lock(question.call)
    _require_criteria_editable(call)
    question = CallQuestion.objects.get(pk=question.pk, call=call)
    changed = _assign(question, data, QUESTION_FIELDS)
    _check_question(question)
    question.save()
    if changed:
        audit_decision(
            actor=actor,
            target=call,
            action="call.question_update",
            changes={"question": (question.pk, ", ".join(changed))},
        )
    return question


@transaction.atomic
def call_question_delete(*, actor: User, question: CallQuestion) -> None:
    """Remove a question (only before the call opens)."""
    _require_manager(actor)
    call = _lock(question.call)
    _require_criteria_editable(call)
    label = question.label
    CallQuestion.objects.filter(pk=question.pk, call=call).delete()
    audit_decision(
        actor=actor, target=call, action="call.question_delete", changes={"question": (label, "")}
    )


@transaction.atomic
def call_questions_reorder(*, actor: User, call: Call, order: Sequence[int]) -> None:
    """Put the call's questions in ``order`` (their ids, every one exactly once)."""
    _require_manager(actor)
    call = _lock(call)
    _require_criteria_editable(call)
    questions = {q.pk: q for q in call.questions.all()}
    if sorted(order) != sorted(questions) or len(set(order)) != len(order):
        raise ValidationError(_("Give every question of the call exactly once."), code="order")
    for position, pk in enumerate(order):
        questions[pk].position = position
    CallQuestion.objects.bulk_update(list(questions.values()), ["position"])
    audit_decision(actor=actor, target=call, action="call.questions_reorder")


# --- Criteria ----------------------------------------------------------------------------------


@transaction.atomic
def call_criterion_add(*, actor: User, call: Call, data: Mapping[str, Any]) -> CallCriterion:
    """Add a weighted criterion (only before the call opens). Weights may sum to anything
    while drafting; publishing needs exactly 100."""
    _require_manager(actor)
    call = _lock(call)
    _require_criteria_editable(call)
    last = call.criteria.aggregate(last=Max("position"))["last"]
    criterion = CallCriterion(call=call, position=0 if last is None else last + 1)
    _assign(criterion, data, CRITERION_FIELDS)
    criterion.full_clean()
    criterion.save()
    audit_decision(
        actor=actor,
        target=call,
        action="call.criterion_add",
        changes={"criterion": ("", f"{criterion.name} ({criterion.weight})")},
    )
    return criterion


@transaction.atomic
def call_criterion_update(
    *, actor: User, criterion: CallCriterion, data: Mapping[str, Any]
) -> CallCriterion:
    """Change a criterion (only before the call opens)."""
    _require_manager(actor)
    call = _lock(criterion.call)
    _require_criteria_editable(call)
    criterion = CallCriterion.objects.get(pk=criterion.pk, call=call)
    before = f"{criterion.name} ({criterion.weight})"
    _assign(criterion, data, CRITERION_FIELDS)
    criterion.full_clean()
    criterion.save()
    audit_decision(
        actor=actor,
        target=call,
        action="call.criterion_update",
        changes={"criterion": (before, f"{criterion.name} ({criterion.weight})")},
    )
    return criterion


@transaction.atomic
def call_criterion_delete(*, actor: User, criterion: CallCriterion) -> None:
    """Remove a criterion (only before the call opens)."""
    _require_manager(actor)
    call = _lock(criterion.call)
    _require_criteria_editable(call)
    label = f"{criterion.name} ({criterion.weight})"
    CallCriterion.objects.filter(pk=criterion.pk, call=call).delete()
    audit_decision(
        actor=actor, target=call, action="call.criterion_delete", changes={"criterion": (label, "")}
    )


# --- Lifecycle ---------------------------------------------------------------------------------


def call_publication_errors(call: Call, *, now: Any = None) -> list[ValidationError]:
    """Why ``call`` cannot be published now, one item per reason (empty: it can)."""
    errors: list[ValidationError] = []
    if not call.challenges.exists():
        errors.append(
            ValidationError(_("Add at least one challenge to the call."), code="no_challenge")
        )
    weights = list(call.criteria.values_list("weight", flat=True))
    if not weights:
        errors.append(ValidationError(_("Add evaluation criteria."), code="no_criteria"))
    elif sum(weights) != WEIGHT_TOTAL:
        errors.append(
            ValidationError(
                _("The criteria weights sum to %(total)s; they must sum to exactly 100.")
                % {"total": sum(weights)},
                code="weights",
            )
        )
    errors.extend(_timeline_errors(call, now=now))
    return errors


@transaction.atomic
def call_schedule(*, actor: User, call: Call) -> Call:
    """Publish the call ("schedule": announced now, opens by itself at ``opens_at``).

    Refuses with one itemized ``ValidationError`` unless the call has a challenge, criteria
    whose weights sum to exactly 100, and dates in order with the closing time in the future.
    Audited.
    """
    CALL.authorize(call, "schedule", actor=actor)
    call = _lock(call)
    CALL.require(call, "schedule", actor=actor)
    errors = call_publication_errors(call)
    if errors:
        raise ValidationError(errors)
    CALL.apply(call, "schedule")
    call.published_at = timezone.now()
    call.save(update_fields=["status", "published_at", "updated_at"])
    audit_decision(
        actor=actor,
        target=call,
        action="call.schedule",
        changes={"status": (Call.Status.DRAFT, call.status)},
    )
    return call


def _transition(*, actor: User | None, call: Call, name: str, reason: str = "") -> Call:
    if actor is not None:
        CALL.authorize(call, name, actor=actor)
    call = _lock(call)
    CALL.require(call, name, actor=actor)
    before = call.status
    CALL.apply(call, name)
    update_fields = ["status", "updated_at"]
    if name == "unschedule":
        call.published_at = None
        update_fields.append("published_at")
    call.save(update_fields=update_fields)
    audit_decision(
        actor=actor,
        target=call,
        action=f"call.{name}",
        changes={"status": (before, call.status)},
        reason=reason,
    )
    return call


@transaction.atomic
def call_unschedule(*, actor: User, call: Call) -> Call:
    """Back to draft (a scheduled call that has not opened yet). Audited."""
    return _transition(actor=actor, call=call, name="unschedule")


@transaction.atomic
def call_open(*, actor: User | None = None, call: Call) -> Call:
    """The call opens (the periodic job, at ``opens_at``; ``actor`` is always None).

    Idempotent: a call that is no longer scheduled is left as it is. Audited as the system and
    logged. The people of the matching organizations (``challenges.matchmaking``) are notified
    through one durable broadcast (the notification outbox expands it in chunks in the
    background); its idempotency key makes a repeated run notify nobody twice. Partner systems
    subscribed to ``call.published`` get a webhook (it is when the call takes proposals).
    """
    CALL.authorize(call, "open", actor=actor)
    locked = _lock(call)
    if not CALL.state_allows(locked, "open"):
        logger.info("call %s already %s: not opened again", locked.pk, locked.status)
        return locked
    call = _transition(actor=None, call=locked, name="open")
    logger.info("call %s (%s) opened", call.pk, call.code)
    webhook_emit(
        event="call.published",
        data=payloads.call_published_data(call),
        visible_to=payloads.call_published_visible(call),
    )
    notify_audience(
        audience="challenges.call_matches",
        audience_params={"call_id": call.pk},
        event="challenges.call_opened_match",
        context={
            "call_id": call.pk,
            "call_code": call.code,
            "call_title": call.title,
            "closes_at": _lima(call.closes_at),
        },
        url=call_url(call),
        idempotency_key=f"challenges.call_opened:{call.pk}",
    )
    return call


@transaction.atomic
def call_close(*, actor: User | None = None, call: Call) -> Call:
    """The call closes (the periodic job, at ``closes_at``; ``actor`` is always None).
    Idempotent; audited as the system and logged. Organizations with a logged extension may
    still submit until theirs (``ACCEPTS_EXTENDED``). Webhook ``call.closed``."""
    CALL.authorize(call, "close", actor=actor)
    locked = _lock(call)
    if not CALL.state_allows(locked, "close"):
        logger.info("call %s already %s: not closed again", locked.pk, locked.status)
        return locked
    call = _transition(actor=None, call=locked, name="close")
    logger.info("call %s (%s) closed", call.pk, call.code)
    webhook_emit(
        event="call.closed",
        data=payloads.call_closed_data(call),
        visible_to=payloads.call_closed_visible(call),
    )
    return call


@transaction.atomic
def call_start_evaluation(*, actor: User, call: Call) -> Call:
    """A closed call goes to evaluation. Audited."""
    return _transition(actor=actor, call=call, name="start_evaluation")


@transaction.atomic
def call_decide(*, actor: User, call: Call) -> Call:
    """The evaluation is over: the call is decided. Audited."""
    return _transition(actor=actor, call=call, name="decide")


@transaction.atomic
def call_archive(*, actor: User, call: Call) -> Call:
    """A decided call is archived (read-only from then on). Audited."""
    return _transition(actor=actor, call=call, name="archive")


#: The lifecycle actions a call manager takes from the call's staff page, by transition name.
LIFECYCLE_SERVICES = {
    "schedule": call_schedule,
    "unschedule": call_unschedule,
    "start_evaluation": call_start_evaluation,
    "decide": call_decide,
    "archive": call_archive,
}


# --- Cloning -----------------------------------------------------------------------------------


def _unique_code(base: str) -> str:
    base = slugify(base)[:50] or "convocatoria"
    taken = set(Call.objects.filter(code__startswith=base).values_list("code", flat=True))
    candidate = f"{base}-copia"
    number = 2
    while candidate in taken:
        candidate = f"{base}-copia-{number}"
        number += 1
    return candidate


@transaction.atomic
def call_clone(*, actor: User, call: Call) -> Call:
    """A new draft copying ``call``'s texts, eligibility, funding, questions, criteria,
    challenges and sponsors; dates cleared, a new unique code, ``cloned_from`` set. Audited on
    both calls."""
    _require_manager(actor)
    source = Call.objects.prefetch_related("questions", "criteria", "challenges", "sponsors").get(
        pk=call.pk
    )
    clone = Call(
        code=_unique_code(source.code),
        created_by=actor,
        cloned_from=source,
        **{
            name: getattr(source, name)
            for name in (*GENERAL_FIELDS, *ELIGIBILITY_FIELDS, *FUNDING_FIELDS)
            if name != "code"
        },
    )
    clone.eligible_kinds = list(source.eligible_kinds)
    clone.eligible_regions = list(source.eligible_regions)
    clone.required_partner_kinds = list(source.required_partner_kinds)
    clone.full_clean(exclude=["challenges", "sponsors"])
    clone.save()
    CallQuestion.objects.bulk_create(
        CallQuestion(
            call=clone,
            **{name: getattr(q, name) for name in (*QUESTION_FIELDS, "position")},
        )
        for q in source.questions.all()
    )
    CallCriterion.objects.bulk_create(
        CallCriterion(
            call=clone,
            **{name: getattr(c, name) for name in (*CRITERION_FIELDS, "position")},
        )
        for c in source.criteria.all()
    )
    clone.challenges.set([c for c in source.challenges.all() if CHALLENGE.has_tag(c, PUBLISHED)])
    clone.sponsors.set(source.sponsors.all())
    audit_decision(
        actor=actor, target=clone, action="call.clone", changes={"cloned_from": (source.code, "")}
    )
    return clone


# --- Deadline extensions -----------------------------------------------------------------------


def _organization_people(organization: Organization) -> list[User]:
    return [
        m.user
        for m in OrganizationMember.objects.filter(organization=organization).select_related("user")
    ]


@transaction.atomic
def extension_grant(
    *,
    actor: User,
    call: Call,
    organization: Organization,
    closes_at: Any,
    reason: str,
) -> DeadlineExtension:
    """A later deadline for one organization after a documented incident (call managers).

    Only for a published call that has not gone to evaluation, later than the call's closing
    time (and than an earlier extension, which it replaces), with the incident described.
    Logged, audited, and the organization's people are notified.
    """
    _require_manager(actor)
    call = _lock(call)
    reason = (reason or "").strip()
    if not (CALL.has_tag(call, ACCEPTS_PROPOSALS) or CALL.has_tag(call, ACCEPTS_EXTENDED)):
        raise ValidationError(
            _("Extensions are granted only while the call is open or just closed."),
            code="invalid_transition",
        )
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Describe the incident that justifies the extension.")
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = _("Keep the description under 2000 characters.")
    if closes_at is None or call.closes_at is None or closes_at <= call.closes_at:
        errors["closes_at"] = _("The new deadline must be later than the call's closing time.")
    elif closes_at <= timezone.now():
        errors["closes_at"] = _("The new deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    existing = (
        DeadlineExtension.objects.select_for_update()
        .filter(call=call, organization=organization)
        .first()
    )
    before = existing.closes_at if existing else call.closes_at
    if existing is not None:
        existing.closes_at = closes_at
        existing.reason = reason
        existing.granted_by = actor
        existing.granted_at = timezone.now()
        existing.full_clean()
        existing.save(update_fields=["closes_at", "reason", "granted_by", "granted_at"])
        extension = existing
    else:
        extension = DeadlineExtension(
            call=call,
            organization=organization,
            closes_at=closes_at,
            reason=reason,
            granted_by=actor,
        )
        extension.full_clean()
        extension.save()
    logger.info(
        "call %s: deadline of organization %s extended to %s", call.pk, organization.pk, closes_at
    )
    audit_decision(
        actor=actor,
        target=call,
        action="call.extension_grant",
        changes={f"deadline:{organization.display_name}": (before, closes_at)},
        reason=reason,
    )
    notify(
        recipients=_organization_people(organization),
        event="challenges.call_extension_granted",
        context={
            "call_title": call.title,
            "organization": organization.display_name,
            "closes_at": _lima(closes_at),
            "reason": reason,
        },
        actor=actor,
        url=call_url(call),
    )
    return extension


# --- Clarifications ------------------------------------------------------------------------------


def can_ask_now(call: Call) -> bool:
    """Questions are taken while the call is announced or open (published and not closed)."""
    return CALL.has_tag(call, PUBLISHED) and (
        CALL.has_tag(call, CRITERIA_EDITABLE) or CALL.has_tag(call, ACCEPTS_PROPOSALS)
    )


@transaction.atomic
def clarification_ask(
    *, actor: User, call: Call, organization: Organization, question: str
) -> CallClarification:
    """A signed-in person of ``organization`` asks the call managers a question, privately,
    while the call is announced or open. The call managers are notified (without the asker's
    words in the email subject)."""
    from members.viewer import viewer_for

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to ask a question."))
    if organization.pk not in viewer_for(actor).organization_ids:
        raise PermissionDenied(_("Ask on behalf of one of your organizations."))
    call = Call.objects.get(pk=call.pk)
    if not can_ask_now(call):
        raise ValidationError(
            _("Questions are taken only while the call is announced or open."),
            code="invalid_transition",
        )
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write your question.")})
    clarification = CallClarification(
        call=call, asked_by=actor, organization=organization, question=question
    )
    clarification.full_clean()
    clarification.save()
    audit_decision(actor=actor, target=clarification, action="call.clarification_ask")
    notify(
        recipients=staff_recipients(roles.MANAGE_CALLS),
        event="challenges.call_clarification_asked",
        context={"call_title": call.title, "organization": organization.display_name},
        actor=actor,
        url=reverse("challenges_staff:call_clarifications", kwargs={"call_id": call.pk}),
    )
    return clarification


def _lock_pending(clarification: CallClarification) -> CallClarification:
    locked = (
        CallClarification.objects.select_for_update()
        .select_related("call")
        .get(pk=clarification.pk)
    )
    if locked.status != ClarificationStatus.PENDING:
        raise ValidationError(
            _("This question was already dealt with (%(status)s).")
            % {"status": str(locked.get_status_display()).lower()},
            code="invalid_transition",
        )
    return locked


@transaction.atomic
def clarification_publish(
    *,
    actor: User,
    clarification: CallClarification,
    public_question: str,
    answer: str,
    public_question_en: str = "",
    answer_en: str = "",
) -> CallClarification:
    """Publish an anonymised version of the question, with the answer, in the call's public
    FAQ (the asker's own words are never shown). The asker and the call's subscribers are
    notified (subscribers through a durable broadcast)."""
    _require_manager(actor)
    clarification = _lock_pending(clarification)
    errors: dict[str, str] = {}
    if not (public_question or "").strip():
        errors["public_question"] = _("Write the question as it will be published, without names.")
    if not (answer or "").strip():
        errors["answer"] = _("Write the answer.")
    if errors:
        raise ValidationError(errors)
    clarification.public_question = public_question.strip()
    clarification.public_question_en = (public_question_en or "").strip()
    clarification.answer = answer.strip()
    clarification.answer_en = (answer_en or "").strip()
    clarification.status = ClarificationStatus.PUBLISHED
    clarification.answered_by = actor
    clarification.published_at = timezone.now()
    clarification.full_clean()
    clarification.save()
    call = clarification.call
    audit_decision(actor=actor, target=clarification, action="call.clarification_publish")
    context = {
        "call_title": call.title,
        "question": clarification.public_question,
        "answer": clarification.answer,
    }
    url = call_url(call) + "#faq"
    notify_audience(
        audience="challenges.call_subscribers",
        audience_params={"call_id": call.pk},
        event="challenges.call_clarification_published",
        context=context,
        url=url,
        idempotency_key=f"challenges.clarification_published:{clarification.pk}",
    )
    if clarification.asked_by is not None:
        notify(
            recipients=[clarification.asked_by],
            event="challenges.call_clarification_answered",
            context={"call_title": call.title, "answer": clarification.answer},
            actor=actor,
            url=url,
            idempotency_key=f"challenges.clarification_answered:{clarification.pk}",
        )
    return clarification


@transaction.atomic
def clarification_answer_privately(
    *, actor: User, clarification: CallClarification, answer: str
) -> CallClarification:
    """Answer only the person who asked (a question about their own case)."""
    _require_manager(actor)
    clarification = _lock_pending(clarification)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    clarification.answer = answer
    clarification.status = ClarificationStatus.ANSWERED_PRIVATELY
    clarification.answered_by = actor
    clarification.save(update_fields=["answer", "status", "answered_by"])
    audit_decision(actor=actor, target=clarification, action="call.clarification_answer")
    if clarification.asked_by is not None:
        notify(
            recipients=[clarification.asked_by],
            event="challenges.call_clarification_answered",
            context={"call_title": clarification.call.title, "answer": answer},
            actor=actor,
            url=call_url(clarification.call),
            idempotency_key=f"challenges.clarification_answered:{clarification.pk}",
        )
    return clarification


@transaction.atomic
def clarification_dismiss(
    *, actor: User, clarification: CallClarification, reason: str = ""
) -> CallClarification:
    """Set a question aside (a duplicate, already answered in the FAQ, not a question)."""
    _require_manager(actor)
    clarification = _lock_pending(clarification)
    clarification.status = ClarificationStatus.DISMISSED
    clarification.answered_by = actor
    clarification.save(update_fields=["status", "answered_by"])
    audit_decision(
        actor=actor,
        target=clarification,
        action="call.clarification_dismiss",
        reason=(reason or "").strip()[:REASON_MAX_LENGTH],
    )
    return clarification


# --- Subscriptions -------------------------------------------------------------------------------


def call_subscribe(*, actor: User, call: Call) -> CallSubscription:
    """Follow the call's FAQ and deadlines (a signed-in person, a call they may see).
    Idempotent."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to follow a call."))
    if not permissions.can_view_call(actor, call):
        raise PermissionDenied
    subscription, _created = CallSubscription.objects.get_or_create(call=call, user=actor)
    return subscription


def call_unsubscribe(*, actor: User, call: Call) -> None:
    """Stop following the call. Idempotent."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to follow a call."))
    CallSubscription.objects.filter(call=call, user=actor).delete()
