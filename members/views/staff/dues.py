"""The secretariat records an organization's membership dues.

The form sits on the staff organization page (``{% dues_panel organization %}``); this view
answers its POST and, when the input is refused, shows the form again on a page of its own
(also reachable with GET). Only people who may decide memberships get here
(``can_decide_membership``); the service asks again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cluster_portal.core.actions import run_action

from ...forms.dues import DuesForm
from ...models import Organization
from ...permissions import can_decide_membership
from ...selectors import membership as selectors
from ...services.dues import organization_dues_record
from ..membership import AuthenticatedRequest


def _render(
    request: AuthenticatedRequest, organization: Organization, form: DuesForm
) -> HttpResponse:
    return render(
        request,
        "members/staff/organization_dues.html",
        {"organization": organization, "dues_form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_dues(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_get_for_staff(
        user=request.user, organization_id=organization_id
    )
    if not can_decide_membership(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return _render(request, organization, DuesForm(organization=organization))
    return run_action(
        request,
        form=DuesForm(request.POST, organization=organization),
        service=lambda data: organization_dues_record(
            actor=request.user,
            organization=organization,
            amount=data["amount"],
            paid_until=data["paid_until"],
        ),
        success=_("The membership dues of %(organization)s have been recorded.")
        % {"organization": organization.display_name},
        redirect_to=reverse("members_staff:organization_detail", args=[organization.pk]),
        render_invalid=lambda form: _render(request, organization, form),  # type: ignore[arg-type]
    )
