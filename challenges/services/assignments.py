"""Writes of evaluator assignments: by hand (with a written override for a detected conflict),
automatically for a whole call (the min-cost-flow solver of ``challenges.assignment``),
removal, the call's evaluation settings, and the reminders before an assignment is due.

Only evaluation coordinators act (``PermissionDenied`` otherwise). Assignments are made while
the call is closed or in evaluation, for submitted proposals, to active evaluators with room
(``max_load`` active assignments per call). A pair the portal flags
(``challenges.conflicts``) is refused unless the coordinator writes a reason: it becomes a
``ConflictOverride`` (kept, audited; a later recomputation never removes it). The evaluator
is told by a notification that carries the proposal's title only — in blind review the
redacted title when the coordinator wrote one — never the applicant's identity.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from members.models import User
from notifications.services import notify

from .. import permissions
from ..assignment import Result, solve
from ..conflicts import Flag, blocked_pairs, conflict_overrides, detect_conflicts
from ..models import (
    Assignment,
    AssignmentReminder,
    Call,
    ConflictOverride,
    Evaluator,
    Proposal,
    RedactedText,
)
from ..selectors.assignments import (
    active_evaluators,
    active_statuses,
    call_loads,
    evaluated_proposals,
    match_inputs,
    proposal_label,
)
from ..workflows import ASSIGNMENT

#: Call states in which evaluators may be assigned.
ASSIGNABLE_CALL_STATUSES = (Call.Status.CLOSED, Call.Status.IN_EVALUATION)
#: Days before ``due_at`` at which evaluators are reminded (each once).
REMINDER_DAYS = (3, 1)
#: Settings of the call the coordinator edits on the assignment page.
SETTINGS_FIELDS = ("reviews_per_proposal", "require_sector_mix", "blind_review", "reviews_visible")

#: The evaluator's page of their assignments (owned by the evaluator pages; fixed path).
EVALUATIONS_PATH = "/challenges/evaluations/"


def _require_coordinator(actor: Any) -> None:
    if not permissions.can_coordinate_evaluation(actor):
        raise PermissionDenied(_("Only the evaluation coordinator can do this."))


def _require_assignable(call: Call) -> None:
    if call.status not in ASSIGNABLE_CALL_STATUSES:
        raise ValidationError(
            _("Evaluators are assigned once the call has closed, until its decisions."),
            code="invalid_state",
        )


def _lima(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def evaluations_url() -> str:
    for name in ("challenges:evaluation_list", "challenges:my_evaluations"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return EVALUATIONS_PATH


def titles_for_evaluators(call: Call, proposal_ids: list[int]) -> dict[int, str]:
    """What an evaluator may read of each proposal before declaring: its title — in blind
    review, the coordinator's redacted title when there is one (one or two queries)."""
    titles = dict(Proposal.objects.filter(pk__in=proposal_ids).values_list("pk", "title"))
    if call.blind_review:
        for proposal_id, text in RedactedText.objects.filter(
            proposal_id__in=proposal_ids, field="title"
        ).values_list("proposal_id", "text"):
            titles[proposal_id] = text
    return titles


def _notify_evaluator(
    *, actor: User | None, call: Call, evaluator: Evaluator, assignments: list[Assignment]
) -> None:
    titles = titles_for_evaluators(call, [a.proposal_id for a in assignments])
    due = min((a.due_at for a in assignments if a.due_at), default=None)
    notify(
        recipients=[evaluator.user],
        event="challenges.assignments_created",
        context={
            "call_title": call.title,
            "count": len(assignments),
            "titles": "; ".join(f"“{titles[a.proposal_id]}”" for a in assignments),
            "due_at": _lima(due) or "—",
        },
        actor=actor,
        url=evaluations_url(),
        idempotency_key="challenges.assignments_created:"
        + ",".join(str(a.pk) for a in sorted(assignments, key=lambda a: a.pk)),
    )


def _load_detail(count: int, evaluator: Evaluator) -> dict[str, str]:
    return {"code": "load", "detail": f"{count}/{evaluator.max_load}"}


