"""The editors' value-added opportunities pages under ``/staff/knowledge/opportunities/``: the
list (drafts too, with interest and study counts), creating and editing an opportunity, its
page with the lifecycle actions (publish, withdraw from publication) and the linked studies.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages (``can_read_knowledge_staff``), only editors change anything
(``can_edit_content``; the services check again).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel

from ...forms.opportunities import EmptyForm, OpportunityForm, StudiesForm
from ...models import ValueOpportunity
from ...permissions import can_edit_content, can_read_knowledge_staff
from ...selectors import opportunities as selectors
from ...services import opportunities as services
from ...workflows import OPPORTUNITY

PAGE_SIZE = 25


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_knowledge_staff(request.user):
        raise PermissionDenied


def _require_editor(request: AuthenticatedRequest) -> None:
    if not can_edit_content(request.user):
        raise PermissionDenied


def _opportunity(request: AuthenticatedRequest, opportunity_id: int) -> ValueOpportunity:
    _require_reader(request)
    return selectors.opportunity_get_for_staff(user=request.user, opportunity_id=opportunity_id)


def _detail_url(opportunity: ValueOpportunity) -> str:
    return reverse("knowledge_staff:opportunity_detail", args=[opportunity.pk])


# --- List ------------------------------------------------------------------------------------


@login_required
@require_GET
def opportunity_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_reader(request)
    status = request.GET.get("status", "")
    rows = selectors.staff_opportunities()
    if status in ValueOpportunity.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/staff/opportunity_list.html",
        {
            "page_obj": page_obj,
            "status": status,
            "statuses": OPPORTUNITY.choices(),
            "can_edit": can_edit_content(request.user),
        },
    )


# --- Creating and editing --------------------------------------------------------------------


def _form_page(
    request: AuthenticatedRequest,
    form: BaseForm,
    opportunity: ValueOpportunity | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "knowledge/staff/opportunity_form.html",
        {"form": form, "opportunity": opportunity},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_editor(request)
    form = OpportunityForm(request.POST or None)
    if request.method == "GET":
        return _form_page(request, form)
    created: dict[str, ValueOpportunity] = {}

    def create(data: dict[str, Any]) -> ValueOpportunity:
        created["opportunity"] = services.opportunity_create(
            actor=request.user, data=form.service_data()
        )
        return created["opportunity"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=_("The opportunity was created as a draft."),
        redirect_to=reverse("knowledge_staff:opportunity_list"),
        render_invalid=lambda f: _form_page(request, f, status=400),
    )
    if "opportunity" in created:
        return redirect(_detail_url(created["opportunity"]))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    _require_editor(request)
    opportunity = _opportunity(request, opportunity_id)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "GET":
        return _form_page(request, form, opportunity)
    return run_action(
        request,
        form=form,
        service=lambda data: services.opportunity_update(
            actor=request.user, opportunity=opportunity, data=form.service_data()
        ),
        success=_("The opportunity was saved."),
        redirect_to=_detail_url(opportunity),
        render_invalid=lambda f: _form_page(request, f, opportunity, status=400),
    )


# --- The opportunity's page ------------------------------------------------------------------


def _detail(
    request: AuthenticatedRequest,
    opportunity: ValueOpportunity,
    *,
    action_form: BaseForm | None = None,
    failed: str = "",
    studies_form: StudiesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    panels = [
        ActionPanel(
            action=action,
            form=action_form
            if action_form is not None and action.name == failed
            else EmptyForm(prefix=action.name),
            url=reverse("knowledge_staff:opportunity_action", args=[opportunity.pk, action.name]),
        )
        for action in OPPORTUNITY.actions_for(opportunity, request.user, audience="staff")
    ]
    can_edit = can_edit_content(request.user)
    return render(
        request,
        "knowledge/staff/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "card": selectors.opportunity_card(opportunity),
            "panels": panels,
            "can_edit": can_edit,
            "studies": list(opportunity.studies.order_by("title")),
            "studies_form": (studies_form or StudiesForm(opportunity=opportunity))
            if can_edit
            else None,
            "interest_groups": selectors.interests_by_role(request.user, opportunity),
        },
        status=status,
    )


@login_required
@require_GET
def opportunity_detail(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    return _detail(request, _opportunity(request, opportunity_id))


@login_required
@require_POST
def opportunity_action(
    request: AuthenticatedRequest, opportunity_id: int, action: str
) -> HttpResponse:
    _require_editor(request)
    opportunity = _opportunity(request, opportunity_id)
    service = services.LIFECYCLE_SERVICES.get(action)
    if service is None:
        raise Http404
    label = OPPORTUNITY.transition(action).label
    return run_action(
        request,
        form=EmptyForm(request.POST, prefix=action),
        service=lambda data: service(actor=request.user, opportunity=opportunity),
        success=_("Done: %(action)s.") % {"action": label},
        redirect_to=_detail_url(opportunity),
        render_invalid=lambda f: _detail(
            request, opportunity, action_form=f, failed=action, status=400
        ),
    )


@login_required
@require_POST
def opportunity_studies(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    _require_editor(request)
    opportunity = _opportunity(request, opportunity_id)
    form = StudiesForm(request.POST, opportunity=opportunity)
    return run_action(
        request,
        form=form,
        service=lambda data: services.opportunity_studies_set(
            actor=request.user, opportunity=opportunity, articles=data["studies"]
        ),
        success=_("The linked studies were saved."),
        redirect_to=_detail_url(opportunity),
        render_invalid=lambda f: _detail(
            request,
            opportunity,
            studies_form=f,  # type: ignore[arg-type]
            status=400,
        ),
    )
