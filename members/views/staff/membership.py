"""The secretariat's membership pages under ``/staff/members/``: the application queue, an
application with its decision forms, and organizations with suspension, reinstatement and lapse.

``StaffMFARequiredMiddleware`` already keeps ``/staff/`` to staff with two-factor
authentication (non-staff get a 404); the selectors ask ``can_decide_membership`` again so the
views stay safe wherever they are mounted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.forms import add_service_error

from ...forms.membership import (
    ApproveForm,
    OrganizationStatusForm,
    RejectForm,
    RequestInfoForm,
    StaffListFilterForm,
)
from ...models import MembershipApplication, Organization
from ...permissions import can_decide_membership
from ...selectors import membership as selectors
from ...services import membership as services
from ..membership import AuthenticatedRequest


def _require_staff(request: AuthenticatedRequest) -> None:
    if not can_decide_membership(request.user):
        raise PermissionDenied


def _page(request: AuthenticatedRequest, queryset: Any) -> Any:
    return Paginator(queryset, selectors.STAFF_PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request: AuthenticatedRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_http_methods(["GET"])
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status") or selectors.QUEUE_FILTER_OPEN
    valid = {selectors.QUEUE_FILTER_OPEN, selectors.QUEUE_FILTER_ALL}
    valid.update(MembershipApplication.Status.values)
    if status not in valid:
        status = selectors.QUEUE_FILTER_OPEN
    filter_form = StaffListFilterForm(request.GET)
    query = filter_form.cleaned_data["q"] if filter_form.is_valid() else ""
    counts = selectors.membership_application_counts()
    tabs = [
        (selectors.QUEUE_FILTER_OPEN, _("Open"), counts[selectors.QUEUE_FILTER_OPEN]),
        *((value, label, counts[value]) for value, label in MembershipApplication.Status.choices),
        (selectors.QUEUE_FILTER_ALL, _("All"), counts[selectors.QUEUE_FILTER_ALL]),
    ]
    page = _page(request, selectors.membership_application_queue(status=status, query=query))
    return render(
        request,
        "members/staff/application_list.html",
        {
            "page_obj": page,
            "applications": page.object_list,
            "status": status,
            "tabs": tabs,
            "query": query,
            "filter_form": filter_form,
            "querystring": _querystring_without_page(request),
        },
    )


def _auto_id(form_name: str) -> str:
    """Element ids per form: a page shows several decision forms with the same field names
    ("message", "reason"), and each label must point at its own field."""
    return form_name.removesuffix("_form") + "_%s"


def _application_context(
    request: AuthenticatedRequest, application: MembershipApplication, **forms: Form
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
        "approve_form": forms.get("approve_form") or ApproveForm(auto_id=_auto_id("approve_form")),
        "reject_form": forms.get("reject_form") or RejectForm(auto_id=_auto_id("reject_form")),
        "info_form": forms.get("info_form") or RequestInfoForm(auto_id=_auto_id("info_form")),
        "can_request_info": application.status == MembershipApplication.Status.SUBMITTED,
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


_DECISIONS: dict[str, tuple[type[Form], str, Callable[..., MembershipApplication], Promise]] = {
    # decision: (form class, form name in the template, service, success message)
    "approve": (
        ApproveForm,
        "approve_form",
        lambda actor, application, data: services.membership_application_approve(
            actor=actor, application=application, message=data["message"]
        ),
        gettext_lazy("%(organization)s is now an active member."),
    ),
    "reject": (
        RejectForm,
        "reject_form",
        lambda actor, application, data: services.membership_application_reject(
            actor=actor, application=application, reason=data["reason"]
        ),
        gettext_lazy("The application of %(organization)s has been rejected."),
    ),
    "request-info": (
        RequestInfoForm,
        "info_form",
        lambda actor, application, data: services.membership_application_request_info(
            actor=actor, application=application, message=data["message"]
        ),
        gettext_lazy("%(organization)s has been asked for more information."),
    ),
}


@login_required
@require_POST
def application_decide(
    request: AuthenticatedRequest, application_id: int, decision: str
) -> HttpResponse:
    application = selectors.membership_application_get_for_staff(
        user=request.user, application_id=application_id
    )
    form_class, form_name, service, success = _DECISIONS[decision]
    form = form_class(request.POST, auto_id=_auto_id(form_name))
    if form.is_valid():
        try:
            service(request.user, application, form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_transition":
                messages.error(request, " ".join(error.messages))
                return redirect("members_staff:application_detail", application_id=application_id)
            add_service_error(form, error)
        else:
            messages.success(
                request, str(success) % {"organization": application.organization.display_name}
            )
            return redirect("members_staff:application_detail", application_id=application_id)
    return render(
        request,
        "members/staff/application_detail.html",
        _application_context(request, application, **{form_name: form}),
    )


@login_required
@require_http_methods(["GET"])
def organization_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    if status not in Organization.MembershipStatus.values:
        status = ""
    filter_form = StaffListFilterForm(request.GET)
    query = filter_form.cleaned_data["q"] if filter_form.is_valid() else ""
    counts = selectors.organization_status_counts()
    tabs = [
        ("", _("All"), counts[selectors.QUEUE_FILTER_ALL]),
        *((value, label, counts[value]) for value, label in Organization.MembershipStatus.choices),
    ]
    page = _page(request, selectors.organizations_for_staff(status=status, query=query))
    return render(
        request,
        "members/staff/organization_list.html",
        {
            "page_obj": page,
            "organizations": page.object_list,
            "status": status,
            "tabs": tabs,
            "query": query,
            "filter_form": filter_form,
            "querystring": _querystring_without_page(request),
        },
    )


def _organization_context(organization: Organization, **forms: Form) -> dict[str, Any]:
    status = organization.membership_status
    statuses = Organization.MembershipStatus
    return {
        "organization": organization,
        "applications": list(
            selectors.membership_applications_of_organization(organization=organization)
        ),
        "members": list(selectors.team_members(organization=organization)),
        **{
            name: forms.get(name) or OrganizationStatusForm(auto_id=_auto_id(name))
            for name in ("suspend_form", "reinstate_form", "lapse_form")
        },
        "can_suspend": status == statuses.ACTIVE,
        "can_reinstate": status in (statuses.SUSPENDED, statuses.LAPSED),
        "can_lapse": status in (statuses.ACTIVE, statuses.SUSPENDED),
    }


@login_required
@require_http_methods(["GET"])
def organization_detail(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get_for_staff(
        user=request.user, organization_id=organization_id
    )
    return render(
        request, "members/staff/organization_detail.html", _organization_context(organization)
    )


_STATUS_ACTIONS: dict[str, tuple[str, Callable[..., Organization], Promise]] = {
    "suspend": (
        "suspend_form",
        services.organization_suspend,
        gettext_lazy("%(organization)s has been suspended."),
    ),
    "reinstate": (
        "reinstate_form",
        services.organization_reinstate,
        gettext_lazy("%(organization)s is an active member again."),
    ),
    "lapse": (
        "lapse_form",
        services.organization_lapse,
        gettext_lazy("The membership of %(organization)s has lapsed."),
    ),
}


@login_required
@require_POST
def organization_change_status(
    request: AuthenticatedRequest, organization_id: int, action: str
) -> HttpResponse:
    organization = selectors.organization_get_for_staff(
        user=request.user, organization_id=organization_id
    )
    form_name, service, success = _STATUS_ACTIONS[action]
    form = OrganizationStatusForm(request.POST, auto_id=_auto_id(form_name))
    if form.is_valid():
        try:
            service(
                actor=request.user, organization=organization, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_transition":
                messages.error(request, " ".join(error.messages))
                return redirect(
                    "members_staff:organization_detail", organization_id=organization_id
                )
            add_service_error(form, error)
        else:
            messages.success(request, str(success) % {"organization": organization.display_name})
            return redirect("members_staff:organization_detail", organization_id=organization_id)
    return render(
        request,
        "members/staff/organization_detail.html",
        _organization_context(organization, **{form_name: form}),
    )
