"""Organization profile pages and the profile editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cluster_portal.core.forms import add_service_error

from ..forms.organizations import OrganizationForm
from ..permissions import can_change_organization_identity, can_edit_organization
from ..selectors.organizations import (
    capabilities_by_dimension,
    organization_get_for_edit,
    organization_get_for_user,
    organization_logo,
)
from ..services.organizations import organization_update


@require_safe
def organization_detail(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_user(user=request.user, organization_id=organization_id)
    return render(
        request,
        "members/organization/organization_detail.html",
        {
            "organization": organization,
            "logo": organization_logo(organization),
            "capabilities": capabilities_by_dimension(organization),
            "show_details": getattr(organization, "show_details", False),
            "can_edit": can_edit_organization(request.user, organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_edit(user=request.user, organization_id=organization_id)
    can_change_identity = bool(can_change_organization_identity(request.user, organization))
    form = OrganizationForm(
        request.POST or None,
        request.FILES or None,
        instance=organization,
        user=request.user,
        can_change_identity=can_change_identity,
    )
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("members:organization_detail", organization_id=organization.pk)
    return render(
        request,
        "members/organization/organization_form.html",
        {"organization": organization, "form": form, "logo": organization_logo(organization)},
    )
