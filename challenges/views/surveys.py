"""Challenge pages under ``/challenges/``: the public list and detail (restricted challenges only
by their public version), and the company's own pages ("Our challenges", new, edit, submit,
answer a request for detail, public version).

Who sees what is decided by ``challenges.selectors.surveys`` (SQL) and
``challenges.permissions``; every write goes through ``challenges.services.surveys`` with
:func:`cluster_portal.core.actions.run_action`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cluster_portal.core.actions import run_action
from cluster_portal.core.forms import add_service_error

from .. import permissions
from ..filters import ChallengeFilter
from ..forms.surveys import ChallengeForm, DetailAnswerForm, PublicVersionForm
from ..models import Challenge
from ..selectors import surveys as selectors
from ..services import surveys as services
from ..workflows import CHALLENGE, EDITABLE

PAGE_SIZE = 20


# --- Public ------------------------------------------------------------------------------------


@require_safe
def challenge_list(request: HttpRequest) -> HttpResponse:
    """Accepted challenges the reader may see, filterable; restricted ones by their public
    version only."""
    filterset = ChallengeFilter(
        request.GET or None, queryset=selectors.challenge_list_queryset(request.user)
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/surveys/challenge_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "cards": selectors.cards(page.object_list),
            "active_filters": sum(1 for name in filterset.form.fields if request.GET.get(name)),
        },
    )


@require_safe
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.challenge_get_for_user(who=request.user, challenge_id=challenge_id)
    card = selectors.card_for(challenge)
    similar = (
        selectors.cards(selectors.similar_challenges(challenge, viewer=request.user))
        if card.shows_original
        else []
    )
    return render(
        request,
        "challenges/surveys/challenge_detail.html",
        {
            "card": card,
            "challenge": card.challenge,
            "similar": similar,
            "is_company": permissions.is_challenge_company(request.user, challenge),
        },
    )


# --- The company's pages ------------------------------------------------------------------------


@login_required
@require_safe
def my_challenge_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_challenges(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/surveys/my_challenge_list.html",
        {
            "page_obj": page,
            "challenges": page.object_list,
            "companies": selectors.companies_for_challenges(request.user),
        },
    )


def _form_page(
    request: HttpRequest, form: ChallengeForm, challenge: Challenge | None = None
) -> HttpResponse:
    return render(
        request,
        "challenges/surveys/challenge_form.html",
        {"form": form, "challenge": challenge, "round": services.current_survey_round()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest) -> HttpResponse:
    companies = selectors.companies_for_challenges(request.user)
    if not companies:
        raise PermissionDenied(_("Only people of a mining company can report challenges."))
    if request.method != "POST":
        return _form_page(request, ChallengeForm(companies=companies))
    form = ChallengeForm(request.POST, companies=companies)
    if not form.is_valid():
        return _form_page(request, form)
    try:
        challenge = services.challenge_create(
            actor=request.user,  # type: ignore[arg-type]
            organization=form.cleaned_data["organization"],
            data=form.service_data(),
        )
    except ValidationError as error:
        add_service_error(form, error)
        return _form_page(request, form)
    messages.success(
        request, _("Draft saved. Check it and submit it to the secretariat when it is ready.")
    )
    return redirect("challenges:challenge_mine_detail", challenge.pk)


def _mine_context(request: HttpRequest, challenge: Challenge, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_edit = bool(permissions.can_edit_challenge(user, challenge))
    return {
        "challenge": challenge,
        "actions": CHALLENGE.actions_for(challenge, user, audience="company"),
        "can_edit": can_edit and CHALLENGE.has_tag(challenge, EDITABLE),
        "can_write_public_version": can_edit and challenge.is_restricted,
        "detail_items": [
            services.DETAIL_ITEMS.get(code, code) for code in challenge.detail_checklist
        ],
        "answer_form": forms.get("answer_form") or DetailAnswerForm(),
        "public_form": forms.get("public_form")
        or PublicVersionForm(
            initial={
                "public_title": challenge.public_title,
                "public_summary": challenge.public_summary,
            }
        ),
    }


@login_required
@require_safe
def my_challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.my_challenge_get(user=request.user, challenge_id=challenge_id)
    return render(
        request, "challenges/surveys/my_challenge_detail.html", _mine_context(request, challenge)
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.my_challenge_get(user=request.user, challenge_id=challenge_id)
    allowed = permissions.can_edit_challenge(request.user, challenge)
    if not allowed:
        raise PermissionDenied(str(allowed.reason))
    detail_url = reverse("challenges:challenge_mine_detail", args=[challenge.pk])
    if not CHALLENGE.has_tag(challenge, EDITABLE):
        messages.error(request, _("This challenge can no longer be changed."))
        return redirect(detail_url)
    if request.method != "POST":
        return _form_page(
            request, ChallengeForm(initial=ChallengeForm.initial_for(challenge)), challenge
        )
    form = ChallengeForm(request.POST)
    return run_action(
        request,
        form=form,
        service=lambda data: services.challenge_update(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            data=form.service_data(),
        ),
        success=_("Your changes have been saved."),
        redirect_to=detail_url,
        render_invalid=lambda bound: _form_page(request, bound, challenge),  # type: ignore[arg-type]
    )


@login_required
@require_POST
def challenge_submit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.my_challenge_get(user=request.user, challenge_id=challenge_id)
    return run_action(
        request,
        service=lambda data: services.challenge_submit(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
        ),
        success=lambda result: (
            _("Challenge %(reference)s sent to the secretariat. You will be told of its review.")
            % {"reference": result.reference}
        ),
        redirect_to=reverse("challenges:challenge_mine_detail", args=[challenge.pk]),
    )


@login_required
@require_POST
def challenge_answer_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.my_challenge_get(user=request.user, challenge_id=challenge_id)
    return run_action(
        request,
        form=DetailAnswerForm(request.POST),
        service=lambda data: services.challenge_answer_detail(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            answer=data["answer"],
        ),
        success=_("Your answer was sent: the challenge is back in the secretariat's queue."),
        redirect_to=reverse("challenges:challenge_mine_detail", args=[challenge.pk]),
        render_invalid=lambda form: render(
            request,
            "challenges/surveys/my_challenge_detail.html",
            _mine_context(request, challenge, answer_form=form),
        ),
    )


@login_required
@require_POST
def challenge_public_version(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.my_challenge_get(user=request.user, challenge_id=challenge_id)
    return run_action(
        request,
        form=PublicVersionForm(request.POST),
        service=lambda data: services.challenge_set_public_version(
            actor=request.user,  # type: ignore[arg-type]
            challenge=challenge,
            public_title=data["public_title"],
            public_summary=data["public_summary"],
        ),
        success=_("The public version has been saved."),
        redirect_to=reverse("challenges:challenge_mine_detail", args=[challenge.pk]),
        render_invalid=lambda form: render(
            request,
            "challenges/surveys/my_challenge_detail.html",
            _mine_context(request, challenge, public_form=form),
        ),
    )
