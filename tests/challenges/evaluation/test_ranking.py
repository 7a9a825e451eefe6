"""A call's ranking (challenges.selectors.ranking), its staff page and its XLSX export.

The database holds the hand-computed example of ``test_scoring.py`` (4 evaluators, 4 proposals,
11 submitted reviews) plus what must not count: a review still in progress, a withdrawn
proposal's review, a draft proposal, a review with every criterion "not applicable", and a
submitted proposal nobody reviewed yet."""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from challenges.models import (
    Assignment,
    Call,
    CallCriterion,
    CallQuestion,
    CriterionScore,
    Proposal,
)
from challenges.selectors.ranking import call_ranking
from cluster_portal.core import roles
from members.models import OrganizationMember
from tests.challenges.evaluation.test_scoring import CALIBRATED, SCORES, TOTALS
from tests.challenges.factories import (
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    CallQuestionFactory,
    EvaluatorFactory,
    ProposalAnswerFactory,
    ProposalFactory,
    ReviewFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.permission_matrix import STAFF_ROLES, client_for, staff_user
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

APPROX = {"abs": 1e-6}
PERSONAL = "DNI 40404040 del jefe de proyecto"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class Example:
    call: Call
    impact: CallCriterion
    feasibility: CallCriterion
    proposals: dict[str, Proposal]
    unreviewed: Proposal


def _review(proposal, evaluator, scores, criteria, status=Assignment.Status.SUBMITTED):
    assignment = AssignmentFactory(
        proposal=proposal, call=proposal.call, evaluator=evaluator, status=status
    )
    review = ReviewFactory(
        assignment=assignment,
        submitted_at=timezone.now() if status == Assignment.Status.SUBMITTED else None,
    )
    for criterion, value in zip(criteria, scores, strict=True):
        CriterionScore.objects.create(
            review=review, criterion=criterion, score=value, not_applicable=value is None
        )
    return review


def build_example(**call_fields) -> Example:
    call = CallFactory(
        status=Call.Status.IN_EVALUATION,
        criteria=[],
        aggregation=call_fields.pop("aggregation", "mean"),
        disagreement_measure=call_fields.pop("measure", "std"),
        disagreement_threshold=call_fields.pop("threshold", 1),
    )
    impact = CallCriterionFactory(call=call, name="Impacto", name_en="Impact", weight=60)
    feasibility = CallCriterionFactory(
        call=call, name="Factibilidad", name_en="Feasibility", weight=40, position=1
    )
    criteria = [impact, feasibility]
    question = CallQuestionFactory(call=call, personal_data=True, label="DNI")
    proposals = {}
    for n, name in enumerate(("P1", "P2", "P3", "P4"), start=1):
        proposals[name] = ProposalFactory(
            call=call,
            status=Proposal.Status.SUBMITTED,
            reference=f"CMSP-2026-000{n}",
            title=f"Propuesta {name}",
            lead_organization=OrganizationFactory(legal_name=f"Líder {name} S.A.C.", trade_name=""),
        )
        ProposalAnswerFactory(proposal=proposals[name], question=question, value=PERSONAL)
    evaluators = {
        e: EvaluatorFactory(user__full_name=f"Evaluadora {e}") for e in ("E1", "E2", "E3", "E4")
    }
    for (e, p), scores in SCORES.items():
        _review(proposals[p], evaluators[e], scores, criteria)

    # None of these may move a number.
    _review(proposals["P1"], EvaluatorFactory(), (0, 0), criteria, Assignment.Status.ACCEPTED)
    _review(proposals["P4"], EvaluatorFactory(), (None, None), criteria)  # all N/A: no total
    withdrawn = ProposalFactory(call=call, status=Proposal.Status.WITHDRAWN, reference="CMSP-W")
    _review(withdrawn, evaluators["E1"], (0, 0), criteria)
    ProposalFactory(call=call, status=Proposal.Status.DRAFT, title="Borrador")
    unreviewed = ProposalFactory(
        call=call, status=Proposal.Status.SUBMITTED, reference="CMSP-2026-0009", title="Sin leer"
    )
    # Another call's reviews by the same evaluators do not count either.
    other = ProposalFactory(
        status=Proposal.Status.SUBMITTED, call__status=Call.Status.IN_EVALUATION
    )
    _review(other, evaluators["E1"], (0, 0), list(other.call.criteria.all()))
    return Example(call, impact, feasibility, proposals, unreviewed)


# --- the selector --------------------------------------------------------------------------------


def _by_reference(ranking):
    return {row.reference: row for row in ranking.rows}


def test_ranking_rows_from_submitted_reviews_only():
    example = build_example()
    ranking = call_ranking(example.call)
    assert [(r.reference, r.rank, r.tie) for r in ranking.rows] == [
        ("CMSP-2026-0001", 1, False),
        ("CMSP-2026-0002", 2, False),
        ("CMSP-2026-0003", 3, False),
        ("CMSP-2026-0004", 4, False),
        ("CMSP-2026-0009", None, False),
    ]
    rows = _by_reference(ranking)
    expected = {
        # reference: (reviews, raw mean, calibrated mean, pop sd, flagged)
        "CMSP-2026-0001": (2, 4, 3.970550, 1, False),
        "CMSP-2026-0002": (3, 3, 2.932998, 0.816497, False),
        "CMSP-2026-0003": (3, 3, 2.888987, 1.632993, True),
        "CMSP-2026-0004": (3, 2.333333, 2.530982, 0.471405, False),
    }
    for reference, (reviews, raw, calibrated, sd, flagged) in expected.items():
        row = rows[reference]
        assert row.reviews == reviews, reference
        assert row.raw == pytest.approx(raw, **APPROX), reference
        assert row.calibrated == pytest.approx(calibrated, **APPROX), reference
        assert row.spread == pytest.approx(sd, **APPROX), reference
        assert row.disagreement is flagged, reference
    unreviewed = rows["CMSP-2026-0009"]
    assert (unreviewed.reviews, unreviewed.raw, unreviewed.calibrated) == (0, None, None)
    assert rows["CMSP-2026-0001"].lead_name == "Líder P1 S.A.C."
    # The overall mean and sd are those of the eleven example totals, nothing else.
    assert ranking.calibration.overall_mean == pytest.approx(3, **APPROX)
    assert ranking.calibration.overall_sd == pytest.approx(1.206045, **APPROX)


def test_every_review_line_carries_raw_and_calibrated_totals():
    example = build_example()
    ranking = call_ranking(example.call)
    names = {f"CMSP-2026-000{n}": f"P{n}" for n in range(1, 5)}
    seen = 0
    for row, line in ranking.review_lines:
        if line.raw is None:  # the all-N/A review: listed, not counted
            assert (names[row.reference], line.calibrated) == ("P4", None)
            continue
        key = (line.evaluator_name.removeprefix("Evaluadora "), names[row.reference])
        assert line.raw == pytest.approx(TOTALS[key], **APPROX)
        assert line.calibrated == pytest.approx(CALIBRATED[key], **APPROX)
        seen += 1
    assert seen == 11


def test_criteria_breakdown():
    example = build_example()
    rows = _by_reference(call_ranking(example.call))
    # P3: Impact 5 (E1), N/A (E2), 3 (E4); Feasibility N/A (E1), 1 (E2), 3 (E4).
    impact, feasibility = rows["CMSP-2026-0003"].criteria
    assert (impact.criterion, impact.mean, impact.scored, impact.not_applicable) == (
        example.impact,
        4,
        2,
        1,
    )
    assert (feasibility.mean, feasibility.scored, feasibility.not_applicable) == (2, 2, 1)
    # P4 includes the all-N/A review in its N/A counts.
    impact, _feasibility = rows["CMSP-2026-0004"].criteria
    assert (impact.mean, impact.scored, impact.not_applicable) == (2, 3, 1)


def test_median_ranking_shows_ties():
    example = build_example(aggregation="median")
    ranking = call_ranking(example.call)
    assert [(r.reference, r.rank_label) for r in ranking.rows] == [
        ("CMSP-2026-0001", "1"),
        ("CMSP-2026-0002", "=2"),
        ("CMSP-2026-0003", "=2"),
        ("CMSP-2026-0004", "4"),
        ("CMSP-2026-0009", ""),
    ]


def test_range_measure_flags():
    example = build_example(measure="range", threshold="1.5")
    flagged = {r.reference for r in call_ranking(example.call).rows if r.disagreement}
    assert flagged == {"CMSP-2026-0001", "CMSP-2026-0002", "CMSP-2026-0003"}


def test_as_dict_is_json_and_complete():
    example = build_example()
    snapshot = call_ranking(example.call).as_dict()
    again = json.loads(json.dumps(snapshot))
    assert again == snapshot
    assert snapshot["aggregation"] == "mean"
    assert snapshot["disagreement"] == {"measure": "std", "threshold": "1.00"}
    assert snapshot["scale"] == [0.0, 5.0]
    assert snapshot["calibration"]["shrinkage_k"] == 2
    assert snapshot["calibration"]["overall_sd"] == 1.206
    first = snapshot["rows"][0]
    assert {k: first[k] for k in ("reference", "rank", "tie", "reviews", "raw", "calibrated")} == {
        "reference": "CMSP-2026-0001",
        "rank": 1,
        "tie": False,
        "reviews": 2,
        "raw": 4.0,
        "calibrated": 3.9706,
    }
    assert len(first["review_totals"]) == 2
    assert [c["weight"] for c in snapshot["criteria"]] == [60, 40]
    assert PERSONAL not in json.dumps(snapshot)


def test_empty_call():
    call = CallFactory(status=Call.Status.IN_EVALUATION)
    ranking = call_ranking(call)
    assert ranking.rows == []
    assert json.loads(json.dumps(ranking.as_dict()))["rows"] == []


def _bulk_call(proposals: int, prefix: str) -> Call:
    """``proposals`` submitted proposals, each reviewed by two of three evaluators."""
    call = CallFactory(status=Call.Status.IN_EVALUATION)
    criteria = list(call.criteria.all())
    evaluators = [EvaluatorFactory() for _ in range(3)]
    for n in range(proposals):
        proposal = ProposalFactory(
            call=call, status=Proposal.Status.SUBMITTED, reference=f"{prefix}-{n:04d}"
        )
        for i in (0, 1):
            _review(proposal, evaluators[(n + i) % 3], ((n + i) % 6, (n * 7 + i) % 6), criteria)
    return call


def test_selector_queries_do_not_grow():
    def count(call):
        with CaptureQueriesContext(connection) as ctx:
            ranking = call_ranking(call)
        return len(ctx.captured_queries), ranking

    few, small = count(_bulk_call(10, "A"))
    many, large = count(_bulk_call(60, "B"))
    assert len(small.rows) == 10
    assert len(large.rows) == 60
    assert sum(r.reviews for r in large.rows) == 120
    assert few == many == 4


# --- the staff page ------------------------------------------------------------------------------


def ranking_url(call: Call) -> str:
    return reverse("challenges_staff:call_ranking", kwargs={"call_id": call.pk})


def xlsx_url(call: Call) -> str:
    return reverse("challenges_staff:call_ranking_xlsx", kwargs={"call_id": call.pk})


def coordinator_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user(roles.EVALUATION_COORDINATOR))
    return client


