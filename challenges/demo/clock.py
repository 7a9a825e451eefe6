"""Keep an existing demo current: every date of the funnel's demo is relative to the day it was
seeded, so a demo seeded weeks ago would have no open call and a stale triage queue. When
``seed_demo`` runs on a later day, :func:`refresh` moves every date of the demo's rows forward
by the whole days that passed (the open round's opening is the anchor) and puts each demo call
back in its planned state (the periodic job may have closed or opened it meanwhile): the demo
then looks as if it had been seeded today. Nothing is created or deleted, so the counts stay
the same; on the day of seeding it does nothing.

This is demo bookkeeping, not a lifecycle move: it writes with ``QuerySet.update`` on purpose,
and only rows that belong to the demo (its rounds and calls, and what hangs from them, the
evaluator pool and the portfolio's projects included: ``portfolio.shift``). Snapshots whose
SHA-256 covers their time — proposal submissions, decision batches — are stamped again with
their hash computed again, so they still verify; frozen impact entries keep their dates (the
ledger's trigger refuses any change).
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db import models
from django.db.models import F
from django.utils import timezone

from ..models import (
    Assignment,
    AssignmentReminder,
    Call,
    CallClarification,
    CallSubscription,
    Challenge,
    ConflictOverride,
    DeadlineExtension,
    Decision,
    DecisionBatch,
    Evaluator,
    Proposal,
    ProposalAnswer,
    ProposalPartner,
    ProposalReminder,
    ProposalSubmission,
    RedactedText,
    Review,
    SurveyRound,
)
from . import portfolio
from .calls import CALLS_BY_CODE
from .common import at
from .evaluation import POOL, restamp_batch
from .proposals import restamp_submission
from .surveys import ROUNDS, SECOND


def _datetime_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and not f.auto_now and not f.auto_now_add
    ]


def _shift(queryset: models.QuerySet, delta: datetime.timedelta) -> None:
    names = _datetime_fields(queryset.model)
    if names:
        queryset.update(**{name: F(name) + delta for name in names})


def days_behind() -> int:
    """Whole days since the demo was seeded (0: seeded today, or no demo yet)."""
    title, *_texts, opens, _closes = ROUNDS[SECOND]
    current = SurveyRound.objects.filter(title=title).first()
    if current is None:
        return 0
    seeded_on = timezone.localtime(current.opens_at, timezone.get_default_timezone()).date()
    return (at(opens).date() - seeded_on).days


def refresh(*, stdout: TextIO) -> None:
    days = days_behind()
    if not days:
        return
    delta = datetime.timedelta(days=days)
    rounds = SurveyRound.objects.filter(title__in=[r[0] for r in ROUNDS.values()])
    calls = Call.objects.filter(code__in=CALLS_BY_CODE)
    proposals = Proposal.objects.filter(call__in=calls)
    _shift(SurveyRound.objects.filter(pk__in=rounds), delta)
    _shift(Challenge.objects.filter(survey_round__in=rounds), delta)
    _shift(Call.objects.filter(pk__in=calls), delta)
    for call_model in (CallClarification, CallSubscription, DeadlineExtension):
        _shift(call_model.objects.filter(call__in=calls), delta)
    _shift(Proposal.objects.filter(pk__in=proposals), delta)
    for proposal_model in (ProposalAnswer, ProposalPartner, ProposalReminder):
        _shift(proposal_model.objects.filter(proposal__in=proposals), delta)
    for submission in ProposalSubmission.objects.filter(proposal__in=proposals):
        restamp_submission(submission, submission.submitted_at + delta)
    _shift(Evaluator.objects.filter(user__email__in=[e.email for e in POOL]), delta)
    for evaluation_model in (ConflictOverride, RedactedText, Decision):
        _shift(evaluation_model.objects.filter(proposal__in=proposals), delta)
    _shift(Assignment.objects.filter(call__in=calls), delta)
    _shift(AssignmentReminder.objects.filter(assignment__call__in=calls), delta)
    _shift(Review.objects.filter(assignment__call__in=calls), delta)
    for batch in DecisionBatch.objects.filter(call__in=calls):
        restamp_batch(batch, batch.published_at + delta)
    portfolio.shift(delta)
    for call in calls:
        planned = CALLS_BY_CODE[call.code].status
        if call.status != planned:
            Call.objects.filter(pk=call.pk).update(status=planned)
    stdout.write(f"  open innovation demo moved {days} days forward to stay current")
