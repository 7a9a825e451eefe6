"""Report kind ``call_ranking``: the staff ranking page's figures (the hand-computed example of
``tests/challenges/evaluation``), who may ask for it, its form and its queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from challenges.models import Decision
from challenges.selectors.ranking import call_ranking
from tests.challenges.evaluation.test_ranking import PERSONAL, _bulk_call, build_example
from tests.challenges.factories import CallFactory
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "call_ranking"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_request_matrix():
    call = CallFactory()
    assert_request_matrix(KIND, {"call": call.pk})


def test_an_unknown_call_cannot_be_requested(staff_user):
    spec_filters = {"call": 999_999}
    from reports.catalogue import get_kind

    assert not get_kind(KIND).can_request(staff_user, spec_filters)
    assert not get_kind(KIND).can_request(staff_user, {"call": "x"})


def test_form():
    call = CallFactory()
    assert clean_filters(KIND, {"call": str(call.pk)}) == {"call": call.pk}
    assert "call" in form_errors(KIND, {})
    assert form_errors(KIND, {"call": "999999"})["call"] == ["Choose one of the calls."]


def test_sheets_match_the_ranking_page():
    example = build_example(aggregation="median")
    p2 = example.proposals["P2"]
    p2.title = '=HYPERLINK("http://evil.example","clic")'
    p2.save(update_fields=["title"])
    Decision.objects.create(proposal=example.proposals["P1"], outcome=Decision.Outcome.AWARD)

    built = build_xlsx(KIND, {"call": example.call.pk})

    assert list(built.sheets) == ["Ranking", "Reviews", "Calibration"]
    assert built.header("Ranking") == [
        "Rank",
        "Tie",
        "Reference",
        "Title",
        "Lead organization",
        "Reviews",
        "Impact (60 %)",
        "Feasibility (40 %)",
        "Raw score",
        "Calibrated score",
        "Spread",
        "Disagreement",
        "Status",
        "Decision",
        "Decision published",
    ]
    rows = built.rows("Ranking")
    first = rows[0]
    assert first["Rank"] == 1  # a number, not text
    assert first["Tie"] == "No"
    assert first["Reference"] == "CMSP-2026-0001"
    assert first["Lead organization"] == "Líder P1 S.A.C."
    assert first["Reviews"] == 2
    assert (first["Impact (60 %)"], first["Feasibility (40 %)"]) == (4, 4)
    assert (first["Raw score"], first["Calibrated score"]) == (4, pytest.approx(3.9706))
    assert first["Decision"] == "Award"
    assert first["Decision published"] == "No"
    assert first["Status"] == "Submitted"
    # Ties are a number and a flag (the page's "=2"); the unreviewed proposal has no rank.
    assert [(r["Rank"], r["Tie"]) for r in rows] == [
        (1, "No"),
        (2, "Yes"),
        (2, "Yes"),
        (4, "No"),
        (None, None),
    ]
    assert rows[-1]["Reference"] == "CMSP-2026-0009"
    # An applicant's formula is inert text.
    assert rows[1]["Title"] == '\'=HYPERLINK("http://evil.example","clic")'
    # The selector's numbers, not recomputed (P2's impact mean over three reviews).
    ranking = call_ranking(example.call)
    p2_row = next(r for r in ranking.rows if r.reference == "CMSP-2026-0002")
    assert rows[1]["Impact (60 %)"] == pytest.approx(
        float(Decimal(str(p2_row.criteria[0].mean)).quantize(Decimal("0.0001")))
    )

    reviews = built.rows("Reviews")
    assert len(reviews) == 12  # eleven scored + the all-N/A review
    line = next(
        r
        for r in reviews
        if r["Reference"] == "CMSP-2026-0003" and r["Evaluator"] == "Evaluadora E2"
    )
    assert line["Impact (60 %)"] == "N/A"
    assert line["Feasibility (40 %)"] == 1
    calibration = {r["Evaluator"]: r for r in built.rows("Calibration")}
    assert calibration["Evaluadora E4"]["Kept raw"] == "Yes"
    assert calibration["Evaluadora E1"]["Reviews"] == 4

    assert PERSONAL not in built.every_cell()  # no answer to the call's questions
    assert built.content.file_stem == f"ranking-{example.call.code}"


def test_queries_do_not_grow_with_the_call():
    small, large = _bulk_call(5, "A"), _bulk_call(25, "B")
    (rows_small, few) = count_queries(20, lambda: consume(KIND, {"call": small.pk}))
    (rows_large, many) = count_queries(20, lambda: consume(KIND, {"call": large.pk}))
    assert rows_large > rows_small
    assert few == many
