"""Calendar files of a mission's agenda (ICS, every item in its own zone with its VTIMEZONE).

* ``missions:mission_calendar`` (``/missions/<slug>/calendar.ics``): anyone who may see the
  mission (published, or a staff reader); addresses and attendees only for insiders
  (``permissions.can_see_agenda_addresses``).
* ``missions:delegate_calendar`` (``/missions/delegates/<id>/calendar.ics``): the items one
  delegate attends, for the delegate, their organization's admins and staff readers
  (``permissions.can_view_delegate``); 404 for anyone else signed in (nothing leaks: the same
  answer as for a delegate that does not exist), the login page for a visitor.

Both carry the URL of the public mission page and are ``Cache-Control: private`` (what is in
them depends on who asks).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from cluster_portal.core.bilingual import localized
from cluster_portal.core.http import AuthenticatedRequest

from .. import calendars
from ..models import Delegate, Mission
from ..permissions import can_see_agenda_addresses, can_view_delegate, can_view_mission
from ..selectors.agenda import agenda_items, calendar_items, delegate_agenda, delegate_name

#: The calendar's PRODID (RFC 5545 3.7.3).
PRODID = "-//Cluster Minero del Sur del Peru//Missions//ES"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _mission_url(request: HttpRequest, mission: Mission) -> str | None:
    try:
        path = reverse("missions:mission_detail", kwargs={"slug": mission.slug})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def mission_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_object_or_404(Mission, slug=slug)
    if not can_view_mission(request.user, mission):
        raise Http404
    include = can_see_agenda_addresses(request.user, mission)
    body = calendars.mission_calendar(
        localized(mission, "title"),
        mission.time_zone,
        calendar_items(agenda_items(mission), include_addresses=include),
        prodid=PRODID,
        now=timezone.now(),
        url=_mission_url(request, mission),
    )
    return _ics(body, f"{mission.slug}.ics")


@login_required
@require_GET
def delegate_calendar(request: AuthenticatedRequest, delegate_id: int) -> HttpResponse:
    delegate = get_object_or_404(
        Delegate.objects.select_related("person", "mission", "application__organization"),
        pk=delegate_id,
    )
    if not can_view_delegate(request.user, delegate):
        raise Http404
    mission = delegate.mission
    body = calendars.delegate_calendar(
        localized(mission, "title"),
        mission.time_zone,
        [row.item for row in delegate_agenda(delegate)],
        delegate=calendars.Attendee(delegate.pk, delegate_name(delegate)),
        prodid=PRODID,
        now=timezone.now(),
        url=_mission_url(request, mission),
    )
    return _ics(body, f"{mission.slug}-{delegate.pk}.ics")
