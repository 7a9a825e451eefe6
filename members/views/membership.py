"""The membership journey of a signed-up person: apply for a new organization, apply again for
one's organization, ask to join an existing organization, answer the secretariat, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.forms import add_service_error, error_text
from cluster_portal.core.http import AuthenticatedRequest

from ..forms.membership import (
    ApplicationResponseForm,
    JoinRequestForm,
    JoinSearchForm,
    MotivationForm,
    OrganizationApplicationForm,
)
from ..selectors import membership as selectors
from ..services import membership as services


def _team_redirect(organization_id: int) -> HttpResponse:
    return redirect("members:team", organization_id=organization_id)


@login_required
@require_http_methods(["GET"])
def apply(request: AuthenticatedRequest) -> HttpResponse:
    """Start page: register a new organization, or ask to join an existing one."""
    context = {
        "memberships": selectors.memberships_of_user(user=request.user),
        "pending_invitations": list(selectors.invitations_pending_for_user(user=request.user)),
        **selectors.applications_and_requests_of_user(user=request.user),
    }
    return render(request, "members/membership/apply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply_new_organization(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganizationApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.membership_application_submit(
                actor=request.user,
                organization_data=form.organization_data(),
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your application for %(organization)s has been sent to the secretariat. "
                    "You will be notified of its decision."
                )
                % {"organization": application.organization.display_name},
            )
            return _team_redirect(application.organization_id)
    return render(request, "members/membership/apply_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def apply_again(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    """An admin of an organization that is not, or no longer, a member applies for it."""
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    if not access.can_apply:
        messages.error(
            request,
            _("%(organization)s cannot apply now: it is %(status)s.")
            % {
                "organization": access.organization.display_name,
                "status": access.organization.get_membership_status_display().lower(),
            },
        )
        return _team_redirect(organization_id)
    form = MotivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_application_resubmit(
                actor=request.user,
                organization=access.organization,
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your application has been sent to the secretariat."))
            return _team_redirect(organization_id)
    return render(
        request,
        "members/membership/apply_again.html",
        {"form": form, "organization": access.organization},
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: AuthenticatedRequest) -> HttpResponse:
    """Search an organization by RUC or name (GET) and ask to join it (POST)."""
    search_form = JoinSearchForm(request.GET or None)
    results = []
    if search_form.is_bound and search_form.is_valid() and search_form.cleaned_data["q"]:
        results = list(selectors.organizations_joinable_search(query=search_form.cleaned_data["q"]))
    request_form = JoinRequestForm(request.POST or None)
    if request.method == "POST":
        if request_form.is_valid():
            organization = request_form.cleaned_data["organization"]
            try:
                services.join_request_create(
                    actor=request.user,
                    organization=organization,
                    message=request_form.cleaned_data["message"],
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    _(
                        "Your request to join %(organization)s has been sent to its admins. "
                        "You will be notified of their decision."
                    )
                    % {"organization": organization.display_name},
                )
                return redirect("members:membership_apply")
        else:
            messages.error(
                request, " ".join(str(e) for errors in request_form.errors.values() for e in errors)
            )
        return redirect("members:membership_join")
    return render(
        request,
        "members/membership/join.html",
        {"search_form": search_form, "results": results, "searched": search_form.is_bound},
    )


@login_required
@require_POST
def join_request_cancel(request: AuthenticatedRequest, join_request_id: int) -> HttpResponse:
    join_request = selectors.join_request_get_for_requester(
        user=request.user, join_request_id=join_request_id
    )
    try:
        services.join_request_cancel(actor=request.user, join_request=join_request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your request has been cancelled."))
    return redirect("members:membership_apply")


@login_required
@require_POST
def application_respond(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    application = selectors.membership_application_get_for_admin(
        user=request.user, organization_id=organization_id
    )
    form = ApplicationResponseForm(request.POST)
    if form.is_valid():
        try:
            services.membership_application_respond(
                actor=request.user, application=application, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Your answer has been sent to the secretariat."))
    else:
        messages.error(request, _("Write your answer to the secretariat."))
    return _team_redirect(organization_id)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    application = selectors.membership_application_get_for_admin(
        user=request.user, organization_id=organization_id
    )
    try:
        services.membership_application_withdraw(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return _team_redirect(organization_id)