def test_page_shows_both_views_ties_flags_and_links():
    example = build_example(aggregation="median")
    response = coordinator_client().get(ranking_url(example.call))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Propuesta P1",
        "Líder P1 S.A.C.",
        "3.97",  # P1's calibrated median
        "4.00",  # P1's raw median
        "=2",
        "Evaluadora E2",
        "Not applicable",
        reverse(
            "challenges_staff:call_proposal_detail",
            kwargs={"call_id": example.call.pk, "proposal_id": example.proposals["P1"].pk},
        ),
        xlsx_url(example.call),
        "No reviews yet",
    ):
        assert text in html, text
    assert html.count('data-testid="ranking-row"') == 5
    assert html.count('data-testid="disagreement-badge"') == 1  # P3 only
    assert html.count("(tie)") == 2
    assert PERSONAL not in html
    assert "Borrador" not in html


def test_page_in_spanish_keeps_the_decimal_point():
    example = build_example()
    client = coordinator_client()
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        response = client.get(ranking_url(example.call), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3.97" in html
    assert "1.00" in html  # the threshold


@pytest.mark.parametrize("role", ["visitor", "evaluator", "applicant", "staff_no_role"])
def test_refused(role):
    example = build_example()
    call = example.call
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role == "evaluator":
        # An evaluator of this very call (not staff) is no coordinator.
        assignment = Assignment.objects.filter(call=call).select_related("evaluator__user")[0]
        client.force_login(assignment.evaluator.user)
    elif role == "applicant":
        client.force_login(
            OrganizationMemberFactory(
                organization=example.proposals["P1"].lead_organization,
                role=OrganizationMember.Role.ADMIN,
            ).user
        )
    elif role == "staff_no_role":
        client.force_login(staff_user())
    for url in (ranking_url(call), xlsx_url(call)):
        response = client.get(url)
        if role == "visitor":
            assert response.status_code == 302
            assert "/login/" in response["Location"] or "login" in response["Location"]
        elif role == "staff_no_role":
            assert response.status_code == 403, (role, url)
        else:  # the staff area does not exist for people who are not staff
            assert response.status_code == 404, (role, url)
        assert b"Propuesta P1" not in response.content


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != "staff_no_role"])
def test_every_staff_role_reads(role):
    example = build_example()
    client = client_for(role)
    response = client.get(ranking_url(example.call))
    assert response.status_code == 200
    assert "Propuesta P1" in response.content.decode()


