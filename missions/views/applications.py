"""Pages of mission applications for member organizations: apply (with the mission's
criteria, so applicants know how they are judged), the application page (status, the offer's
hold in Lima time, waitlist position, delegates, the actions of the lifecycle table), edit, the
actions (accept, decline, withdraw: POST) and "Our missions".

Views are thin: the services decide and refuse (``missions.services.applications``); the
buttons come from ``APPLICATION.actions_for(..., audience="organization")``. Signed-in people
only; someone outside the organization gets a 404 for an application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel
from members.models import Organization

from .. import permissions
from ..forms.applications import ApplicationForm
from ..models import Application, Mission
from ..selectors import applications as selectors
from ..services import applications as services
from ..workflows import APPLICATION

#: The organization's actions on an application and their services.
ACTIONS = ("accept", "decline", "withdraw")


def application_url(application: Application | int) -> str:
    pk = application if isinstance(application, int) else application.pk
    return reverse("missions:application_detail", kwargs={"application_id": pk})


def _mission(slug: str, user: Any) -> Mission:
    mission = Mission.objects.prefetch_related("criteria").filter(slug=slug).first()
    if mission is None or not permissions.can_view_mission(user, mission):
        raise Http404
    return mission


@dataclass(frozen=True)
class Candidate:
    organization: Organization
    allowed: bool
    reason: str


# --- Apply -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Apply for one of the organizations the person administers (a choice first when there
    are several that may apply)."""
    mission = _mission(slug, request.user)
    candidates = [
        Candidate(o, bool(v), str(v.reason or ""))
        for o in selectors.organizations_to_apply(user=request.user, mission=mission)
        for v in [permissions.can_apply(request.user, mission, o)]
    ]
    allowed = [c.organization for c in candidates if c.allowed]
    chosen_id = request.POST.get("organization") or request.GET.get("organization")
    organization: Organization | None = None
    if chosen_id:
        organization = next((o for o in allowed if str(o.pk) == str(chosen_id)), None)
        if organization is None:
            raise Http404
    elif len(allowed) == 1:
        organization = allowed[0]
    context: dict[str, Any] = {
        "mission": mission,
        "criteria": list(mission.criteria.all()),
        "candidates": candidates,
        "organization": organization,
        "window": permissions.window_is_open(mission),
    }
    if organization is None:
        return render(request, "missions/applications/application_choose.html", context)
    form = ApplicationForm(
        request.POST or None,
        organization=organization,
        max_delegates=mission.max_delegates_per_organization,
    )

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "missions/applications/application_form.html",
            {**context, "form": f},
            status=status,
        )

    if request.method == "GET":
        return page(form)
    holder: dict[str, Application] = {}

    def create(data: dict[str, Any]) -> Application:
        people, roles = form.delegates()
        holder["application"] = services.application_create(
            actor=request.user,
            mission=mission,
            organization=organization,
            motivation=data["motivation"],
            delegates=people,
            delegate_roles=roles,
        )
        return holder["application"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=_("The application was sent. You can change it until applications close."),
        redirect_to=reverse("missions:application_create", kwargs={"slug": mission.slug}),
        render_invalid=lambda f: page(f, status=400),
    )
    if "application" in holder:
        return redirect(application_url(holder["application"]))
    return response


# --- The application page ----------------------------------------------------------------------


def _panels(request: AuthenticatedRequest, application: Application) -> list[ActionPanel]:
    return [
        ActionPanel(
            action=action,
            url=reverse(
                "missions:application_action",
                kwargs={"application_id": application.pk, "action": action.name},
            ),
        )
        for action in APPLICATION.actions_for(application, request.user, audience="organization")
    ]


def _answerable(application: Application) -> bool:
    """An offer waiting for the organization's answer (accept or decline)."""
    return APPLICATION.state_allows(application, "accept")


def _remaining(until: Any) -> dict[str, int] | None:
    if until is None:
        return None
    seconds = int((until - timezone.now()).total_seconds())
    if seconds <= 0:
        return None
    return {"hours": seconds // 3600, "minutes": (seconds % 3600) // 60}


@login_required
@require_GET
def application_detail(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_for_user(
        user=request.user, application_id=application_id
    )
    state = APPLICATION.state(application)
    return render(
        request,
        "missions/applications/application_detail.html",
        {
            "application": application,
            "mission": application.mission,
            "state": state,
            "panels": _panels(request, application),
            "answerable": _answerable(application),
            "remaining": _remaining(application.hold_until) if _answerable(application) else None,
            "delegates": list(application.delegates.all()),
            "may_edit": bool(permissions.can_edit_application(request.user, application)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_for_user(
        user=request.user, application_id=application_id
    )
    verdict = permissions.can_edit_application(request.user, application)
    if not verdict:
        if not permissions.can_act_for_application(request.user, application):
            raise Http404
        from django.contrib import messages

        messages.error(request, str(verdict.reason))
        return redirect(application_url(application))
    mission = application.mission
    form = ApplicationForm(
        request.POST or None,
        organization=application.organization,
        max_delegates=mission.max_delegates_per_organization,
        application=application,
    )

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "missions/applications/application_form.html",
            {
                "mission": mission,
                "criteria": list(mission.criteria.all()),
                "organization": application.organization,
                "application": application,
                "form": f,
            },
            status=status,
        )

    if request.method == "GET":
        return page(form)

    def update(data: dict[str, Any]) -> Application:
        people, roles = form.delegates()
        return services.application_update(
            actor=request.user,
            application=application,
            motivation=data["motivation"],
            delegates=people,
            delegate_roles=roles,
        )

    return run_action(
        request,
        form=form,
        service=update,
        success=_("The application was saved."),
        redirect_to=application_url(application),
        render_invalid=lambda f: page(f, status=400),
    )


SUCCESS = {
    "accept": lambda: _("The place is accepted. The delegates were told."),
    "decline": lambda: _("The place was declined."),
    "withdraw": lambda: _("The application was withdrawn."),
}


@login_required
@require_POST
def application_action(
    request: AuthenticatedRequest, application_id: int, action: str
) -> HttpResponse:
    """Accept or decline an offer, or withdraw (POST; the services refuse what is not
    allowed and the page says why)."""
    if action not in ACTIONS:
        raise Http404
    application = selectors.application_get_for_user(
        user=request.user, application_id=application_id
    )
    service = {
        "accept": services.application_accept,
        "decline": services.application_decline,
        "withdraw": services.application_withdraw,
    }[action]
    return run_action(
        request,
        service=lambda data: service(actor=request.user, application=application),
        success=SUCCESS[action](),
        redirect_to=application_url(application),
    )


# --- Our missions ------------------------------------------------------------------------------


@login_required
@require_GET
def our_missions(request: AuthenticatedRequest) -> HttpResponse:
    """The applications of the person's organizations and the person's own delegations."""
    return render(
        request,
        "missions/applications/our_missions.html",
        {
            "applications": [
                (a, _answerable(a)) for a in selectors.our_applications(user=request.user)
            ],
            "delegations": list(selectors.our_delegations(user=request.user)),
        },
    )