# --- Settings --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_settings_update(*, actor: User, call: Call, data: dict[str, Any]) -> Call:
    """The coordinator sets k, the sector mix, blind review and when reviews are visible."""
    _require_coordinator(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    changes = {}
    for name in SETTINGS_FIELDS:
        if name in data and getattr(call, name) != data[name]:
            changes[name] = (getattr(call, name), data[name])
            setattr(call, name, data[name])
    if not changes:
        return call
    call.full_clean()
    call.save(update_fields=[*changes, "updated_at"])
    audit_decision(actor=actor, action="evaluation.settings", target=call, changes=changes)
    return call


# --- By hand ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    proposal: Proposal,
    evaluator: Evaluator,
    due_at: datetime.datetime | None = None,
    override_reason: str = "",
) -> Assignment:
    """Assign ``evaluator`` to ``proposal`` by hand.

    Refused (``ValidationError``): the call is not closed or in evaluation; the proposal was
    not submitted; the evaluator is inactive, already has this proposal (or declared a
    conflict for it), or is at their load for the call; the pair is flagged and no override
    exists and no ``override_reason`` is given. With a reason, the override is written with the
    flags it overrides and audited. The evaluator is notified (title only)."""
    _require_coordinator(actor)
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    _require_assignable(call)
    proposal = Proposal.objects.select_related("lead_organization").get(pk=proposal.pk)
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Only submitted proposals are evaluated."), code="invalid_state")
    evaluator = Evaluator.objects.select_for_update().select_related("user").get(pk=evaluator.pk)
    if not evaluator.is_active:
        raise ValidationError({"evaluator": _("This evaluator is no longer in the pool.")})
    previous = Assignment.objects.filter(proposal=proposal, evaluator=evaluator).first()
    if previous is not None:
        if previous.status == Assignment.Status.CONFLICT:
            raise ValidationError(
                {"evaluator": _("This evaluator declared a conflict of interest for it.")}
            )
        if previous.status != Assignment.Status.REMOVED:
            raise ValidationError({"evaluator": _("This evaluator already has this proposal.")})
    load = Assignment.objects.filter(
        call=call, evaluator=evaluator, status__in=active_statuses()
    ).count()
    if load >= evaluator.max_load:
        raise ValidationError(
            {
                "evaluator": _("%(name)s already has %(load)s proposals in this call (the most).")
                % {"name": evaluator.user.get_full_name(), "load": load}
            }
        )
    flags = detect_conflicts(call, evaluators=[evaluator], proposals=[proposal]).get(
        (evaluator.pk, proposal.pk), []
    )
    override = ConflictOverride.objects.filter(proposal=proposal, evaluator=evaluator).first()
    override_reason = (override_reason or "").strip()
    if flags and override is None:
        if not override_reason:
            raise ValidationError(
                {
                    "override_reason": [
                        _("The portal detected a conflict of interest:"),
                        *[f.reason for f in flags],
                        _("Write why the assignment is still right to assign anyway."),
                    ]
                },
                code="conflict",
            )
        override = ConflictOverride.objects.create(
            proposal=proposal,
            evaluator=evaluator,
            flags=[f.as_json() for f in flags],
            reason=override_reason,
            decided_by=actor,
        )
        audit_decision(
            actor=actor,
            action="evaluation.conflict_override",
            target=override,
            changes={"flags": ("", "; ".join(f.reason for f in flags))},
            reason=override_reason,
        )
    match = match_inputs([proposal], [evaluator]).match(evaluator.pk, proposal.pk)
    fields: dict[str, Any] = {
        "call": call,
        "status": Assignment.Status.PENDING,
        "method": Assignment.Method.MANUAL,
        "affinity": Decimal(str(match.affinity)),
        "rationale": [
            {"code": "manual", "detail": actor.get_full_name()},
            *match.reasons,
            _load_detail(load + 1, evaluator),
        ],
        "due_at": due_at or call.evaluation_ends_at,
        "assigned_by": actor,
        "assigned_at": timezone.now(),
        "override": override if flags else None,
        "declared_at": None,
        "conflict_type": "",
        "conflict_note": "",
    }
    if previous is None:
        assignment = Assignment(proposal=proposal, evaluator=evaluator, **fields)
    else:
        # A removed assignment comes back as a new one (one row per pair).
        assignment = previous
        for name, value in fields.items():
            setattr(assignment, name, value)
        assignment.reminders.all().delete()
    assignment.full_clean()
    assignment.save()
    audit_decision(
        actor=actor,
        action="evaluation.assign",
        target=assignment,
        changes={"evaluator": ("", evaluator.user.get_full_name())},
        reason=override_reason,
    )
    _notify_evaluator(actor=actor, call=call, evaluator=evaluator, assignments=[assignment])
    return assignment


