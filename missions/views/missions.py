"""The public pages of missions, under ``/missions/`` (no login): the list of published
missions with filters, and a mission's page with its agenda in the destination's time and
Lima's, the selection rules in words and what the reader can do (apply, or why not).

Reads come from :mod:`missions.selectors.missions` (public section) and
:mod:`missions.selectors.agenda`; who sees what is :mod:`missions.permissions`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import permissions
from ..filters import MissionPageFilter
from ..selectors import missions as selectors
from ..selectors.agenda import agenda_days, agenda_for_display

PAGE_SIZE = 12


@require_GET
def mission_list(request: HttpRequest) -> HttpResponse:
    """Published missions: taking applications first, then those to come, then the past."""
    base = selectors.published_missions()
    filterset = MissionPageFilter(request.GET, queryset=base)
    missions = filterset.qs if filterset.is_valid() else base.none()
    page_obj = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "missions/missions/mission_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "cards": selectors.mission_cards(page_obj.object_list),
            "filtered": any(request.GET.get(name) for name in filterset.filters),
        },
    )


@require_GET
def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A mission's page; a draft is shown only to staff readers (with a banner), 404 to others."""
    mission = selectors.public_mission_get(user=request.user, slug=slug)
    include_addresses = permissions.can_see_agenda_addresses(request.user, mission)
    return render(
        request,
        "missions/missions/mission_detail.html",
        {
            "mission": mission,
            "card": selectors.mission_card(mission),
            "is_draft": not permissions.is_published(mission),
            "eligibility": selectors.eligibility_in_words(mission),
            "quotas": selectors.quotas_in_words(mission),
            "criteria": selectors.localized_criteria(mission),
            "agenda_days": agenda_days(
                agenda_for_display(mission, include_addresses=include_addresses)
            ),
            "include_addresses": include_addresses,
            "cta": selectors.mission_call_to_action(user=request.user, mission=mission),
            "staff_reader": permissions.can_read_missions_staff(request.user),
        },
    )
