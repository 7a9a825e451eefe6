"""Pages of the project portfolio for the people of the projects' organizations: "Our
projects" and the project page (summary and organizations, milestones with evidence, KPIs with
their periods, progress updates with comments, and the impact ledger), with every action the
team, the sponsors and the supplier lead take there.

Views are thin: each action is a POST that calls the service (``challenges.services.portfolio``
and ``challenges.services.impact``), which decides and refuses; the page shows its refusal
(``cluster_portal.core.actions.run_action``). Which milestone and ledger buttons a person sees
comes from the lifecycle tables (``MILESTONE.actions_for(..., audience="team"|"sponsor")``,
``IMPACT.actions_for(..., audience="sponsor")``); the secretariat verifies impact and runs the
project's lifecycle on the staff pages.

Who sees a project page: its organizations' people and any staff role (reading). Others get a
404, except for a project in the public showcase, whose address sends them to its public page
(``challenges:showcase_project``): the link in a notification or an e-mail still works for a
colleague of another organization, and shows only what the project made public.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.forms import error_text
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import Action
from cluster_portal.files.models import Attachment

from .. import permissions
from ..forms.impact import ImpactCorrectionForm, ImpactEntryForm
from ..forms.portfolio import (
    IndicatorForm,
    MeasurementForm,
    MilestoneEvidenceForm,
    MilestoneForm,
    ProgressCommentForm,
    ProgressUpdateForm,
    ReasonForm,
)
from ..models import (
    ImpactEntry,
    Indicator,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectOrganization,
)
from ..progress import milestone_is_late
from ..selectors import impact as impact_selectors
from ..selectors import portfolio as selectors
from ..services import impact as impact_services
from ..services import portfolio as services
from ..workflows import IMPACT, MILESTONE, PROJECT

PAGE_SIZE = 25
Role = ProjectOrganization.Role
#: Refusals of the impact services about the entry's state, not the input: shown on the
#: project page (the entry moved on), never as an error on a form to send again.
LEDGER_PAGE_CODES = frozenset({"frozen", "not_frozen", "pending_correction", "same_person"})


def project_url(project: Project | int, anchor: str = "") -> str:
    pk = project if isinstance(project, int) else project.pk
    url = reverse("challenges:project_detail", kwargs={"project_id": pk})
    return f"{url}#{anchor}" if anchor else url


def _codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def _on_page(codes: frozenset[str], service: Callable[[dict[str, Any]], Any]) -> Any:
    """``service`` whose refusals with ``codes`` are shown on the page the person goes back
    to (as ``run_action`` does for ``invalid_transition``) rather than on the form."""

    def run(data: dict[str, Any]) -> Any:
        try:
            return service(data)
        except ValidationError as error:
            if _codes(error) & codes:
                raise ValidationError(error_text(error), code="invalid_transition") from error
            raise

    return run


# --- Our projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    roles: list[str]
    update_overdue: bool


def _role_labels(roles: frozenset[str]) -> list[str]:
    return [str(Role(role).label) for role in Role.values if role in roles]


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects of the person's organizations, with the part each organization plays,
    the status, progress, risk flag and when the next progress update is due. Filters:
    ``status`` and ``at_risk`` (``selectors.portfolio.filter_projects``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    filters = {
        "status": request.GET.get("status") or "",
        "at_risk": request.GET.get("at_risk") or "",
    }
    queryset = selectors.project_list_of_member(user=request.user, filters=filters)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        ProjectRow(
            project=project,
            roles=_role_labels(permissions.project_roles(request.user, project)),
            update_overdue=bool(
                project.next_update_due
                and project.next_update_due < today
                and PROJECT.is_open(project)
            ),
        )
        for project in page_obj.object_list
    ]
    return render(
        request,
        "challenges/portfolio/project_list.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "statuses": PROJECT.choices(),
            "filters": filters,
            "filtered": any(filters.values()),
        },
    )


# --- The project page ------------------------------------------------------------------------


def _project_for(request: HttpRequest, project_id: int) -> Project:
    """The whole project for whoever may see it (``Http404`` otherwise)."""
    return selectors.project_get_for_user(user=request.user, project_id=project_id)


@dataclass
class Panel:
    """One action's form on the page: what ``challenges/partials/portfolio_actions.html``
    renders (``key`` makes its element ids unique on the page)."""

    action: Action
    url: str
    key: str
    form: BaseForm | None = None
    multipart: bool = False

    @property
    def button_style(self) -> str:
        """The table's style, but Bootstrap's yellow outline fails colour contrast on white."""
        style = self.action.style
        return "outline-dark" if style == "outline-warning" else style


@dataclass
class MilestoneRow:
    milestone: Milestone
    evidence: list[Attachment]
    late: bool
    panels: list[Panel] = field(default_factory=list)


@dataclass
class LedgerRow:
    line: impact_selectors.LedgerLine
    panels: list[Panel] = field(default_factory=list)
    may_edit: bool = False
    may_correct: bool = False
    pending_correction: bool = False


def _form(
    forms: Mapping[str, BaseForm], key: str, factory: Callable[..., BaseForm], **kwargs: Any
) -> BaseForm:
    """The form sent back with errors under ``key``, or a new one prefixed with it."""
    return forms.get(key) or factory(prefix=key, **kwargs)


def _milestone_rows(
    request: HttpRequest,
    project: Project,
    forms: Mapping[str, BaseForm],
    *,
    is_team: bool,
    is_sponsor: bool,
    is_open: bool,
) -> list[MilestoneRow]:
    milestones = list(project.milestones.all())
    evidence = selectors.evidence_by_milestone(milestones)
    today = timezone.localdate()
    rows = []
    for milestone in milestones:
        row = MilestoneRow(
            milestone=milestone,
            evidence=evidence.get(milestone.pk, []),
            late=milestone_is_late(milestone, today),
        )
        milestone.project = project  # the guards read its participants (prefetched)
        audiences = [("team", is_team), ("sponsor", is_sponsor)] if is_open else []
        for audience, concerned in audiences:
            if not concerned:
                continue
            for action in MILESTONE.actions_for(milestone, request.user, audience=audience):
                key = f"milestone-{milestone.pk}-{action.slug}"
                url = reverse(
                    f"challenges:project_milestone_{action.name}",
                    kwargs={"project_id": project.pk, "milestone_id": milestone.pk},
                )
                if action.name == "submit":
                    row.panels.append(
                        Panel(
                            action,
                            url,
                            key,
                            _form(forms, key, MilestoneEvidenceForm),
                            multipart=True,
                        )
                    )
                elif action.name == "return":
                    row.panels.append(Panel(action, url, key, _form(forms, key, ReasonForm)))
                else:
                    row.panels.append(Panel(action, url, key))
        rows.append(row)
    return rows


def _ledger_rows(
    request: HttpRequest,
    project: Project,
    forms: Mapping[str, BaseForm],
    *,
    may_claim: bool,
    is_sponsor: bool,
) -> list[LedgerRow]:
    user = request.user
    rows = []
    for line in impact_selectors.project_impact_ledger(user=user, project=project):
        entry = line.entry
        entry.project = project
        row = LedgerRow(line=line)
        if is_sponsor:
            for action in IMPACT.actions_for(entry, user, audience="sponsor"):
                if action.name == "confirm" and entry.claimed_by_id == getattr(user, "pk", None):
                    # Four eyes: the service refuses it too (code ``same_person``).
                    action = replace(
                        action,
                        allowed=False,
                        reason=_("Someone other than the person who claimed it must confirm."),
                    )
                key = f"impact-{entry.pk}-{action.slug}"
                url = reverse(
                    f"challenges:project_impact_{action.name}",
                    kwargs={"project_id": project.pk, "entry_id": entry.pk},
                )
                form = _form(forms, key, ReasonForm) if action.name == "reject" else None
                row.panels.append(Panel(action, url, key, form))
        if may_claim:
            row.may_edit = entry.status == ImpactEntry.Status.CLAIMED
            row.pending_correction = any(
                c.status == ImpactEntry.Status.CLAIMED for c in line.corrections
            )
            row.may_correct = entry.is_frozen and not row.pending_correction
        rows.append(row)
    return rows


def _participants(project: Project) -> dict[str, list[ProjectOrganization]]:
    grouped: dict[str, list[ProjectOrganization]] = {role: [] for role in Role.values}
    for participant in project.participants.all():
        grouped[participant.role].append(participant)
    return grouped


def _detail_context(
    request: HttpRequest, project: Project, forms: Mapping[str, BaseForm] | None = None
) -> dict[str, Any]:
    forms = forms or {}
    user = request.user
    roles = permissions.project_roles(user, project)
    is_open = PROJECT.is_open(project)
    is_team = bool(permissions.can_report_progress(user, project))
    is_sponsor = bool(permissions.can_accept_for_sponsor(user, project))
    may_claim = bool(permissions.can_claim_impact(user, project))
    may_comment = bool(permissions.can_comment_progress(user, project))
    may_report = is_team and is_open
    today = timezone.localdate()
    kpis = [
        (
            history,
            _form(forms, f"kpi-{history.indicator.pk}", MeasurementForm) if may_report else None,
        )
        for history in selectors.kpi_history(project)
    ]
    updates = [
        (
            update,
            _form(forms, f"update-{update.pk}", ProgressCommentForm) if may_comment else None,
        )
        for update in project.progress_updates.all()
    ]
    participants = _participants(project)
    return {
        "project": project,
        "roles": _role_labels(roles),
        "participants": participants,
        "organizations": [p.organization for p in project.participants.all()],
        "funding": list(project.funding.all()),
        "is_open": is_open,
        "is_team": is_team,
        "is_sponsor": is_sponsor,
        "may_claim": may_claim,
        "may_comment": may_comment,
        "may_report": may_report,
        "update_overdue": bool(
            project.next_update_due and project.next_update_due < today and is_open
        ),
        "milestones": _milestone_rows(
            request, project, forms, is_team=is_team, is_sponsor=is_sponsor, is_open=is_open
        ),
        "milestone_form": _form(forms, "milestone", MilestoneForm) if may_report else None,
        "kpis": kpis,
        "indicator_form": _form(forms, "indicator", IndicatorForm) if may_report else None,
        "updates": updates,
        "update_form": _form(forms, "progress", ProgressUpdateForm) if may_report else None,
        "ledger": _ledger_rows(request, project, forms, may_claim=may_claim, is_sponsor=is_sponsor),
        "claim_form": (
            forms.get("claim")
            or ImpactEntryForm(
                prefix="claim", organizations=[p.organization for p in participants[Role.SPONSOR]]
            )
        )
        if may_claim
        else None,
    }


@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project = _project_for(request, project_id)
    except Http404:
        public = Project.objects.filter(pk=project_id, is_public=True).values("code").first()
        if public is not None:
            return redirect("challenges:showcase_project", code=public["code"])
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    return render(
        request, "challenges/portfolio/project_detail.html", _detail_context(request, project)
    )


def _render_detail(
    request: HttpRequest, project: Project, key: str
) -> Callable[[BaseForm], HttpResponse]:
    """``render_invalid`` of ``run_action``: the page again with ``form`` under ``key``."""

    def render_invalid(form: BaseForm) -> HttpResponse:
        fresh = _project_for(request, project.pk)
        return render(
            request,
            "challenges/portfolio/project_detail.html",
            _detail_context(request, fresh, {key: form}),
            status=400,
        )

    return render_invalid


def _member(items: Any, pk: int) -> Any:
    found = next((item for item in items if item.pk == pk), None)
    if found is None:
        raise Http404
    return found


# --- Milestones ------------------------------------------------------------------------------


@require_POST
def milestone_add(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    project = _project_for(request, project_id)
    form = MilestoneForm(request.POST, prefix="milestone")
    return run_action(
        request,
        form=form,
        service=lambda data: services.milestone_add(actor=request.user, project=project, **data),
        success=_("The milestone was added."),
        redirect_to=project_url(project, "milestones"),
        render_invalid=_render_detail(request, project, "milestone"),
    )


@require_POST
def milestone_action(
    request: AuthenticatedRequest, project_id: int, milestone_id: int, action: str
) -> HttpResponse:
    """Submit the evidence (the team), accept or return it (a sponsor)."""
    project = _project_for(request, project_id)
    milestone = _member(project.milestones.all(), milestone_id)
    key = f"milestone-{milestone.pk}-{action}"
    url = project_url(project, f"milestone-{milestone.pk}")
    form: BaseForm | None
    if action == "submit":
        form = MilestoneEvidenceForm(request.POST, request.FILES, prefix=key)

        def service(data: dict[str, Any]) -> Any:
            return services.milestone_submit(
                actor=request.user, milestone=milestone, note=data["note"], files=data["files"]
            )

        success = _("The evidence was submitted; the sponsors are told.")
    elif action == "accept":
        form = None

        def service(data: dict[str, Any]) -> Any:
            return services.milestone_accept(actor=request.user, milestone=milestone)

        success = _("The milestone was accepted.")
    elif action == "return":
        form = ReasonForm(request.POST, prefix=key)

        def service(data: dict[str, Any]) -> Any:
            return services.milestone_return(
                actor=request.user, milestone=milestone, reason=data["reason"]
            )

        success = _("The milestone was returned to the team with your reason.")
    else:
        raise Http404
    if form is None:
        return run_action(request, service=service, success=success, redirect_to=url)
    return run_action(
        request,
        form=form,
        service=service,
        success=success,
        redirect_to=url,
        render_invalid=_render_detail(request, project, key),
    )


# --- KPIs ------------------------------------------------------------------------------------


@require_POST
def indicator_add(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    project = _project_for(request, project_id)
    form = IndicatorForm(request.POST, prefix="indicator")
    return run_action(
        request,
        form=form,
        service=lambda data: services.indicator_add(actor=request.user, project=project, data=data),
        success=_("The indicator was added."),
        redirect_to=project_url(project, "kpis"),
        render_invalid=_render_detail(request, project, "indicator"),
    )


@require_POST
def measurement_record(
    request: AuthenticatedRequest, project_id: int, indicator_id: int
) -> HttpResponse:
    project = _project_for(request, project_id)
    indicator: Indicator = _member(project.indicators.all(), indicator_id)
    key = f"kpi-{indicator.pk}"
    form = MeasurementForm(request.POST, prefix=key)
    return run_action(
        request,
        form=form,
        service=lambda data: services.measurement_record(
            actor=request.user, indicator=indicator, **data
        ),
        success=_("The value of the period was recorded."),
        redirect_to=project_url(project, f"kpi-{indicator.pk}"),
        render_invalid=_render_detail(request, project, key),
    )


# --- Progress updates ------------------------------------------------------------------------


@require_POST
def progress_update_submit(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    project = _project_for(request, project_id)
    form = ProgressUpdateForm(request.POST, prefix="progress")
    return run_action(
        request,
        form=form,
        service=lambda data: services.progress_update_submit(
            actor=request.user, project=project, **data
        ),
        success=_("The progress update was sent; the sponsors are told."),
        redirect_to=project_url(project, "updates"),
        render_invalid=_render_detail(request, project, "progress"),
    )


@require_POST
def progress_comment_add(
    request: AuthenticatedRequest, project_id: int, update_id: int
) -> HttpResponse:
    project = _project_for(request, project_id)
    update: ProgressUpdate = _member(project.progress_updates.all(), update_id)
    key = f"update-{update.pk}"
    form = ProgressCommentForm(request.POST, prefix=key)
    return run_action(
        request,
        form=form,
        service=lambda data: services.progress_comment_add(
            actor=request.user, update=update, body=data["body"]
        ),
        success=_("Your comment was added."),
        redirect_to=project_url(project, key),
        render_invalid=_render_detail(request, project, key),
    )


# --- Impact ledger ---------------------------------------------------------------------------


def _entry_for(request: HttpRequest, project: Project, entry_id: int) -> ImpactEntry:
    entry = impact_selectors.impact_entry_get_for_user(user=request.user, entry_id=entry_id)
    if entry.project_id != project.pk:
        raise Http404
    entry.project = project
    return entry


def _sponsors(project: Project) -> list[Any]:
    return [p.organization for p in project.participants.all() if p.role == Role.SPONSOR]


@require_POST
def impact_claim(request: AuthenticatedRequest, project_id: int) -> HttpResponse:
    project = _project_for(request, project_id)
    form = ImpactEntryForm(
        request.POST, request.FILES, prefix="claim", organizations=_sponsors(project)
    )
    return run_action(
        request,
        form=form,
        service=lambda data: impact_services.impact_claim(
            actor=request.user, project=project, data=form.values(), files=form.evidence()
        ),
        success=_("Your claim was recorded; the sponsors are asked to confirm it."),
        redirect_to=project_url(project, "impact"),
        render_invalid=_render_detail(request, project, "claim"),
    )


def _entry_page(
    request: HttpRequest, project: Project, entry: ImpactEntry, *, correcting: bool
) -> Callable[..., HttpResponse]:
    def render_page(form: BaseForm, status: int = 400) -> HttpResponse:
        return render(
            request,
            "challenges/portfolio/project_impact_form.html",
            {"project": project, "entry": entry, "form": form, "correcting": correcting},
            status=status,
        )

    return render_page


@require_http_methods(["GET", "POST"])
def impact_edit(request: AuthenticatedRequest, project_id: int, entry_id: int) -> HttpResponse:
    """Edit a claim (and add evidence). A confirmed or verified entry is never changed: the
    service refuses (code ``frozen``) and the page says to add a correction."""
    project = _project_for(request, project_id)
    entry = _entry_for(request, project, entry_id)
    if request.method == "GET":
        if not permissions.can_claim_impact(request.user, project):
            raise Http404
        if entry.status != ImpactEntry.Status.CLAIMED:
            messages.info(
                request,
                _("This entry can no longer change.")
                + (" " + _("Add a correction instead.") if entry.is_frozen else ""),
            )
            return redirect(project_url(project, f"entry-{entry.pk}"))
        form: Form = ImpactEntryForm(entry=entry, organizations=_sponsors(project))
        return _entry_page(request, project, entry, correcting=False)(form, 200)
    form = ImpactEntryForm(
        request.POST, request.FILES, entry=entry, organizations=_sponsors(project)
    )
    return run_action(
        request,
        form=form,
        service=_on_page(
            LEDGER_PAGE_CODES,
            lambda data: impact_services.impact_update(
                actor=request.user, entry=entry, data=form.values(), files=form.evidence()
            ),
        ),
        success=_("The claim was saved."),
        redirect_to=project_url(project, f"entry-{entry.pk}"),
        render_invalid=_entry_page(request, project, entry, correcting=False),
    )


@require_http_methods(["GET", "POST"])
def impact_correct(request: AuthenticatedRequest, project_id: int, entry_id: int) -> HttpResponse:
    """Correct a confirmed or verified entry: a new claim that references it."""
    project = _project_for(request, project_id)
    entry = _entry_for(request, project, entry_id)
    if request.method == "GET":
        if not permissions.can_claim_impact(request.user, project):
            raise Http404
        if not entry.is_frozen:
            return redirect(project_url(project, f"entry-{entry.pk}"))
        form: Form = ImpactCorrectionForm(entry=entry, organizations=_sponsors(project))
        return _entry_page(request, project, entry, correcting=True)(form, 200)
    form = ImpactCorrectionForm(
        request.POST, request.FILES, entry=entry, organizations=_sponsors(project)
    )
    return run_action(
        request,
        form=form,
        service=_on_page(
            LEDGER_PAGE_CODES - {"no_change"},
            lambda data: impact_services.impact_correct(
                actor=request.user,
                entry=entry,
                data=form.values(),
                reason=data["reason"],
                files=form.evidence(),
            ),
        ),
        success=_("Your correction was recorded; the sponsors are asked to confirm it."),
        redirect_to=project_url(project, "impact"),
        render_invalid=_entry_page(request, project, entry, correcting=True),
    )


@require_POST
def impact_action(
    request: AuthenticatedRequest, project_id: int, entry_id: int, action: str
) -> HttpResponse:
    """Withdraw a claim (the supplier lead), confirm or reject it (a sponsor)."""
    project = _project_for(request, project_id)
    entry = _entry_for(request, project, entry_id)
    url = project_url(project, f"entry-{entry.pk}")
    if action == "withdraw":
        return run_action(
            request,
            service=lambda data: impact_services.impact_withdraw(actor=request.user, entry=entry),
            success=_("The claim was withdrawn."),
            redirect_to=project_url(project, "impact"),
        )
    if action == "confirm":
        return run_action(
            request,
            service=lambda data: impact_services.impact_confirm(actor=request.user, entry=entry),
            success=_("The entry was confirmed; the secretariat verifies it next."),
            redirect_to=url,
        )
    if action == "reject":
        key = f"impact-{entry.pk}-reject"
        return run_action(
            request,
            form=ReasonForm(request.POST, prefix=key),
            service=lambda data: impact_services.impact_reject(
                actor=request.user, entry=entry, reason=data["reason"]
            ),
            success=_("The claim was rejected; the supplier is told your reason."),
            redirect_to=url,
            render_invalid=_render_detail(request, project, key),
        )
    raise Http404
