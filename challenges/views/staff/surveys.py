"""The secretariat's challenge pages under ``/staff/challenges/``: the triage queue (tabs,
search, "waiting N days" clock), a challenge with the actions the lifecycle table offers
(accept, ask for detail with a checklist, decline with a reason, merge with a target picker
listing similar challenges first, undo a merge, reopen), sharing with similar challenges of
other companies, the public version, and survey rounds.

``/staff/`` is behind ``StaffMFARequiredMiddleware``; reading needs a staff role
(``can_read_challenges_staff``), acting ``core.manage_calls`` (asked here for a clean 403 and
again by the services).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cluster_portal.core.actions import run_action
from cluster_portal.core.workflows import ActionPanel

from ... import permissions
from ...forms.surveys import (
    DeclineForm,
    EmptyForm,
    MergeForm,
    PublicVersionForm,
    RequestDetailForm,
    ShareForm,
    SurveyRoundForm,
)
from ...models import Challenge, SurveyRound
from ...selectors import surveys as selectors
from ...services import surveys as services
from ...workflows import CHALLENGE


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read_challenges_staff(request.user):
        raise PermissionDenied


def _require_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_calls(request.user):
        raise PermissionDenied


# --- Triage queue ------------------


@login_required
@require_safe
def triage_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    queue = selectors.triage_queue(params=request.GET)
    context = queue.context("challenges")
    context["rows"] = [(c, selectors.waiting_days(c)) for c in queue.object_list]
    return render(request, "challenges/staff/surveys_triage_list.html", context)


@dataclass(frozen=True)
class ActionForm:
    form_class: type[BaseForm]
    run: Callable[[Any, Challenge, dict[str, Any]], Any]
    success: str | Promise


TRIAGE_FORMS: dict[str, ActionForm] = {
    "accept": ActionForm(
        EmptyForm,
        lambda actor, c, data: services.challenge_accept(actor=actor, challenge=c),
        gettext_lazy("Challenge %(reference)s accepted; the company has been told."),
    ),
    "request_detail": ActionForm(
        RequestDetailForm,
        lambda actor, c, data: services.challenge_request_detail(
            actor=actor, challenge=c, checklist=data["checklist"], message=data["message"]
        ),
        gettext_lazy("The company has been asked for more detail about %(reference)s."),
    ),
    "decline": ActionForm(
        DeclineForm,
        lambda actor, c, data: services.challenge_decline(
            actor=actor, challenge=c, reason=data["reason"]
        ),
        gettext_lazy("Challenge %(reference)s declined; the company has been told why."),
    ),
    "reopen": ActionForm(
        EmptyForm,
        lambda actor, c, data: services.challenge_reopen(actor=actor, challenge=c),
        gettext_lazy("Challenge %(reference)s is back in the queue."),
    ),
    "merge": ActionForm(
        MergeForm,
        lambda actor, c, data: services.challenge_merge(
            actor=actor, challenge=c, into=Challenge.objects.get(pk=data["into"])
        ),
        gettext_lazy("Challenge %(reference)s merged; both companies have been told."),
    ),
    "unmerge": ActionForm(
        EmptyForm,
        lambda actor, c, data: services.challenge_unmerge(actor=actor, challenge=c),
        gettext_lazy("The merge of %(reference)s was undone."),
    ),
}


def _auto_id(name: str) -> str:
    return name + "_%s"


def _make_form(name: str, challenge: Challenge, data: Any = None) -> BaseForm:
    spec = TRIAGE_FORMS[name]
    kwargs: dict[str, Any] = {"auto_id": _auto_id(name)}
    if spec.form_class is MergeForm:
        kwargs["targets"] = selectors.merge_targets(challenge)
    return spec.form_class(data, **kwargs) if data is not None else spec.form_class(**kwargs)


def _detail_context(
    request: HttpRequest, challenge: Challenge, **bound: BaseForm
) -> dict[str, Any]:
    panels = []
    for action in CHALLENGE.actions_for(challenge, request.user, audience="staff"):
        form = bound.get(action.name) or _make_form(action.name, challenge)
        url = reverse("challenges_staff:triage_action", args=[challenge.pk, action.slug])
        panels.append(ActionPanel(action=action, form=form, url=url))
    similar = selectors.similar_challenges(challenge, viewer=request.user, limit=5)
    share_candidates = [
        c
        for c in similar
        if c.organization_id != challenge.organization_id
        and c.pk not in {s.pk for s in challenge.shared_with.all()}
    ]
    can_manage = permissions.can_manage_calls(request.user)
    return {
        "challenge": challenge,
        "panels": panels,
        "waiting_days": selectors.waiting_days(challenge),
        "detail_items": [
            services.DETAIL_ITEMS.get(code, code) for code in challenge.detail_checklist
        ],
        "similar": similar,
        "can_manage": can_manage,
        "share_form": bound.get("share")
        or (ShareForm(candidates=share_candidates) if share_candidates else None),
        "public_form": bound.get("public_version")
        or PublicVersionForm(
            initial={
                "public_title": challenge.public_title,
                "public_summary": challenge.public_summary,
            }
        ),
    }


@login_required
@require_safe
def triage_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.triage_get(user=request.user, challenge_id=challenge_id)
    return render(
        request,
        "challenges/staff/surveys_triage_detail.html",
        _detail_context(request, challenge),
    )


def _success(spec_message: str | Promise, challenge: Challenge) -> str:
    return str(spec_message) % {"reference": challenge.reference or challenge.pk}


@login_required
@require_POST
def triage_action(request: HttpRequest, challenge_id: int, action: str) -> HttpResponse:
    _require_manager(request)
    challenge = selectors.triage_get(user=request.user, challenge_id=challenge_id)
    name = action.replace("-", "_")
    if name not in TRIAGE_FORMS:
        raise Http404
    spec = TRIAGE_FORMS[name]
    return run_action(
        request,
        form=_make_form(name, challenge, request.POST),
        service=lambda data: spec.run(request.user, challenge, data),
        success=_success(spec.success, challenge),
        redirect_to=reverse("challenges_staff:triage_detail", args=[challenge.pk]),
        render_invalid=lambda form: render(
            request,
            "challenges/staff/surveys_triage_detail.html",
            _detail_context(request, challenge, **{name: form}),
        ),
    )


@login_required
@require_POST
def triage_share(request: HttpRequest, challenge_id: int) -> HttpResponse:
    _require_manager(request)
    challenge = selectors.triage_get(user=request.user, challenge_id=challenge_id)
    candidates = [
        c
        for c in selectors.similar_challenges(challenge, viewer=request.user, limit=5)
        if c.organization_id != challenge.organization_id
    ]
    return run_action(
        request,
        form=ShareForm(request.POST, candidates=candidates),
        service=lambda data: services.challenge_share(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            others=list(Challenge.objects.filter(pk__in=data["others"])),
        ),
        success=_success(gettext_lazy("Challenge %(reference)s is now shared."), challenge),
        redirect_to=reverse("challenges_staff:triage_detail", args=[challenge.pk]),
        render_invalid=lambda form: render(
            request,
            "challenges/staff/surveys_triage_detail.html",
            _detail_context(request, challenge, share=form),
        ),
    )


@login_required
@require_POST
def triage_unshare(request: HttpRequest, challenge_id: int, other_id: int) -> HttpResponse:
    _require_manager(request)
    challenge = selectors.triage_get(user=request.user, challenge_id=challenge_id)
    other = get_object_or_404(Challenge, pk=other_id)
    return run_action(
        request,
        service=lambda data: services.challenge_unshare(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            other=other,
        ),
        success=_success(gettext_lazy("Sharing of %(reference)s removed."), other),
        redirect_to=reverse("challenges_staff:triage_detail", args=[challenge.pk]),
    )


@login_required
@require_POST
def triage_public_version(request: HttpRequest, challenge_id: int) -> HttpResponse:
    _require_manager(request)
    challenge = selectors.triage_get(user=request.user, challenge_id=challenge_id)
    return run_action(
        request,
        form=PublicVersionForm(request.POST),
        service=lambda data: services.challenge_set_public_version(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            public_title=data["public_title"],
            public_summary=data["public_summary"],
        ),
        success=gettext_lazy("The public version has been saved."),
        redirect_to=reverse("challenges_staff:triage_detail", args=[challenge.pk]),
        render_invalid=lambda form: render(
            request,
            "challenges/staff/surveys_triage_detail.html",
            _detail_context(request, challenge, public_version=form),
        ),
    )


# --- Survey rounds ------------------


@login_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request,
        "challenges/staff/surveys_round_list.html",
        {
            "rounds": list(selectors.survey_rounds_with_counts()),
            "can_manage": permissions.can_manage_calls(request.user),
        },
    )


def _round_form_page(
    request: HttpRequest, form: BaseForm, survey_round: SurveyRound | None
) -> HttpResponse:
    return render(
        request,
        "challenges/staff/surveys_round_form.html",
        {"form": form, "survey_round": survey_round},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method != "POST":
        return _round_form_page(request, SurveyRoundForm(), None)
    return run_action(
        request,
        form=SurveyRoundForm(request.POST),
        service=lambda data: services.survey_round_create(
            actor=request.user,  # type: ignore[arg-type]
            data=data,
        ),
        success=gettext_lazy("The survey round has been created."),
        redirect_to=reverse("challenges_staff:round_list"),
        render_invalid=lambda form: _round_form_page(request, form, None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    _require_manager(request)
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    if request.method != "POST":
        return _round_form_page(request, SurveyRoundForm(instance=survey_round), survey_round)
    return run_action(
        request,
        form=SurveyRoundForm(request.POST, instance=SurveyRound.objects.get(pk=round_id)),
        service=lambda data: services.survey_round_update(
            actor=request.user,  # type: ignore[arg-type]
            survey_round=survey_round,
            data=data,
        ),
        success=gettext_lazy("The survey round has been saved."),
        redirect_to=reverse("challenges_staff:round_list"),
        render_invalid=lambda form: _round_form_page(request, form, survey_round),
    )
