"""The secretariat's membership pages under ``/staff/members/``: the application queue, an
application with its decision forms, and organizations with suspension, reinstatement and lapse.

``StaffMFARequiredMiddleware`` already keeps ``/staff/`` to staff with two-factor
authentication (non-staff get a 404); the selectors ask the permission predicates again so the
views stay safe wherever they are mounted.

The lists are staff queues (:mod:`cluster_portal.core.queues`); the decision forms shown are
the actions the lifecycle table (``members/workflows.py``) offers this person for the record's
state, each POST runs through :func:`cluster_portal.core.actions.run_action`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, Form
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.workflows import Action, Workflow

from ...forms.membership import (
    ApproveForm,
    OrganizationStatusForm,
    RejectForm,
    RequestInfoForm,
)
from ...models import MembershipApplication, Organization
from ...permissions import can_decide_membership, can_view_membership_records
from ...selectors import membership as selectors
from ...services import membership as services
from ...workflows import APPLICATION, ORGANIZATION
from ..membership import AuthenticatedRequest


def _require_staff(request: AuthenticatedRequest) -> None:
    if not can_view_membership_records(request.user):
        raise PermissionDenied


def _require_decider(request: AuthenticatedRequest) -> None:
    """POST actions: a member of staff who may only read (the auditor, staff without a role)
    gets a 403 before anything runs; the services check again."""
    if not can_decide_membership(request.user):
        raise PermissionDenied


@dataclass(frozen=True)
class ActionForm:
    """How the page asks for one transition: its form and the service call."""

    form_class: type[Form]
    #: ``(actor, record, cleaned_data)`` → the service's result.
    run: Callable[[Any, Any, dict[str, Any]], Any]
    #: Success message with ``%(organization)s``.
    success: str | Promise


@dataclass(frozen=True)
class Panel:
    """One action of the lifecycle table on a staff page, with its form and URL."""

    action: Action
    form: BaseForm
    url: str


def _auto_id(action_name: str) -> str:
    """Element ids per form: a page shows several decision forms with the same field names
    ("message", "reason"), and each label must point at its own field."""
    return action_name + "_%s"


def _panels(
    workflow: Workflow[Any],
    record: Any,
    user: Any,
    forms: dict[str, ActionForm],
    url_name: str,
    bound: dict[str, BaseForm],
) -> list[Panel]:
    """The staff actions the workflow offers ``user`` on ``record`` now, each with its form
    (``bound`` holds the one just posted with its errors)."""
    panels = []
    for action in workflow.actions_for(record, user, audience="staff"):
        spec = forms[action.name]
        form = bound.get(action.name) or spec.form_class(auto_id=_auto_id(action.name))
        url = reverse(f"members_staff:{url_name}_{action.name}", args=[record.pk])
        panels.append(Panel(action, form, url))
    return panels


# --- Applications -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_staff(request)
    queue = selectors.membership_application_queue(params=request.GET)
    return render(request, "members/staff/application_list.html", queue.context("applications"))


APPLICATION_FORMS: dict[str, ActionForm] = {
    "approve": ActionForm(
        ApproveForm,
        lambda actor, application, data: services.membership_application_approve(
            actor=actor, application=application, message=data["message"]
        ),
        gettext_lazy("%(organization)s is now an active member."),
    ),
    "reject": ActionForm(
        RejectForm,
        lambda actor, application, data: services.membership_application_reject(
            actor=actor, application=application, reason=data["reason"]
        ),
        gettext_lazy("The application of %(organization)s has been rejected."),
    ),
    "request_info": ActionForm(
        RequestInfoForm,
        lambda actor, application, data: services.membership_application_request_info(
            actor=actor, application=application, message=data["message"]
        ),
        gettext_lazy("%(organization)s has been asked for more information."),
    ),
}


def _application_context(
    request: AuthenticatedRequest, application: MembershipApplication, **bound: BaseForm
) -> dict[str, Any]:
    return {
        "application": application,
        "organization": application.organization,
        "history": [
            a
            for a in selectors.membership_applications_of_organization(
                organization=application.organization
            )
            if a.pk != application.pk
        ],
        "panels": _panels(
            APPLICATION, application, request.user, APPLICATION_FORMS, "application", bound
        ),
    }


@login_required
@require_http_methods(["GET"])
def application_detail(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = selectors.membership_application_get_for_staff(
        user=request.user, application_id=application_id
    )
    return render(
        request,
        "members/staff/application_detail.html",
        _application_context(request, application),
    )


@login_required
@require_POST
def application_decide(
    request: AuthenticatedRequest, application_id: int, decision: str
) -> HttpResponse:
    _require_decider(request)
    application = selectors.membership_application_get_for_staff(
        user=request.user, application_id=application_id
    )
    name = decision.replace("-", "_")
    spec = APPLICATION_FORMS.get(name)
    if spec is None:
        raise Http404
    return run_action(
        request,
        form=spec.form_class(request.POST, auto_id=_auto_id(name)),
        service=lambda data: spec.run(request.user, application, data),
        success=str(spec.success) % {"organization": application.organization.display_name},
        redirect_to=reverse("members_staff:application_detail", args=[application.pk]),
        render_invalid=lambda form: render(
            request,
            "members/staff/application_detail.html",
            _application_context(request, application, **{name: form}),
        ),
    )


# --- Organizations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def organization_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_staff(request)
    queue = selectors.organizations_for_staff(params=request.GET)
    return render(request, "members/staff/organization_list.html", queue.context("organizations"))


ORGANIZATION_FORMS: dict[str, ActionForm] = {
    "suspend": ActionForm(
        OrganizationStatusForm,
        lambda actor, organization, data: services.organization_suspend(
            actor=actor, organization=organization, reason=data["reason"]
        ),
        gettext_lazy("%(organization)s has been suspended."),
    ),
    "reinstate": ActionForm(
        OrganizationStatusForm,
        lambda actor, organization, data: services.organization_reinstate(
            actor=actor, organization=organization, reason=data["reason"]
        ),
        gettext_lazy("%(organization)s is an active member again."),
    ),
    "lapse": ActionForm(
        OrganizationStatusForm,
        lambda actor, organization, data: services.organization_lapse(
            actor=actor, organization=organization, reason=data["reason"]
        ),
        gettext_lazy("The membership of %(organization)s has lapsed."),
    ),
}


def _organization_context(
    request: AuthenticatedRequest, organization: Organization, **bound: BaseForm
) -> dict[str, Any]:
    return {
        "organization": organization,
        "applications": list(
            selectors.membership_applications_of_organization(organization=organization)
        ),
        "members": list(selectors.team_members(organization=organization)),
        "panels": _panels(
            ORGANIZATION, organization, request.user, ORGANIZATION_FORMS, "organization", bound
        ),
    }


@login_required
@require_http_methods(["GET"])
def organization_detail(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get_for_staff(
        user=request.user, organization_id=organization_id
    )
    return render(
        request,
        "members/staff/organization_detail.html",
        _organization_context(request, organization),
    )


@login_required
@require_POST
def organization_change_status(
    request: AuthenticatedRequest, organization_id: int, action: str
) -> HttpResponse:
    _require_decider(request)
    organization = selectors.organization_get_for_staff(
        user=request.user, organization_id=organization_id
    )
    spec = ORGANIZATION_FORMS.get(action)
    if spec is None:
        raise Http404
    return run_action(
        request,
        form=spec.form_class(request.POST, auto_id=_auto_id(action)),
        service=lambda data: spec.run(request.user, organization, data),
        success=str(spec.success) % {"organization": organization.display_name},
        redirect_to=reverse("members_staff:organization_detail", args=[organization.pk]),
        render_invalid=lambda form: render(
            request,
            "members/staff/organization_detail.html",
            _organization_context(request, organization, **{action: form}),
        ),
    )
