"""The coordinators' application pages under ``/staff/missions/<id>/``: the table of
applications (status filter), one application with its criteria form, and the selection (a
preview while selecting; once published, the delegation, the offers with their deadlines, the
waitlist and the stored report).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication;
every staff role reads (``permissions.can_read_missions_staff``), only mission coordinators
change anything (the services check again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel

from ... import permissions, selection_text
from ...forms.applications import ScoreForm, StatusFilterForm
from ...groups import facts_of, groups_of
from ...models import Application, Mission
from ...permissions import HOLDS_PLACE_TAG
from ...selectors import applications as selectors
from ...services import applications as services
from ...workflows import APPLICATION, MISSION

PAGE_SIZE = 50


def _require_reader(request: AuthenticatedRequest) -> None:
    if not permissions.can_read_missions_staff(request.user):
        raise PermissionDenied


def _mission(request: AuthenticatedRequest, mission_id: int) -> Mission:
    _require_reader(request)
    return get_object_or_404(Mission.objects.prefetch_related("criteria", "quotas"), pk=mission_id)


@dataclass(frozen=True)
class Row:
    application: Application
    groups: str
    delegates: int


def _row(application: Application) -> Row:
    return Row(
        application=application,
        groups=selection_text.groups_label(groups_of(facts_of(application.organization))),
        delegates=len(application.delegates.all()),
    )


@login_required
@require_GET
def application_list(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    mission = _mission(request, mission_id)
    form = StatusFilterForm(request.GET or None, choices=APPLICATION.choices())
    status = form.cleaned_data["status"] if form.is_valid() else ""
    queryset = selectors.application_staff_list(mission=mission, status=status)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "missions/staff/applications.html",
        {
            "mission": mission,
            "form": form,
            "filtered": bool(status),
            "page_obj": page_obj,
            "rows": [_row(a) for a in page_obj.object_list],
            "can_coordinate": permissions.can_coordinate_missions(request.user),
            "active_tab": "applications",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_score(
    request: AuthenticatedRequest, mission_id: int, application_id: int
) -> HttpResponse:
    mission = _mission(request, mission_id)
    application = selectors.application_for_scoring(
        user=request.user, mission=mission, application_id=application_id
    )
    if request.method == "POST" and not permissions.can_coordinate_missions(request.user):
        raise PermissionDenied
    criteria = list(mission.criteria.all())
    scores = {s.criterion_id: s for s in application.scores.all()}
    form = ScoreForm(request.POST or None, criteria=criteria, scores=scores)
    may_score = bool(permissions.can_score_applications(request.user, mission)) and (
        services.scoring_open(mission)
    )

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "missions/staff/application_score.html",
            {
                "mission": mission,
                "application": application,
                "row": _row(application),
                "form": f,
                "may_score": may_score,
                "delegates": list(application.delegates.all()),
                "active_tab": "applications",
            },
            status=status,
        )

    if request.method == "GET":
        return page(form)
    url = reverse(
        "missions_staff:application_score",
        kwargs={"mission_id": mission.pk, "application_id": application.pk},
    )
    return run_action(
        request,
        form=form,
        service=lambda data: services.application_score(
            actor=request.user,
            application=application,
            values=form.values(),
            notes=form.notes(),
        ),
        success=lambda a: (
            _("Scores saved: total %(score)s.") % {"score": a.score}
            if a.score is not None
            else _("Scores saved; the total shows once every criterion is scored.")
        ),
        redirect_to=url,
        render_invalid=lambda f: page(f, status=400),
    )


# --- Selection ---------------------------------------------------------------------------------


def _publish_panels(request: AuthenticatedRequest, mission: Mission) -> list[ActionPanel]:
    panels = []
    for action in MISSION.actions_for(mission, request.user, audience="staff"):
        if action.name != "publish_selection":
            continue
        try:
            url = reverse(
                "missions_staff:mission_action",
                kwargs={"mission_id": mission.pk, "action": action.name},
            )
        except NoReverseMatch:
            continue
        panels.append(ActionPanel(action=action, url=url))
    return panels


def _report_lines(report: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """The stored report (codes and numbers) as sentences."""
    return {
        "quotas": [
            {
                "line": selection_text.quota_line(q),
                "met": not q.get("missing"),
                "reason": selection_text.sentence(q.get("reason")),
            }
            for q in report.get("quotas", [])
        ],
        "trims": [
            _(
                "%(organization)s: %(granted)d of %(requested)d delegates (the maximum per "
                "organization)."
            )
            % {
                "organization": names.get(t["application_id"], "?"),
                "granted": t["granted"],
                "requested": t["requested"],
            }
            for t in report.get("trims", [])
        ],
        "notices": [selection_text.sentence(n.get("code")) for n in report.get("notices", [])],
        "excluded": [
            f"{names.get(e['application_id'], '?')}: {selection_text.sentence(e.get('reason'))}"
            for e in report.get("excluded", [])
        ],
    }


@login_required
@require_GET
def selection(request: AuthenticatedRequest, mission_id: int) -> HttpResponse:
    mission = _mission(request, mission_id)
    context: dict[str, Any] = {"mission": mission, "active_tab": "selection"}
    published = mission.selection_run_at is not None
    context["published"] = published
    if not published:
        preview = selectors.selection_preview(mission=mission)
        result = preview.result
        names = {pk: a.organization.display_name for pk, a in preview.by_id.items()}
        quotas = [
            {
                "line": selection_text.quota_line(q),
                "met": q.met,
                "reason": selection_text.sentence(q.reason),
            }
            for q in result.quotas
        ]
        context.update(
            preview=preview,
            selected=[
                (p, a, selection_text.groups_label(p.counts_for)) for p, a in preview.selected
            ],
            waitlist=[(e, a, selection_text.groups_label(e.buckets)) for e, a in preview.waitlist],
            excluded=[(e, a, selection_text.sentence(e.reason)) for e, a in preview.excluded],
            quotas=quotas,
            organizations_used=result.organizations,
            delegates_used=result.delegates,
            trims=_report_lines(
                {
                    "trims": [
                        {
                            "application_id": t.application_id,
                            "granted": t.granted,
                            "requested": t.requested,
                        }
                        for t in result.trims
                    ]
                },
                names,
            )["trims"],
            unscored=preview.unscored,
            panels=_publish_panels(request, mission),
        )
    else:
        applications = list(selectors.application_staff_list(mission=mission))
        names = {a.pk: a.organization.display_name for a in applications}
        context.update(
            holders=[
                (a, APPLICATION.state_allows(a, "accept"))
                for a in applications
                if APPLICATION.has_tag(a, HOLDS_PLACE_TAG)
            ],
            waitlist=[
                (a, selection_text.groups_label(a.buckets))
                for a in sorted(
                    (a for a in applications if a.waitlist_position is not None),
                    key=lambda a: (a.waitlist_position or 0, a.pk),
                )
            ],
            report=mission.selection_report,
            report_lines=_report_lines(mission.selection_report or {}, names),
        )
    return render(request, "missions/staff/selection.html", context)
