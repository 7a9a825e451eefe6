"""Report kind ``call_ranking``: one call's ranking, as the coordinator's staff page shows it.

The figures are :func:`challenges.selectors.ranking.call_ranking`'s (the staff ranking page's
and its XLSX export's: four queries whatever the call's size, computed from the submitted
reviews only), never recomputed here. Three sheets: *Ranking* (rank and tie, proposal, lead,
each criterion's mean, the raw and calibrated aggregates, spread, disagreement, status and the
coordinator's decision), *Reviews* (every submitted review per criterion) and *Calibration*
(each evaluator's mean, deviation and shrink factor). No answer to the call's questions is
exported.

Who: whoever reads the staff ranking page (``challenges.permissions.can_read_challenges_staff``:
any staff role, evaluation coordinators, call managers and auditors among them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from challenges.models import Call, Decision
from challenges.permissions import can_read_challenges_staff
from challenges.scoring import display
from challenges.selectors.ranking import Ranking, call_ranking
from challenges.workflows import PROPOSAL

from ..catalogue import ReportContent, ReportKindSpec, register_kind
from ..models import ReportKind
from ..spreadsheets import Column, Sheet
from .common import ReportFilterForm, file_stem, int_filter, labels, yes_no

#: Decimals of the scores (the page shows 2, the staff XLSX export 4).
DECIMALS = 4
SCORE_FORMAT = "0.0000"


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.localized_title}"


def call_field() -> CallChoiceField:
    """The call a report is about (shared with ``call_proposals``)."""
    return CallChoiceField(
        label=_("Call"),
        queryset=Call.objects.order_by("-opens_at", "-pk"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the calls.")},
    )


class CallRankingFilters(ReportFilterForm):
    call = call_field()


def can_request(user: Any, filters: dict[str, Any]) -> bool:
    """The staff ranking page's predicate; with a call, that call must exist."""
    if not can_read_challenges_staff(user):
        return False
    if "call" not in filters:
        return True
    call_id = int_filter(filters, "call")
    return call_id is not None and Call.objects.filter(pk=call_id).exists()


def _score(value: float | None) -> Any:
    return display(value, DECIMALS)


def _ranking_rows(ranking: Ranking, decisions: dict[int, tuple[str, bool]]) -> Iterator[dict]:
    outcomes = labels(Decision.Outcome.choices)
    for row in ranking.rows:
        outcome, published = decisions.get(row.proposal_id, ("", False))
        values: dict[str, Any] = {
            "rank": row.rank,
            "tie": yes_no(row.tie) if row.rank is not None else None,
            "reference": row.reference,
            "title": row.title,
            "lead": row.lead_name,
            "reviews": row.reviews,
            "raw": _score(row.raw),
            "calibrated": _score(row.calibrated),
            "spread": _score(row.spread),
            "disagreement": yes_no(row.disagreement),
            "status": str(PROPOSAL.state_label(row.status)),
            "decision": outcomes.get(outcome, ""),
            "decision_published": yes_no(published) if outcome else None,
        }
        for line in row.criteria:
            values[f"criterion_{line.criterion.pk}"] = _score(line.mean)
        yield values


def _review_rows(ranking: Ranking) -> Iterator[dict]:
    not_applicable = gettext("N/A")
    for row, line in ranking.review_lines:
        values: dict[str, Any] = {
            "reference": row.reference,
            "evaluator": line.evaluator_name,
            "confidence": line.confidence,
            "raw": _score(line.raw),
            "calibrated": _score(line.calibrated),
        }
        for criterion in ranking.criteria:
            score = line.scores[criterion.pk]
            values[f"criterion_{criterion.pk}"] = not_applicable if score is None else score
        yield values


def _calibration_rows(ranking: Ranking) -> Iterator[dict]:
    names = {line.evaluator_id: line.evaluator_name for _row, line in ranking.review_lines}
    stats = sorted(
        ranking.calibration.evaluators.values(), key=lambda e: names.get(e.evaluator_id, "")
    )
    for e in stats:
        yield {
            "evaluator": names.get(e.evaluator_id, str(e.evaluator_id)),
            "reviews": e.reviews,
            "mean": _score(e.mean),
            "sd": _score(e.sd),
            "shrink": _score(e.shrink),
            "kept_raw": yes_no(e.kept_raw),
        }


def _score_column(key: str, header: Any) -> Column:
    return Column(key, header, width=12, number_format=SCORE_FORMAT)


def _criterion_columns(ranking: Ranking) -> list[Column]:
    return [
        Column(
            f"criterion_{c.pk}",
            f"{c.localized_name} ({c.weight} %)",
            width=14,
            number_format=SCORE_FORMAT,
        )
        for c in ranking.criteria
    ]


def build(filters: dict[str, Any]) -> ReportContent:
    """The ranking of ``filters["call"]`` (five queries: the call, the ranking's four, the
    decisions)."""
    call = Call.objects.get(pk=int(filters["call"]))
    ranking = call_ranking(call)
    decisions = {
        proposal_id: (outcome, batch_id is not None)
        for proposal_id, outcome, batch_id in Decision.objects.filter(
            proposal__call=call
        ).values_list("proposal_id", "outcome", "batch_id")
    }
    criteria = _criterion_columns(ranking)
    ranking_sheet = Sheet(
        _("Ranking"),
        [
            Column("rank", _("Rank"), width=7),
            Column("tie", _("Tie"), width=6),
            Column("reference", _("Reference"), width=17),
            Column("title", _("Title"), width=45),
            Column("lead", _("Lead organization"), width=30),
            Column("reviews", _("Reviews"), width=9),
            *criteria,
            _score_column("raw", _("Raw score")),
            _score_column("calibrated", _("Calibrated score")),
            _score_column("spread", _("Spread")),
            Column("disagreement", _("Disagreement"), width=12),
            Column("status", _("Status"), width=14),
            Column("decision", _("Decision"), width=14),
            Column("decision_published", _("Decision published"), width=10),
        ],
        _ranking_rows(ranking, decisions),
    )
    reviews_sheet = Sheet(
        _("Reviews"),
        [
            Column("reference", _("Reference"), width=17),
            Column("evaluator", _("Evaluator"), width=28),
            Column("confidence", _("Confidence"), width=11),
            *criteria,
            _score_column("raw", _("Raw total")),
            _score_column("calibrated", _("Calibrated total")),
        ],
        _review_rows(ranking),
    )
    calibration_sheet = Sheet(
        _("Calibration"),
        [
            Column("evaluator", _("Evaluator"), width=28),
            Column("reviews", _("Reviews"), width=9),
            _score_column("mean", _("Mean")),
            _score_column("sd", _("Standard deviation")),
            _score_column("shrink", _("Shrink factor")),
            Column("kept_raw", _("Kept raw"), width=9),
        ],
        _calibration_rows(ranking),
    )
    total = len(ranking.rows) + len(ranking.review_lines) + len(ranking.calibration.evaluators)
    return ReportContent(
        sheets=[ranking_sheet, reviews_sheet, calibration_sheet],
        total_rows=total,
        file_stem=file_stem("ranking", call.code),
    )


SPEC = register_kind(
    ReportKindSpec(
        code=ReportKind.CALL_RANKING.value,
        title=_("Call ranking"),
        description=_(
            "One call's ranking: rank, proposal, lead organization, the mean score per "
            "criterion, the raw and calibrated aggregates, disagreement and the decision; "
            "with every review and the evaluators' calibration."
        ),
        form_class=CallRankingFilters,
        can_request=can_request,
        build=build,
        icon="trophy",
    )
)