@transaction.atomic
def assignment_remove(*, actor: User, assignment: Assignment, reason: str = "") -> Assignment:
    """The coordinator takes a pending or accepted assignment back (``ASSIGNMENT.remove``)."""
    ASSIGNMENT.authorize(assignment, "remove", actor=actor)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    ASSIGNMENT.require(assignment, "remove", actor=actor)
    before = assignment.status
    ASSIGNMENT.apply(assignment, "remove")
    assignment.save(update_fields=["status"])
    audit_decision(
        actor=actor,
        action="evaluation.unassign",
        target=assignment,
        changes={"status": (before, assignment.status)},
        reason=(reason or "").strip(),
    )
    return assignment


# --- Automatically ---------------------------------------------------------------------------


@dataclass
class AutoOutcome:
    result: Result
    created: list[Assignment] = field(default_factory=list)
    kept: int = 0

    @property
    def feasible(self) -> bool:
        return self.result.feasible


@transaction.atomic
def assignments_auto(
    *, actor: User, call: Call, due_at: datetime.datetime | None = None
) -> AutoOutcome:
    """Give every submitted proposal of the call ``reviews_per_proposal`` evaluators.

    Active assignments are kept (they count towards k, the mix and the loads); pairs that were
    removed or where a conflict was declared are never proposed again; flagged pairs only when
    overridden. Runs the solver; when no assignment meets every rule, nothing changes and the
    outcome says why. Otherwise creates the missing assignments (method automatic, affinity,
    rationale) in this transaction, writes one audit record on the call and one notification
    per evaluator (all their new proposals in it)."""
    _require_coordinator(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _require_assignable(call)
    proposals = [p for p in evaluated_proposals(call) if p.status == Proposal.Status.SUBMITTED]
    all_assignments = list(
        Assignment.objects.filter(call=call).values("proposal_id", "evaluator_id", "status")
    )
    active = set(active_statuses())
    existing: dict[int, set[int]] = defaultdict(set)
    taken: set[tuple[int, int]] = set()
    for row in all_assignments:
        taken.add((row["evaluator_id"], row["proposal_id"]))
        if row["status"] in active:
            existing[row["proposal_id"]].add(row["evaluator_id"])
    evaluators = [e for e in active_evaluators() if e.is_active]
    by_id = {e.pk: e for e in evaluators}
    # Evaluators of existing assignments may have left the pool: their sector still counts.
    sectors = {e.pk: e.sector for e in evaluators}
    for e in Evaluator.objects.filter(
        pk__in={ev for evs in existing.values() for ev in evs} - set(by_id)
    ):
        sectors[e.pk] = e.sector
    loads_now = call_loads(call)
    remaining = {e.pk: max(e.max_load - loads_now.get(e.pk, 0), 0) for e in evaluators}
    flags = detect_conflicts(call, evaluators=evaluators, proposals=proposals)
    overrides = conflict_overrides(call)
    blocked = blocked_pairs(flags, overrides) | taken
    inputs = match_inputs(proposals, evaluators)
    result = solve(
        [p.pk for p in proposals],
        sectors,  # kept evaluators outside the pool count for the mix, with no room
        call.reviews_per_proposal,
        remaining,
        blocked,
        inputs.match,
        call.require_sector_mix,
        existing=existing,
        labels={p.pk: proposal_label(p) for p in proposals},
    )
    kept = sum(len(v) for v in existing.values())
    if not result.feasible:
        return AutoOutcome(result=result, kept=kept)
    now = timezone.now()
    due = due_at or call.evaluation_ends_at
    given: dict[int, int] = defaultdict(int)
    rows: list[Assignment] = []
    for placement in result.placements:
        evaluator = by_id[placement.evaluator]
        given[evaluator.pk] += 1
        pair = (placement.evaluator, placement.proposal)
        rationale = [r for r in placement.rationale if r["code"] != "load"]
        if pair in overrides:
            rationale.append({"code": "override", "detail": overrides[pair].reason})
        rationale.append(
            _load_detail(loads_now.get(evaluator.pk, 0) + given[evaluator.pk], evaluator)
        )
        rows.append(
            Assignment(
                call=call,
                proposal_id=placement.proposal,
                evaluator=evaluator,
                status=Assignment.Status.PENDING,
                method=Assignment.Method.AUTOMATIC,
                affinity=Decimal(str(placement.affinity)),
                rationale=rationale,
                due_at=due,
                assigned_by=actor,
                assigned_at=now,
                override=overrides.get(pair),
            )
        )
    created = Assignment.objects.bulk_create(rows)
    if created and created[0].pk is None:  # backends without RETURNING: read them back
        created = list(
            Assignment.objects.filter(
                call=call, assigned_at=now, method=Assignment.Method.AUTOMATIC
            )
        )
    audit_decision(
        actor=actor,
        action="evaluation.assign_auto",
        target=call,
        changes={"assignments": (kept, kept + len(created))},
        reason=_("%(count)s assignments by the solver in %(seconds).1f s.")
        % {"count": len(created), "seconds": result.seconds},
    )
    per_evaluator: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in created:
        per_evaluator[assignment.evaluator_id].append(assignment)
    for evaluator_id, assignments in per_evaluator.items():
        _notify_evaluator(
            actor=actor, call=call, evaluator=by_id[evaluator_id], assignments=assignments
        )
    return AutoOutcome(result=result, created=created, kept=kept)


# --- Reminders -------------------------------------------------------------------------------


def assignment_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind evaluators of pending or accepted assignments due within 3 days, then within
    1 day: each reminder once (an ``AssignmentReminder`` row, unique per assignment and
    window, written with the notification). Only the smallest window that applies is sent.
    Safe to run twice or concurrently. Returns how many were sent."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS))
    due = list(
        Assignment.objects.filter(
            status__in=(Assignment.Status.PENDING, Assignment.Status.ACCEPTED),
            due_at__gt=now,
            due_at__lte=horizon,
            evaluator__is_active=True,
        )
        .select_related("evaluator__user", "call")
        .prefetch_related("reminders")
        .order_by("pk")
    )
    titles: dict[int, str] = {}
    by_call: dict[int, list[int]] = defaultdict(list)
    calls: dict[int, Call] = {}
    for a in due:
        by_call[a.call_id].append(a.proposal_id)
        calls[a.call_id] = a.call
    for call_id, proposal_ids in by_call.items():
        titles.update(titles_for_evaluators(calls[call_id], proposal_ids))
    sent = 0
    for assignment in due:
        if assignment.due_at is None:  # filtered above; for the type checker
            continue
        days = next(
            d
            for d in sorted(REMINDER_DAYS)
            if assignment.due_at - now <= datetime.timedelta(days=d)
        )
        if any(r.days_before == days for r in assignment.reminders.all()):
            continue
        try:
            with transaction.atomic():
                AssignmentReminder.objects.create(
                    assignment=assignment, days_before=days, sent_at=now
                )
                notify(
                    recipients=[assignment.evaluator.user],
                    event="challenges.assignment_due_reminder",
                    context={
                        "proposal_title": titles.get(assignment.proposal_id, ""),
                        "call_title": assignment.call.title,
                        "due_at": _lima(assignment.due_at),
                        "days": days,
                        "pending": assignment.status == Assignment.Status.PENDING,
                    },
                    url=evaluations_url(),
                    idempotency_key=f"challenges.assignment_reminder:{assignment.pk}:{days}",
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def flags_as_text(flags: list[Flag]) -> str:
    return " ".join(f.reason for f in flags)
