"""The "Result" section of the applicant's proposal page: ``{% proposal_result proposal %}``
shows the published decision, the feedback and — when the call allows it — the mean scores per
criterion; before the call's decisions are published it renders nothing (and costs one query
only for proposals already decided: pending decisions never show)."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.decisions import applicant_result
from ..workflows import DECIDED, PROPOSAL

register = template.Library()


@register.inclusion_tag("challenges/decisions/proposal_result.html")
def proposal_result(proposal: Any) -> dict[str, Any]:
    if not PROPOSAL.has_tag(proposal, DECIDED):
        return {"result": None}
    return {"result": applicant_result(proposal), "call": proposal.call}
