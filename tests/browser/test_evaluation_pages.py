"""The evaluation's pages as a browser lays them out (issue 10): every page of the evaluation
coordinator (evaluator pool, an evaluator's profile, the call's assignments with its evaluation
settings, ranking, decisions, texts for blind review) and of the evaluator (My evaluations, the
declaration, the proposal, the review form with other evaluators' reviews) at 1,280 and 320 CSS
pixels: no serious axe finding at either width, nothing makes the page scroll sideways at 320 px
(tables scroll inside their own box), every action in view at 1,280 px. Screenshots of each page
at both widths go to ``test-artifacts/evaluation-<page>-<width>.png``.

The world is built with the factories and the services, with long names where they hurt most
(a proposal title with a long word, a long organization name)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from challenges.models import Assignment, Call, Proposal
from challenges.services.decisions import decision_set
from challenges.services.evaluation import (
    ScoreInput,
    assignment_declare_no_conflict,
    redacted_texts_set,
    review_save,
)
from members.models import User
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import goto, log_in, serious_accessibility_violations
from tests.browser.test_reflow import DESKTOP, HIDDEN_ACTIONS_JS, NARROW, OVERFLOW_JS
from tests.challenges.evaluation.assignment_world import evaluator
from tests.challenges.evaluation.evaluator_world import coordinator_user
from tests.challenges.factories import AssignmentFactory, CallFactory, ProposalFactory
from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def review(assignment: Assignment, scores: tuple[int, int], *, submit: bool = True) -> None:
    """The assignment's evaluator declares no conflict and saves (or submits) a review."""
    user = assignment.evaluator.user
    assignment = assignment_declare_no_conflict(actor=user, assignment=assignment)
    criteria = list(assignment.call.criteria.order_by("position"))
    review_save(
        actor=user,
        assignment=assignment,
        scores={
            c.pk: ScoreInput(score=Decimal(s), comment=f"Comentario sobre {c.name}.")
            for c, s in zip(criteria, scores, strict=True)
        },
        confidence=2,
        comment="La propuesta es sólida, pero el cronograma del piloto es ajustado.",
        submit=submit,
    )


@pytest.fixture
def pages(db: None) -> dict[str, object]:
    """A blind call in evaluation with three submitted proposals; the evaluator of the pages has
    one assignment of each kind (waiting for the declaration, a draft review, a submitted one),
    another evaluator has submitted two reviews; one decision is pending; a redacted summary."""
    now = timezone.now()
    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        title="Monitoreo predictivo de polines en fajas de relaves de gran altitud 2026",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        evaluation_ends_at=now + datetime.timedelta(days=20),
        blind_review=True,
        reviews_visible="after_own",
        reviews_per_proposal=2,
    )
    proposals = [
        ProposalFactory(
            call=call,
            lead_organization=OrganizationFactory(legal_name=legal, trade_name=trade),
            status=Proposal.Status.SUBMITTED,
            reference=f"CMSP-2026-02{n:02d}",
            title=title,
        )
        for n, (legal, trade, title) in enumerate(
            (
                (
                    "Consorcio de Ingeniería y Servicios Electromecánicos del Altiplano S.A.C.",
                    "IngeAltiplano",
                    "Electromecanotermografía: polines instrumentados para fajas de relaves",
                ),
                ("Termografía del Sur S.A.C.", "TermoSur", "Termografía de fajas"),
                ("Datos Mineros S.A.C.", "DataMin", "Gemelo digital de fajas"),
            ),
            start=1,
        )
    ]
    coordinator = coordinator_user()
    me = evaluator(name="Lucía Paredes Villanueva", email="lucia@paredes-consultora.pe")
    other = evaluator(name="Marco Salas", email="marco@salas-ingenieria.pe")
    due = now + datetime.timedelta(days=10)
    mine = [AssignmentFactory(proposal=p, call=call, evaluator=me, due_at=due) for p in proposals]
    theirs = [
        AssignmentFactory(proposal=p, call=call, evaluator=other, due_at=due) for p in proposals[:2]
    ]
    review(mine[0], (4, 3), submit=False)
    review(mine[1], (3, 4))
    review(theirs[0], (5, 5))
    review(theirs[1], (1, 2))
    decision_set(actor=coordinator, proposal=proposals[0], outcome="award", feedback="Buen piloto.")
    redacted_texts_set(
        actor=coordinator,
        proposal=proposals[0],
        texts={"summary": "La empresa instala polines instrumentados en una unidad minera."},
    )
    staff = f"/staff/challenges/calls/{call.pk}"
    return {
        "coordinator": coordinator,
        "evaluator": me.user,
        "coordinator_pages": {
            "pool": "/staff/challenges/evaluators/",
            "evaluator": f"/staff/challenges/evaluators/{me.pk}/",
            "assignments": f"{staff}/assignments/",
            "ranking": f"{staff}/ranking/",
            "decisions": f"{staff}/decisions/",
            "redact": f"/staff/challenges/proposals/{proposals[0].pk}/redact/",
        },
        "evaluator_pages": {
            "my-evaluations": "/challenges/evaluations/",
            "declare": f"/challenges/evaluations/{mine[2].pk}/declare/",
            "proposal": f"/challenges/evaluations/{mine[0].pk}/",
            "review": f"/challenges/evaluations/{mine[0].pk}/review/",
            "review-submitted": f"/challenges/evaluations/{mine[1].pk}/review/",
        },
    }


def check(page, named_paths: dict[str, str]) -> list[str]:
    """Each page at 1,280 then 320 px: shown, axe clean, no sideways scrolling, actions in view
    at 1,280 px; a full-page screenshot at each width."""
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        width = size["width"]
        for name, path in named_paths.items():
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200 or not page.url.endswith(path):
                problems.append(f"{path}: not shown ({response and response.status} at {page.url})")
                continue
            if found := serious_accessibility_violations(page, targets=True):
                problems.append(f"{path} at {width}px: axe {found}")
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{path}: {overflow['scrollWidth']}px wide at {width}px"
                    f" ({', '.join(overflow['culprits'])})"
                )
            if size is DESKTOP and (hidden := page.evaluate(HIDDEN_ACTIONS_JS)):
                problems.append(f"{path}: actions outside the viewport at 1280px: {hidden}")
            page.screenshot(path=str(ARTIFACTS / f"evaluation-{name}-{width}.png"), full_page=True)
    return problems


def test_evaluation_pages_pass_axe_and_reflow_at_1280_and_320_px(page, pages) -> None:
    coordinator: User = pages["coordinator"]  # type: ignore[assignment]
    goto(page, "/")
    log_in(page, coordinator, totp_secret=coordinator.totp_secret)  # type: ignore[attr-defined]
    assert "/accounts/" not in page.url, page.url
    problems = check(page, pages["coordinator_pages"])  # type: ignore[arg-type]
    page.context.clear_cookies()

    goto(page, "/")
    log_in(page, pages["evaluator"])
    assert "/accounts/" not in page.url, page.url
    problems += check(page, pages["evaluator_pages"])  # type: ignore[arg-type]
    assert not problems, "\n".join(problems)
