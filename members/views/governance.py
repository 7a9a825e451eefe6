"""Public pages of the governance bodies: the board, committees and technical working groups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ..models import GoverningBody
from ..selectors.governance import governing_body_get_for_user, governing_body_list_for_user

GROUP_HEADINGS = {
    GoverningBody.Kind.BOARD: _("Board"),
    GoverningBody.Kind.COMMITTEE: _("Committees"),
    GoverningBody.Kind.WORKING_GROUP: _("Technical working groups"),
}


@require_safe
def governance_list(request: HttpRequest) -> HttpResponse:
    bodies = governing_body_list_for_user(user=request.user)
    groups = [
        (label, [body for body in bodies if body.kind == kind])
        for kind, label in GROUP_HEADINGS.items()
    ]
    return render(
        request,
        "members/governance/governingbody_list.html",
        {"groups": [(label, items) for label, items in groups if items]},
    )


@require_safe
def governance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = governing_body_get_for_user(user=request.user, slug=slug)
    return render(request, "members/governance/governingbody_detail.html", {"body": body})
