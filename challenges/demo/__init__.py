"""Demo data of the open-innovation funnel, loaded by ``seed_demo`` after the members' demo
(its people and organizations act here; ``convocatorias@cmsp.pe`` is the call manager).

One module per sub-domain, each going through that sub-domain's services:

* ``surveys`` — two survey rounds and 34 challenges in every triage state and confidentiality;
* ``calls`` — eight calls covering every state of the call lifecycle (built open, closed later);
* ``proposals`` — 28 proposals with consortia, drafts, submissions and withdrawals;
* ``evaluation`` — the evaluator pool, one call evaluated and decided from the solver's
  assignments to the published batch (and the archived call more briefly), one call in the
  middle of a blind evaluation;
* ``portfolio`` — sixteen projects (the evaluation's four awards and twelve more) in every
  status, with milestones, KPIs, progress updates and impact in every verification state;
* ``clock`` — keeps an existing demo current when it is seeded again on a later day.

Dates are relative to today, so a call is open whenever ``make run`` starts.
"""

from __future__ import annotations

from typing import TextIO


def seed(*, stdout: TextIO) -> None:
    from . import calls, clock, common, evaluation, portfolio, proposals, surveys

    common.reset()
    # An existing demo first catches up with today (nothing happens on the day it was seeded).
    clock.refresh(stdout=stdout)
    surveys.seed(stdout=stdout)
    # Calls that take proposals are open while the proposals are written; then each call gets
    # its real dates and goes on to its final state — the decided ones through their
    # evaluation, whose published decisions decide them — and the archived one is archived.
    calls.seed(stdout=stdout)
    proposals.seed(stdout=stdout)
    calls.finish(stdout=stdout)
    evaluation.seed(stdout=stdout)
    calls.archive_decided(stdout=stdout)
    # The decisions published above created a project per award: enriched, and more added.
    portfolio.seed(stdout=stdout)