def test_post_is_refused():
    example = build_example()
    assert coordinator_client().post(ranking_url(example.call)).status_code == 405


def test_unknown_call_is_404():
    assert coordinator_client().get("/staff/challenges/calls/999999/ranking/").status_code == 404


def test_page_queries_constant(max_queries):
    client = coordinator_client()
    small = _bulk_call(10, "A")
    large = _bulk_call(60, "B")
    _response, few = run_counted(10, client.get, ranking_url(small), expect=["A-0009"])
    _response, many = run_counted(10, client.get, ranking_url(large), expect=["B-0059"])
    assert few == many
    max_queries(few, client.get, ranking_url(large), expect=["B-0059"])

    def xlsx(call):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(xlsx_url(call))
        assert response.status_code == 200
        return len(ctx.captured_queries), load_workbook(BytesIO(response.content))

    (xlsx_few, _book), (xlsx_many, book) = xlsx(small), xlsx(large)
    assert xlsx_few == xlsx_many <= few
    assert book["Ranking"].max_row == 61


# --- the XLSX export -----------------------------------------------------------------------------


def _workbook(response):
    return load_workbook(BytesIO(response.content))


def test_xlsx_export():
    example = build_example(aggregation="median")
    proposal = example.proposals["P2"]
    proposal.title = '=HYPERLINK("http://evil.example","clic")'
    proposal.save(update_fields=["title"])
    response = coordinator_client().get(xlsx_url(example.call))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="ranking-{example.call.code}.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    book = _workbook(response)
    assert book.sheetnames == ["Ranking", "Reviews", "Calibration"]

    ranking = book["Ranking"]
    header = [c.value for c in ranking[1]]
    assert header == [
        "Rank",
        "Reference",
        "Title",
        "Lead organization",
        "Status",
        "Reviews",
        "Raw score",
        "Calibrated score",
        "Spread",
        "Disagreement",
    ]
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=2)]
    assert rows[0] == ["1", "CMSP-2026-0001", "Propuesta P1", "Líder P1 S.A.C.", "Submitted",
                       2, 4.0, 3.9706, 1.0, "No"]  # fmt: skip
    # A tie marker or a title starting with "=" is no formula: neutralized with a leading
    # quote (reports.spreadsheets.neutralize), stored as text.
    assert [r[0] for r in rows] == ["1", "'=2", "'=2", "4", None]
    assert ranking["A3"].data_type == "s"
    assert ranking["C3"].value == '\'=HYPERLINK("http://evil.example","clic")'
    assert ranking["C3"].data_type == "s"
    assert rows[2][9] == "Yes"  # P3 disagrees

    reviews = book["Reviews"]
    assert [c.value for c in reviews[1]] == [
        "Reference",
        "Evaluator",
        "Confidence",
        "Impact (60 %)",
        "Feasibility (40 %)",
        "Raw total",
        "Calibrated total",
    ]
    lines = [[c.value for c in row] for row in reviews.iter_rows(min_row=2)]
    assert len(lines) == 12  # eleven scored + the all-N/A review
    assert ["CMSP-2026-0003", "Evaluadora E2", 2, "N/A", 1.0, 1.0, 1.8629] in lines
    assert ["CMSP-2026-0002", "Evaluadora E1", 2, 2.0, 4.5, 3.0, 2.196] in lines

    calibration = book["Calibration"]
    stats = {row[0].value: [c.value for c in row[1:]] for row in calibration.iter_rows(min_row=2)}
    assert stats["Evaluadora E1"] == [4, 4.0, 1.0, 0.6667, "No"]
    assert stats["Evaluadora E4"] == [1, 3.0, 0.0, 0.0, "Yes"]

    every_cell = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
    )
    assert PERSONAL not in every_cell
    assert CallQuestion.objects.filter(call=example.call, personal_data=True).exists()
