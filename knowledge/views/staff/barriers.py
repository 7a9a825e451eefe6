"""The editors' pages of the regulatory barrier register under ``/staff/knowledge/barriers/``:
the list with its filters, recording and editing a barrier, its page (lifecycle steps from
``BARRIER`` through the workflow actions partial, links to challenges and projects, evidence
files, history and endorsements).

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages (``can_read_knowledge_staff``), only editors change anything
(``can_edit_content``; the services check again).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from challenges.selectors.surveys import challenges_visible_to
from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel
from cluster_portal.files.models import Attachment

from ...forms.barriers import (
    BarrierCreateForm,
    BarrierFilterForm,
    BarrierForm,
    EvidenceForm,
    LinksForm,
    TransitionForm,
)
from ...models import RegulatoryBarrier
from ...permissions import can_edit_content, can_read_knowledge_staff
from ...selectors import barriers as selectors
from ...services import barriers as services
from ...workflows import BARRIER

PAGE_SIZE = 25


def _require_reader(request: AuthenticatedRequest) -> None:
    if not can_read_knowledge_staff(request.user):
        raise PermissionDenied


def _require_editor(request: AuthenticatedRequest) -> None:
    if not can_edit_content(request.user):
        raise PermissionDenied


def _url(barrier: RegulatoryBarrier | int) -> str:
    return reverse("knowledge_staff:barrier_detail", args=[getattr(barrier, "pk", barrier)])


def _barrier(request: AuthenticatedRequest, barrier_id: int) -> RegulatoryBarrier:
    _require_reader(request)
    return selectors.barrier_get_for_staff(user=request.user, barrier_id=barrier_id)


# --- List --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def barrier_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_reader(request)
    form = BarrierFilterForm(
        request.GET or None,
        authorities=selectors.authority_choices(user=request.user),
    )
    filters = form.filters() if request.GET else {}
    barriers = selectors.barrier_staff_list(user=request.user, filters=filters)
    page_obj = Paginator(barriers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/staff/barrier_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page_obj": page_obj,
            "barriers": page_obj.object_list,
            "can_edit": can_edit_content(request.user),
        },
    )


# --- Recording and editing ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def barrier_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_editor(request)
    form = BarrierCreateForm(request.POST or None, request.FILES or None)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(request, "knowledge/staff/barrier_form.html", {"form": f}, status=status)

    if request.method == "GET":
        return page(form)
    holder: dict[str, RegulatoryBarrier] = {}

    def create(data: dict[str, Any]) -> RegulatoryBarrier:
        holder["barrier"] = services.barrier_create(
            actor=request.user, data=form.service_data(), files=data["files"]
        )
        return holder["barrier"]

    response = run_action(
        request,
        form=form,
        service=create,
        success=lambda barrier: _("Barrier %(code)s was recorded.") % {"code": barrier.code},
        redirect_to=reverse("knowledge_staff:barrier_list"),
        render_invalid=lambda f: page(f, status=400),
    )
    if "barrier" in holder:
        return redirect(_url(holder["barrier"]))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def barrier_edit(request: AuthenticatedRequest, barrier_id: int) -> HttpResponse:
    _require_editor(request)
    barrier = _barrier(request, barrier_id)
    form = BarrierForm(request.POST or None, instance=barrier)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "knowledge/staff/barrier_form.html",
            {"form": f, "barrier": barrier},
            status=status,
        )

    if request.method == "GET":
        return page(form)
    return run_action(
        request,
        form=form,
        service=lambda data: services.barrier_update(
            actor=request.user, barrier=barrier, data=form.service_data()
        ),
        success=_("The barrier was saved."),
        redirect_to=_url(barrier),
        render_invalid=lambda f: page(f, status=400),
    )


# --- The barrier's page ------------------------------------------------------------------------


def _links_form(
    request: AuthenticatedRequest, barrier: RegulatoryBarrier, data: Any = None
) -> LinksForm:
    challenges = challenges_visible_to(request.user).order_by("-pk")
    projects = selectors.projects_visible_to(request.user).order_by("-pk")
    initial = None
    if data is None:
        initial = {
            "challenges": list(barrier.challenges.values_list("pk", flat=True)),
            "projects": list(barrier.projects.values_list("pk", flat=True)),
        }
    return LinksForm(data, initial=initial, challenges=challenges, projects=projects)


def _detail(
    request: AuthenticatedRequest,
    barrier: RegulatoryBarrier,
    *,
    status: int = 200,
    action_form: BaseForm | None = None,
    failed: str = "",
    links_form: BaseForm | None = None,
    evidence_form: BaseForm | None = None,
) -> HttpResponse:
    editor = can_edit_content(request.user)
    panels = [
        ActionPanel(
            action=action,
            form=action_form
            if (action_form is not None and action.name == failed)
            else TransitionForm(transition=action.name, barrier=barrier),
            url=reverse("knowledge_staff:barrier_action", args=[barrier.pk, action.name]),
        )
        for action in BARRIER.actions_for(barrier, request.user, audience="staff")
    ]
    return render(
        request,
        "knowledge/staff/barrier_detail.html",
        {
            "barrier": barrier,
            "can_edit": editor,
            "panels": panels if editor else [],
            "history": selectors.barrier_history(barrier),
            "evidence": selectors.barrier_evidence(barrier),
            "endorsers": selectors.barrier_endorsers(user=request.user, barrier=barrier),
            "challenges": selectors.linked_challenges(who=request.user, barrier=barrier),
            "projects": selectors.linked_projects(user=request.user, barrier=barrier),
            "links_form": (links_form or _links_form(request, barrier)) if editor else None,
            "evidence_form": (evidence_form or EvidenceForm()) if editor else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def barrier_detail(request: AuthenticatedRequest, barrier_id: int) -> HttpResponse:
    return _detail(request, _barrier(request, barrier_id))


@login_required
@require_POST
def barrier_action(request: AuthenticatedRequest, barrier_id: int, action: str) -> HttpResponse:
    _require_editor(request)
    barrier = _barrier(request, barrier_id)
    try:
        label = BARRIER.transition(action.replace("-", "_")).label
    except KeyError:
        raise Http404 from None
    name = action.replace("-", "_")
    form = TransitionForm(request.POST, transition=name, barrier=barrier)
    return run_action(
        request,
        form=form,
        service=lambda data: services.barrier_transition(
            actor=request.user,
            barrier=barrier,
            transition=name,
            note=data["note"],
            case_number=form.case_number_value(),
        ),
        success=_("Done: %(action)s.") % {"action": label},
        redirect_to=_url(barrier),
        render_invalid=lambda f: _detail(request, barrier, status=400, action_form=f, failed=name),
    )


@login_required
@require_POST
def barrier_links(request: AuthenticatedRequest, barrier_id: int) -> HttpResponse:
    _require_editor(request)
    barrier = _barrier(request, barrier_id)
    form = _links_form(request, barrier, request.POST)
    return run_action(
        request,
        form=form,
        service=lambda data: services.barrier_link(
            actor=request.user,
            barrier=barrier,
            challenge_ids=data["challenges"],
            project_ids=data["projects"],
        ),
        success=_("The links were saved."),
        redirect_to=_url(barrier),
        render_invalid=lambda f: _detail(request, barrier, status=400, links_form=f),
    )


@login_required
@require_POST
def evidence_add(request: AuthenticatedRequest, barrier_id: int) -> HttpResponse:
    _require_editor(request)
    barrier = _barrier(request, barrier_id)
    form = EvidenceForm(request.POST, request.FILES)
    return run_action(
        request,
        form=form,
        service=lambda data: services.barrier_evidence_add(
            actor=request.user, barrier=barrier, files=data["files"]
        ),
        success=_("The evidence was added."),
        redirect_to=_url(barrier),
        render_invalid=lambda f: _detail(request, barrier, status=400, evidence_form=f),
    )


@login_required
@require_POST
def evidence_remove(
    request: AuthenticatedRequest, barrier_id: int, attachment_id: uuid.UUID
) -> HttpResponse:
    _require_editor(request)
    barrier = _barrier(request, barrier_id)
    attachment = get_object_or_404(
        Attachment.objects.select_related("content_type"),
        pk=attachment_id,
        object_id=barrier.pk,
    )
    return run_action(
        request,
        service=lambda data: services.barrier_evidence_remove(
            actor=request.user, barrier=barrier, attachment=attachment
        ),
        success=_("The file was removed."),
        redirect_to=_url(barrier),
    )
