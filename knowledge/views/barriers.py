"""Public pages of the regulatory barrier register: the list (the barriers the reader may see,
with filters and endorsement counts) and a barrier's page (every field of an INDECOPI
complaint, evidence, history, endorsing organizations, linked challenges and projects), with
endorsing and withdrawing an endorsement for the admins of member organizations.

Views are thin: reads are ``knowledge.selectors.barriers``, writes ``knowledge.services
.barriers`` (which decide and refuse; ``run_action`` shows the refusal). A barrier the reader
may not see is a 404, whether or not it exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from members.models import Organization
from members.viewer import viewer_for

from .. import permissions
from ..forms.barriers import BarrierFilterForm, EndorseForm, UnendorseForm
from ..models import RegulatoryBarrier
from ..permissions import ACTIVE_TAG
from ..selectors import barriers as selectors
from ..services import barriers as services
from ..workflows import BARRIER

PAGE_SIZE = 20


def barrier_url(barrier: RegulatoryBarrier) -> str:
    return reverse("knowledge:barrier_detail", kwargs={"code": barrier.code})


@require_GET
def barrier_list(request: HttpRequest) -> HttpResponse:
    """The barriers the reader may see, most recently changed first. Filters: ``status``,
    ``authority``, ``stage`` (a value-chain code), ``endorsed`` (by one of my organizations),
    ``q``."""
    user = request.user
    has_organizations = bool(viewer_for(user).organization_ids)
    form = BarrierFilterForm(
        request.GET or None,
        authorities=selectors.authority_choices(user=user),
        with_endorsed=has_organizations,
    )
    filters = form.filters() if request.GET else {}
    filters.pop("page", None)
    queryset = selectors.barrier_list(user=user, filters=filters)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/barriers/barrier_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page_obj": page_obj,
            "barriers": page_obj.object_list,
            "can_edit": permissions.can_edit_content(user),
        },
    )


def _detail(
    request: HttpRequest,
    barrier: RegulatoryBarrier,
    *,
    endorse_form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    endorsable = selectors.endorsable_organizations(user=user, barrier=barrier)
    withdrawable = selectors.withdrawable_organizations(user=user, barrier=barrier)
    if endorse_form is None and endorsable:
        current = selectors.endorsements_of(
            barrier=barrier, organization_ids=[o.pk for o in endorsable]
        )
        first = current.get(endorsable[0].pk)
        endorse_form = EndorseForm(
            organizations=endorsable,
            initial={"statement": first.statement if first else ""},
        )
    endorsed_ids = {o.pk for o in withdrawable}
    return render(
        request,
        "knowledge/barriers/barrier_detail.html",
        {
            "barrier": barrier,
            "history": selectors.barrier_history(barrier),
            "evidence": selectors.barrier_evidence(barrier),
            "endorsers": selectors.barrier_endorsers(user=user, barrier=barrier),
            "challenges": selectors.linked_challenges(who=user, barrier=barrier),
            "projects": selectors.linked_projects(user=user, barrier=barrier),
            "endorse_form": endorse_form,
            "endorsable": endorsable,
            "already_endorsed": bool(endorsable) and {o.pk for o in endorsable} <= endorsed_ids,
            "withdraw": [(o, UnendorseForm(initial={"organization": o.pk})) for o in withdrawable],
            "accepts_endorsements": BARRIER.has_tag(barrier, ACTIVE_TAG),
            "can_edit": permissions.can_edit_content(user),
        },
        status=status,
    )


@require_GET
def barrier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, selectors.barrier_get_for_user(user=request.user, code=code))


def _own_organizations(request: AuthenticatedRequest) -> list[Organization]:
    """The person's organizations: the form offers these, the service decides (so that a
    plain member is told why, rather than shown an unknown choice)."""
    ids = viewer_for(request.user).organization_ids
    return list(Organization.objects.filter(pk__in=ids))


@login_required
@require_POST
def barrier_endorse(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Endorse (or update the statement of an endorsement) for one of my organizations."""
    barrier = selectors.barrier_get_for_user(user=request.user, code=code)
    form = EndorseForm(request.POST, organizations=_own_organizations(request))

    def endorse(data: dict[str, Any]) -> Any:
        return services.barrier_endorse(
            actor=request.user,
            barrier=barrier,
            organization=data["organization"],
            statement=data["statement"],
        )

    return run_action(
        request,
        form=form,
        service=endorse,
        success=lambda endorsement: (
            _("%(organization)s endorses this barrier.")
            % {"organization": endorsement.organization.display_name}
        ),
        redirect_to=barrier_url(barrier),
        render_invalid=lambda f: _detail(request, barrier, endorse_form=f, status=400),
    )


@login_required
@require_POST
def barrier_unendorse(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Withdraw one of my organizations' endorsement."""
    barrier = selectors.barrier_get_for_user(user=request.user, code=code)
    form = UnendorseForm(request.POST, organizations=_own_organizations(request))
    url = barrier_url(barrier)
    return run_action(
        request,
        form=form,
        service=lambda data: services.barrier_unendorse(
            actor=request.user, barrier=barrier, organization=data["organization"]
        ),
        success=_("The endorsement was withdrawn."),
        redirect_to=url,
        render_invalid=lambda f: _detail(request, barrier, status=400),
    )
