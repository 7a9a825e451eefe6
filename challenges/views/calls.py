"""Public pages of challenge calls under ``/challenges/calls/``: the list of published calls
and a call's page (texts, timeline with a countdown, funding, challenges as each reader may see
them, questions, criteria, eligibility for the person's organizations, why it matches, FAQ, a
question form and a subscription)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import redirect_after_post, run_action
from cluster_portal.core.http import AuthenticatedRequest
from members.models import Organization
from members.viewer import viewer_for

from ..filters import CallFilter
from ..forms.calls import ClarificationAskForm
from ..selectors import calls as selectors
from ..services import calls as services
from ..workflows import ACCEPTS_PROPOSALS, CALL

PAGE_SIZE = 20


@require_GET
def call_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = CallFilter(request.GET, queryset=selectors.published_calls())
    calls = filterset.qs if filterset.is_valid() else selectors.published_calls().none()
    page_obj = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/calls/call_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "calls": page_obj.object_list,
            "now": timezone.now(),
        },
    )


def _ask_organizations(request: AuthenticatedRequest) -> list[Organization]:
    ids = viewer_for(request.user).organization_ids
    if not ids:
        return []
    return list(Organization.objects.filter(pk__in=ids).order_by("legal_name"))


def _detail_context(
    request: AuthenticatedRequest, call: Any, ask_form: Any = None
) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    organizations = _ask_organizations(request) if viewer.is_authenticated else []
    can_ask = bool(organizations) and services.can_ask_now(call)
    if ask_form is None and can_ask:
        ask_form = ClarificationAskForm(organizations=organizations)
    return {
        "call": call,
        "now": timezone.now(),
        "challenge_views": selectors.visible_challenges(user=request.user, call=call),
        "eligibility": selectors.eligibility_for_viewer(call=call, viewer=viewer),
        "accepts_proposals": CALL.has_tag(call, ACCEPTS_PROPOSALS),
        "subscribed": selectors.is_subscribed(user=request.user, call=call),
        "can_ask": can_ask,
        "ask_form": ask_form if can_ask else None,
        "propose_path": f"/challenges/calls/{call.code}/propose/",
    }


@require_GET
def call_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, code=code)
    return render(request, "challenges/calls/call_detail.html", _detail_context(request, call))


@login_required
@require_POST
def call_ask(request: AuthenticatedRequest, code: str) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, code=code)
    organizations = _ask_organizations(request)
    by_id = {o.pk: o for o in organizations}
    url = services.call_url(call)
    return run_action(
        request,
        form=ClarificationAskForm(request.POST, organizations=organizations),
        service=lambda data: services.clarification_ask(
            actor=request.user,
            call=call,
            organization=by_id[data["organization"]],
            question=data["question"],
        ),
        success=_("Your question was sent to the secretariat. You will be notified of the answer."),
        redirect_to=url + "#faq",
        render_invalid=lambda form: render(
            request,
            "challenges/calls/call_detail.html",
            _detail_context(request, call, ask_form=form),
            status=400,
        ),
    )


@login_required
@require_POST
def call_subscription(request: AuthenticatedRequest, code: str) -> HttpResponse:
    call = selectors.call_get_for_user(user=request.user, code=code)
    if request.POST.get("subscribe") == "0":
        return run_action(
            request,
            service=lambda data: services.call_unsubscribe(actor=request.user, call=call),
            success=_("You no longer follow this call."),
            redirect_to=services.call_url(call),
        )
    if request.POST.get("subscribe") != "1":
        return redirect_after_post(request, services.call_url(call))
    return run_action(
        request,
        service=lambda data: services.call_subscribe(actor=request.user, call=call),
        success=_("You follow this call: you will hear of new answers in its FAQ."),
        redirect_to=services.call_url(call),
    )
