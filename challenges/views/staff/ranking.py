"""The coordinator's ranking of a call: raw and calibrated views, reviews per proposal,
disagreement flags, ties and each proposal's criteria breakdown; exported as XLSX.

Any staff role reads it (the evaluation coordinator's, and the auditor's); evaluators and
applicants are refused. Built from submitted reviews only (challenges.selectors.ranking)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ...exports import CONTENT_TYPE, ranking_workbook
from ...models import Call
from ...permissions import can_coordinate_evaluation, can_read_challenges_staff
from ...selectors.ranking import call_ranking


def _call_for_reader(request: HttpRequest, call_id: int) -> Call:
    if not can_read_challenges_staff(request.user):
        raise PermissionDenied
    return get_object_or_404(Call, pk=call_id)


@login_required
@require_GET
def call_ranking_page(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_for_reader(request, call_id)
    ranking = call_ranking(call)
    return render(
        request,
        "challenges/staff/ranking_page.html",
        {
            "call": call,
            "ranking": ranking,
            "can_coordinate": can_coordinate_evaluation(request.user),
        },
    )


@login_required
@require_GET
def call_ranking_xlsx(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_for_reader(request, call_id)
    response = HttpResponse(ranking_workbook(call_ranking(call)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ranking-{call.code}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
