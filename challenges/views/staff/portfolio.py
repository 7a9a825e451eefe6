"""The secretariat's portfolio pages under ``/staff/challenges/portfolio/``: the list of
projects with its filters and the totals of verified impact, creating and editing a project,
its page (status changes with a reason, organizations, funding, progress update schedule,
milestones) and the verification queue of the impact ledger.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages (``selectors``: ``PermissionDenied`` otherwise), only portfolio
managers change anything (``permissions.can_manage_portfolio``; the services check again,
four eyes included: whoever confirmed an entry does not verify it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import Action, ActionPanel

from ...forms.staff_portfolio import (
    FundingForm,
    MilestoneForm,
    ParticipantForm,
    PortfolioFilterForm,
    ProjectCreateForm,
    ProjectEditForm,
    ReasonForm,
    RequiredReasonForm,
    ScheduleForm,
)
from ...models import ImpactEntry, Milestone, Project, ProjectFunding, ProjectOrganization
from ...permissions import can_manage_portfolio, can_read_challenges_staff
from ...selectors import impact as impact_selectors
from ...selectors import portfolio as selectors
from ...selectors.showcase import impact_lines
from ...services import impact as impact_services
from ...services import portfolio as services
from ...workflows import IMPACT, MILESTONE, PROJECT

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 25


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_challenges_staff(request.user):
        raise PermissionDenied


def _require_manager(request: AuthenticatedRequest) -> None:
    if not can_manage_portfolio(request.user):
        raise PermissionDenied


def _project_url(project: Project | int) -> str:
    return reverse("challenges_staff:portfolio_project", args=[getattr(project, "pk", project)])


def _project(request: AuthenticatedRequest, project_id: int) -> Project:
    _require_reader(request)
    return selectors.project_get_for_user(user=request.user, project_id=project_id)


# --- List ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_reader(request)
    form = PortfolioFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    projects = selectors.project_staff_list(user=request.user, filters=filters).order_by("-pk")
    page_obj = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = impact_selectors.portfolio_impact_totals(
        user=request.user, projects=projects if filters else None
    )
    return render(
        request,
        "challenges/staff/portfolio_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page_obj": page_obj,
            "projects": page_obj.object_list,
            "totals": totals,
            "overall": impact_lines(totals.overall),
            "by_sponsor": [(sponsor, impact_lines(t)) for sponsor, t in totals.by_sponsor],
            "by_commodity": [(c, impact_lines(t)) for c, t in totals.by_commodity],
            "today": timezone.localdate(),
            "can_manage": can_manage_portfolio(request.user),
            "waiting": impact_selectors.impact_queue_counts()["confirmed"],
        },
    )


# --- Creation and edition ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_manager(request)
    form: ProjectCreateForm = ProjectCreateForm(request.POST or None)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(request, "challenges/staff/portfolio_form.html", {"form": f}, status=status)

    if request.method == "GET":
        return page(form)
    holder: dict[str, Project] = {}

    def create(data: dict[str, Any]) -> Project:
        holder["project"] = services.project_create(
            actor=request.user,
            data=form.service_data(),
            lead=data["lead"],
            partners=list(data["partners"]),
            sponsors=list(data["sponsors"]),
        )
        return holder["project"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=lambda project: (
            _("Project %(code)s was created as planned.") % {"code": project.code}
        ),
        redirect_to=reverse("challenges_staff:portfolio_list"),
        render_invalid=lambda f: page(f, status=400),
    )
    if "project" in holder:
        return redirect(_project_url(holder["project"]))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    form = ProjectEditForm(request.POST or None, instance=project)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/portfolio_form.html",
            {"form": f, "project": project},
            status=status,
        )

    if request.method == "GET":
        return page(form)
    return run_action(
        request,
        form=form,
        service=lambda data: services.project_update(
            actor=request.user, project=project, data=form.service_data()
        ),
        success=_("The project was saved."),
        redirect_to=_project_url(project),
        render_invalid=lambda f: page(f, status=400),
    )


# --- The project's page ---------------------------------------------------------------------------


def _panels(
    request: AuthenticatedRequest, project: Project, form: BaseForm | None = None, failed: str = ""
) -> list[ActionPanel]:
    return [
        ActionPanel(
            action=action,
            form=form
            if (form is not None and action.name == failed)
            else ReasonForm(prefix=action.name),
            url=reverse("challenges_staff:portfolio_action", args=[project.pk, action.name]),
        )
        for action in PROJECT.actions_for(project, request.user, audience="staff")
    ]


def _detail(
    request: AuthenticatedRequest, project: Project, *, status: int = 200, **forms: Any
) -> HttpResponse:
    manage = can_manage_portfolio(request.user)
    milestones = list(project.milestones.all())
    cancel_forms: dict[int, BaseForm] = forms.get("cancel_forms", {})
    return render(
        request,
        "challenges/staff/portfolio_project.html",
        {
            "project": project,
            "can_manage": manage,
            "panels": _panels(
                request, project, forms.pop("action_form", None), forms.pop("failed", "")
            ),
            "participants": list(project.participants.all()),
            "funding": list(project.funding.all()),
            "milestones": [
                (
                    m,
                    manage and MILESTONE.state_allows(m, "cancel"),
                    cancel_forms.get(m.pk) or ReasonForm(prefix=f"cancel-{m.pk}"),
                )
                for m in milestones
            ],
            "milestones_open": PROJECT.is_open(project),
            "participant_form": forms.get("participant_form") or ParticipantForm(),
            "funding_form": forms.get("funding_form") or FundingForm(),
            "schedule_form": forms.get("schedule_form")
            or ScheduleForm(
                initial={
                    "update_every_days": project.update_every_days,
                    "next_update_due": project.next_update_due,
                }
            ),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def project_detail(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    return _detail(request, _project(request, project_id))


def _post(
    request: AuthenticatedRequest,
    project: Project,
    *,
    form: BaseForm,
    form_name: str,
    service: Callable[[dict[str, Any]], Any],
    success: str,
    **extra: Any,
) -> HttpResponse:
    return run_action(
        request,
        form=form,
        service=service,
        success=success,
        redirect_to=_project_url(project),
        render_invalid=lambda f: _detail(request, project, status=400, **{form_name: f}, **extra),
    )


@login_required
@require_POST
def project_action(request: AuthenticatedRequest, project_id: int, action: str) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    try:
        label = PROJECT.transition(action).label
    except KeyError:
        raise Http404 from None
    form = ReasonForm(request.POST, prefix=action)
    return run_action(
        request,
        form=form,
        service=lambda data: services.project_transition(
            actor=request.user, project=project, name=action, reason=data["reason"]
        ),
        success=_("Done: %(action)s.") % {"action": label},
        redirect_to=_project_url(project),
        render_invalid=lambda f: _detail(
            request, project, status=400, action_form=f, failed=action
        ),
    )


@login_required
@require_POST
def participant_add(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    return _post(
        request,
        project,
        form=ParticipantForm(request.POST),
        form_name="participant_form",
        service=lambda data: services.project_participant_add(
            actor=request.user,
            project=project,
            organization=data["organization"],
            role=data["role"],
            description=data["description"],
        ),
        success=_("The organization was added to the project."),
    )


@login_required
@require_POST
def participant_remove(
    request: AuthenticatedRequest, project_id: int, participant_id: int
) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    participant = get_object_or_404(ProjectOrganization, pk=participant_id, project=project)
    return run_action(
        request,
        service=lambda data: services.project_participant_remove(
            actor=request.user, participant=participant
        ),
        success=_("The organization was removed from the project."),
        redirect_to=_project_url(project),
    )


@login_required
@require_POST
def funding_add(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    return _post(
        request,
        project,
        form=FundingForm(request.POST),
        form_name="funding_form",
        service=lambda data: services.project_funding_add(
            actor=request.user,
            project=project,
            source=data["source"],
            kind=data["kind"],
            amount=data["amount"],
            organization=data["organization"],
            in_kind=data["in_kind"],
        ),
        success=_("The funding source was added."),
    )


@login_required
@require_POST
def funding_remove(request: AuthenticatedRequest, project_id: int, funding_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    funding = get_object_or_404(ProjectFunding, pk=funding_id, project=project)
    return run_action(
        request,
        service=lambda data: services.project_funding_remove(actor=request.user, funding=funding),
        success=_("The funding source was removed."),
        redirect_to=_project_url(project),
    )


@login_required
@require_POST
def schedule_update(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)

    def save(data: dict[str, Any]) -> Project:
        changes: dict[str, Any] = {"update_every_days": data["update_every_days"]}
        if data["next_update_due"] is not None:
            changes["next_update_due"] = data["next_update_due"]
        return services.project_update(actor=request.user, project=project, data=changes)

    return _post(
        request,
        project,
        form=ScheduleForm(request.POST),
        form_name="schedule_form",
        service=save,
        success=_("The progress update schedule was saved."),
    )


@login_required
@require_POST
def milestone_add(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    return _post(
        request,
        project,
        form=MilestoneForm(request.POST),
        form_name="milestone_form",
        service=lambda data: services.milestone_add(
            actor=request.user,
            project=project,
            title=data["title"],
            due_on=data["due_on"],
            weight=data["weight"],
            description=data["description"],
        ),
        success=_("The milestone was added."),
    )


@login_required
@require_POST
def milestone_cancel(
    request: AuthenticatedRequest, project_id: int, milestone_id: int
) -> HttpResponse:
    _require_manager(request)
    project = _project(request, project_id)
    milestone = get_object_or_404(Milestone, pk=milestone_id, project=project)
    form = ReasonForm(request.POST, prefix=f"cancel-{milestone.pk}")
    return _post(
        request,
        project,
        form=form,
        form_name="_unused",
        service=lambda data: services.milestone_cancel(
            actor=request.user, milestone=milestone, reason=data["reason"]
        ),
        success=_("The milestone was cancelled."),
        cancel_forms={milestone.pk: form},
    )


# --- Verification queue --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    entry: ImpactEntry
    evidence: list[Any]
    lead: Any
    sponsors: list[Any]
    #: Verify (confirmed entries) or reject (claims): allowed or the reason why not.
    action: Action | None


def _queue_action(request: AuthenticatedRequest, entry: ImpactEntry, tab: str) -> Action | None:
    if tab == "confirmed":
        (action,) = IMPACT.actions_for(entry, request.user, audience="staff") or (None,)
        if action is not None and action.allowed and entry.confirmed_by_id == request.user.pk:
            return Action(
                action.transition,
                False,
                _("You confirmed this entry: a colleague must verify it."),
            )
        return action
    actions = [
        a for a in IMPACT.actions_for(entry, request.user, audience="sponsor") if a.name == "reject"
    ]
    action = actions[0] if actions else None
    if action is not None and not can_manage_portfolio(request.user):
        return Action(action.transition, False, _("Only portfolio managers act here."))
    return action


def _queue(
    request: AuthenticatedRequest,
    *,
    status: int = 200,
    tab: str | None = None,
    reject_form: BaseForm | None = None,
    failed: int | None = None,
) -> HttpResponse:
    _require_reader(request)
    tab = tab or request.GET.get("tab", "confirmed")
    if tab not in impact_selectors.QUEUE_STATES:
        tab = "confirmed"
    entries = impact_selectors.impact_verification_queue(user=request.user, state=tab)
    page_obj = Paginator(entries, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page = list(page_obj.object_list)
    evidence = impact_selectors.impact_evidence(page)
    rows = []
    for entry in page:
        participants = list(entry.project.participants.all())
        rows.append(
            QueueRow(
                entry=entry,
                evidence=evidence.get(entry.pk, []),
                lead=next((p.organization for p in participants if p.role == "lead"), None),
                sponsors=[p.organization for p in participants if p.role == "sponsor"],
                action=_queue_action(request, entry, tab),
            )
        )
    return render(
        request,
        "challenges/staff/portfolio_verification.html",
        {
            "tab": tab,
            "counts": impact_selectors.impact_queue_counts(),
            "page_obj": page_obj,
            "rows": rows,
            "reject_form": reject_form,
            "failed": failed,
            "can_manage": can_manage_portfolio(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def verification_queue(request: AuthenticatedRequest) -> HttpResponse:
    return _queue(request)


def _entry(request: AuthenticatedRequest, entry_id: int) -> ImpactEntry:
    _require_manager(request)
    return impact_selectors.impact_entry_get_for_user(user=request.user, entry_id=entry_id)


def _queue_url(tab: str) -> str:
    return reverse("challenges_staff:portfolio_verification") + f"?tab={tab}"


@login_required
@require_POST
def impact_verify(request: AuthenticatedRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    return run_action(
        request,
        service=lambda data: impact_services.impact_verify(actor=request.user, entry=entry),
        success=_("Verified: the entry now counts in the portfolio's totals."),
        redirect_to=_queue_url("confirmed"),
    )


@login_required
@require_POST
def impact_reject(request: AuthenticatedRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    return run_action(
        request,
        form=RequiredReasonForm(request.POST),
        service=lambda data: impact_services.impact_reject(
            actor=request.user, entry=entry, reason=data["reason"]
        ),
        success=_("The claim was rejected; the supplier lead is told why."),
        redirect_to=_queue_url("claimed"),
        render_invalid=lambda f: _queue(
            request, status=400, tab="claimed", reject_form=f, failed=entry.pk
        ),
    )
