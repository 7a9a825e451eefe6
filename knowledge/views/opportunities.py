"""The public pages of value-added opportunities, under ``/knowledge/opportunities/``: the list
of published ones (filters: stage, product text) and an opportunity's page with its
assessments, linked studies, the organizations interested in it by role, and the "Register
interest" form (people of active member organizations) with a way to withdraw it.

Reads come from :mod:`knowledge.selectors.opportunities`; writes are
:mod:`knowledge.services.opportunities`; who sees what is :mod:`knowledge.permissions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest

from .. import permissions
from ..filters import OpportunityPageFilter
from ..forms.opportunities import InterestForm
from ..models import OpportunityInterest, ValueOpportunity
from ..selectors import opportunities as selectors
from ..services import opportunities as services

PAGE_SIZE = 12


@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    """Published opportunities the reader may see, by stage and product."""
    base = selectors.published_opportunities(user=request.user)
    filterset = OpportunityPageFilter(request.GET, queryset=base)
    rows = filterset.qs if filterset.is_valid() else base.none()
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/opportunities/opportunity_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "cards": selectors.opportunity_cards(page_obj.object_list),
            "filtered": any(request.GET.get(name) for name in filterset.filters),
        },
    )


def _detail_url(opportunity: ValueOpportunity) -> str:
    return reverse("knowledge:opportunity_detail", args=[opportunity.slug])


def _detail(
    request: HttpRequest,
    opportunity: ValueOpportunity,
    *,
    form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    organizations = selectors.interest_organizations(user)
    may_register = [
        organization
        for organization in organizations
        if permissions.can_register_interest(user, opportunity, organization)
    ]
    refusal = ""
    if not may_register and getattr(user, "is_authenticated", False):
        refusal = (
            str(permissions.can_register_interest(user, opportunity, organizations[0]).reason)
            if organizations
            else _("Only people of active member organizations can register interest.")
        )
    if form is None and may_register:
        form = InterestForm(organizations=may_register)
    return render(
        request,
        "knowledge/opportunities/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "card": selectors.opportunity_card(opportunity),
            "is_draft": opportunity.status != ValueOpportunity.Status.PUBLISHED,
            "studies": selectors.studies_for(user, opportunity),
            "interest_groups": selectors.interests_by_role(user, opportunity),
            "interest_form": form,
            "interest_refusal": refusal,
            "staff_reader": permissions.can_read_knowledge_staff(user),
        },
        status=status,
    )


@require_GET
def opportunity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An opportunity's page; a draft only for staff readers (with a banner), 404 to others."""
    return _detail(request, selectors.opportunity_get_for_user(user=request.user, slug=slug))


@login_required
@require_POST
def opportunity_interest(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Register the interest of one of the person's organizations (idempotent per role)."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, slug=slug)
    organizations = selectors.interest_organizations(request.user)
    form = InterestForm(request.POST, organizations=organizations)

    def register(data: dict[str, Any]) -> OpportunityInterest:
        return services.interest_register(
            actor=request.user,
            opportunity=opportunity,
            organization=data["organization"],
            role=data["role"],
            note=data.get("note", ""),
        )

    return run_action(
        request,
        form=form,
        service=register,
        success=lambda interest: (
            _("The interest of %(organization)s as %(role)s is registered.")
            % {
                "organization": interest.organization,
                "role": str(interest.get_role_display()).lower(),
            }
        ),
        redirect_to=_detail_url(opportunity) + "#interest",
        render_invalid=lambda f: _detail(request, opportunity, form=f, status=400),
    )


@login_required
@require_POST
def opportunity_interest_withdraw(
    request: AuthenticatedRequest, slug: str, interest_id: int
) -> HttpResponse:
    """Withdraw an organization's interest (a person of it, or an editor)."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, slug=slug)
    interest = (
        OpportunityInterest.objects.select_related("organization", "opportunity")
        .filter(pk=interest_id, opportunity=opportunity)
        .first()
    )
    if interest is None:
        raise Http404
    return run_action(
        request,
        service=lambda data: services.interest_withdraw(actor=request.user, interest=interest),
        success=_("The interest of %(organization)s as %(role)s was withdrawn.")
        % {
            "organization": interest.organization,
            "role": str(interest.get_role_display()).lower(),
        },
        redirect_to=_detail_url(opportunity) + "#interest",
    )
