"""The secretariat's pages of challenge calls under ``/staff/challenges/calls/``: the queue,
creating a call, its page with the lifecycle actions of ``CALL``, editing in sections (general,
challenges and sponsors, eligibility, timeline and funding, questions, criteria), cloning,
deadline extensions, clarifications and matching organizations.

``StaffMFARequiredMiddleware`` keeps ``/staff/`` to staff with two-factor authentication; every
staff role reads these pages, only call managers change anything (the services check again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import ActionPanel

from ...forms.calls import (
    CallChallengesForm,
    CallEligibilityForm,
    CallGeneralForm,
    CallTimelineForm,
    ClarificationAnswerForm,
    ClarificationDismissForm,
    ClarificationPublishForm,
    CriterionForm,
    ExtensionForm,
    QuestionForm,
)
from ...models import Call, CallClarification, CallCriterion, CallQuestion
from ...permissions import can_manage_calls
from ...selectors import calls as selectors
from ...services import calls as services
from ...workflows import CALL, CRITERIA_EDITABLE, EVALUATION_STAGE


def _require_manager(request: AuthenticatedRequest) -> None:
    if not can_manage_calls(request.user):
        raise PermissionDenied


def _staff_url(call: Call, name: str = "call_detail") -> str:
    return reverse(f"challenges_staff:{name}", kwargs={"call_id": call.pk})


@dataclass(frozen=True)
class Section:
    slug: str
    label: Any
    form_class: type[BaseForm]
    fields: tuple[str, ...]


SECTIONS: dict[str, Section] = {
    "general": Section(
        "general", gettext_lazy("General"), CallGeneralForm, services.GENERAL_FIELDS
    ),
    "challenges": Section(
        "challenges", gettext_lazy("Challenges and sponsors"), CallChallengesForm, ()
    ),
    "eligibility": Section(
        "eligibility", gettext_lazy("Eligibility"), CallEligibilityForm, services.ELIGIBILITY_FIELDS
    ),
    "timeline": Section(
        "timeline",
        gettext_lazy("Timeline and funding"),
        CallTimelineForm,
        services.TIMELINE_FIELDS + services.FUNDING_FIELDS,
    ),
}


def _nav(call: Call) -> list[tuple[str, Any, str]]:
    """The sections of a call's staff pages: (slug, label, url)."""
    items = [("overview", _("Overview"), _staff_url(call))]
    items += [
        (s.slug, s.label, reverse("challenges_staff:call_edit", args=[call.pk, s.slug]))
        for s in SECTIONS.values()
    ]
    items += [
        ("questions", _("Questions"), _staff_url(call, "call_questions")),
        ("criteria", _("Criteria"), _staff_url(call, "call_criteria")),
        ("clarifications", _("Questions from applicants"), _staff_url(call, "call_clarifications")),
        ("extensions", _("Extensions"), _staff_url(call, "call_extensions")),
        ("matches", _("Matching organizations"), _staff_url(call, "call_matches")),
    ]
    return items


def _base(request: AuthenticatedRequest, call: Call, current: str) -> dict[str, Any]:
    return {
        "call": call,
        "nav": _nav(call),
        "current": current,
        "can_manage": can_manage_calls(request.user),
        "criteria_editable": CALL.has_tag(call, CRITERIA_EDITABLE),
        "evaluation_stage": CALL.has_tag(call, EVALUATION_STAGE),
    }


# --- List and creation -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def call_list(request: AuthenticatedRequest) -> HttpResponse:
    queue = selectors.call_staff_queue(user=request.user, params=request.GET)
    return render(
        request,
        "challenges/staff/calls_list.html",
        {**queue.context("calls"), "can_manage": can_manage_calls(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_manager(request)
    form = CallGeneralForm(request.POST or None)
    if request.method == "GET":
        return render(request, "challenges/staff/calls_create.html", {"form": form})
    response = run_action(
        request,
        form=form,
        service=lambda data: _created(request, data),
        success=_("The call was created as a draft. Add its challenges, rules and dates."),
        redirect_to=reverse("challenges_staff:call_list"),
        render_invalid=lambda f: render(
            request, "challenges/staff/calls_create.html", {"form": f}, status=400
        ),
    )
    created = getattr(request, "_created_call", None)
    return redirect(_staff_url(created)) if created is not None else response


def _created(request: AuthenticatedRequest, data: dict[str, Any]) -> Call:
    call = services.call_create(actor=request.user, data=data)
    request._created_call = call  # type: ignore[attr-defined]
    return call


# --- Detail and lifecycle ------------------------------------------------------------------------


def _panels(request: AuthenticatedRequest, call: Call) -> list[ActionPanel]:
    return [
        ActionPanel(action=a, url=reverse("challenges_staff:call_action", args=[call.pk, a.name]))
        for a in CALL.actions_for(call, request.user, audience="staff")
    ]


@login_required
@require_http_methods(["GET"])
def call_detail(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    weights = sum(c.weight for c in call.criteria.all())
    return render(
        request,
        "challenges/staff/calls_detail.html",
        {
            **_base(request, call, "overview"),
            "panels": _panels(request, call),
            "publication_errors": (
                [e.messages[0] for e in services.call_publication_errors(call)]
                if CALL.state_allows(call, "schedule")
                else []
            ),
            "weights": weights,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def call_action(request: AuthenticatedRequest, call_id: int, action: str) -> HttpResponse:
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    service = services.LIFECYCLE_SERVICES.get(action)
    if service is None:
        raise Http404
    label = CALL.transition(action).label
    return run_action(
        request,
        service=lambda data: service(actor=request.user, call=call),
        success=_("Done: %(action)s.") % {"action": label},
        redirect_to=_staff_url(call),
    )


@login_required
@require_POST
def call_clone(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    holder: dict[str, Call] = {}

    def clone(data: dict[str, Any]) -> Call:
        holder["clone"] = services.call_clone(actor=request.user, call=call)
        return holder["clone"]

    response = run_action(
        request,
        service=clone,
        success=_("A new draft was made from this call. Set its dates before publishing."),
        redirect_to=_staff_url(call),
    )
    if "clone" in holder:
        return redirect(_staff_url(holder["clone"]))
    return response


# --- Sections ------------------------------------------------------------------------------------


def _initial(call: Call, section: Section) -> dict[str, Any]:
    if section.slug == "challenges":
        return {"challenges": list(call.challenges.all()), "sponsors": list(call.sponsors.all())}
    return {name: getattr(call, name) for name in section.fields}


def _make_form(section: Section, call: Call, data: Any = None) -> BaseForm:
    if section.form_class is CallGeneralForm:
        return (
            CallGeneralForm(data, instance=call)
            if data is not None
            else CallGeneralForm(instance=call)
        )
    return section.form_class(data, initial=_initial(call, section))


def _save_section(
    request: AuthenticatedRequest, call: Call, section: Section, data: dict[str, Any]
) -> Call:
    if section.slug == "challenges":
        return services.call_update(
            actor=request.user,
            call=call,
            data={},
            challenges=data["challenges"],
            sponsors=data["sponsors"] or services.suggested_sponsors(data["challenges"]),
        )
    return services.call_update(
        actor=request.user,
        call=call,
        data={name: data[name] for name in section.fields if name in data},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: AuthenticatedRequest, call_id: int, section: str) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    template = "challenges/staff/calls_edit.html"

    def page(form: BaseForm, status: int = 200) -> HttpResponse:
        suggested = []
        if spec.slug == "challenges":
            suggested = services.suggested_sponsors(call.challenges.all())
        return render(
            request,
            template,
            {
                **_base(request, call, spec.slug),
                "section": spec,
                "form": form,
                "suggested_sponsors": suggested,
            },
            status=status,
        )

    if request.method == "GET":
        return page(_make_form(spec, call))
    _require_manager(request)
    fresh = Call.objects.get(pk=call.pk)
    return run_action(
        request,
        form=_make_form(spec, fresh, request.POST),
        service=lambda data: _save_section(request, fresh, spec, data),
        success=_("Saved."),
        redirect_to=reverse("challenges_staff:call_edit", args=[call.pk, spec.slug]),
        render_invalid=lambda form: page(form, status=400),
    )


# --- Questions -----------------------------------------------------------------------------------


def _questions_page(
    request: AuthenticatedRequest, call: Call, form: BaseForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "challenges/staff/calls_questions.html",
        {
            **_base(request, call, "questions"),
            "questions": list(call.questions.all()),
            "form": form or QuestionForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_questions(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    if request.method == "GET":
        return _questions_page(request, call)
    _require_manager(request)
    form = QuestionForm(request.POST)
    return run_action(
        request,
        form=form,
        service=lambda data: services.call_question_add(
            actor=request.user, call=call, data=form.service_data()
        ),
        success=_("Question added."),
        redirect_to=_staff_url(call, "call_questions"),
        render_invalid=lambda f: _questions_page(request, call, f, status=400),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthenticatedRequest, call_id: int, question_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    question = get_object_or_404(CallQuestion, pk=question_id, call=call)

    def page(form: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/calls_question_edit.html",
            {**_base(request, call, "questions"), "question": question, "form": form},
            status=status,
        )

    if request.method == "GET":
        return page(QuestionForm(instance=question))
    _require_manager(request)
    form = QuestionForm(request.POST, instance=CallQuestion.objects.get(pk=question.pk))
    return run_action(
        request,
        form=form,
        service=lambda data: services.call_question_update(
            actor=request.user, question=question, data=form.service_data()
        ),
        success=_("Question saved."),
        redirect_to=_staff_url(call, "call_questions"),
        render_invalid=lambda f: page(f, status=400),
    )


@login_required
@require_POST
def question_delete(request: AuthenticatedRequest, call_id: int, question_id: int) -> HttpResponse:
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    question = get_object_or_404(CallQuestion, pk=question_id, call=call)
    return run_action(
        request,
        service=lambda data: services.call_question_delete(actor=request.user, question=question),
        success=_("Question removed."),
        redirect_to=_staff_url(call, "call_questions"),
    )


@login_required
@require_POST
def question_move(request: AuthenticatedRequest, call_id: int, question_id: int) -> HttpResponse:
    """Move a question one place up or down (``direction``)."""
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    order = list(call.questions.values_list("pk", flat=True))
    if question_id not in order:
        raise Http404
    index = order.index(question_id)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return run_action(
        request,
        service=lambda data: services.call_questions_reorder(
            actor=request.user, call=call, order=order
        ),
        success=_("Order saved."),
        redirect_to=_staff_url(call, "call_questions"),
    )


# --- Criteria ------------------------------------------------------------------------------------


def _criteria_page(
    request: AuthenticatedRequest, call: Call, form: BaseForm | None = None, status: int = 200
) -> HttpResponse:
    criteria = list(call.criteria.all())
    return render(
        request,
        "challenges/staff/calls_criteria.html",
        {
            **_base(request, call, "criteria"),
            "criteria": criteria,
            "weights": sum(c.weight for c in criteria),
            "form": form or CriterionForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_criteria(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    if request.method == "GET":
        return _criteria_page(request, call)
    _require_manager(request)
    form = CriterionForm(request.POST)
    return run_action(
        request,
        form=form,
        service=lambda data: services.call_criterion_add(
            actor=request.user, call=call, data=form.service_data()
        ),
        success=_("Criterion added."),
        redirect_to=_staff_url(call, "call_criteria"),
        render_invalid=lambda f: _criteria_page(request, call, f, status=400),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: AuthenticatedRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    criterion = get_object_or_404(CallCriterion, pk=criterion_id, call=call)
    others = sum(c.weight for c in call.criteria.all() if c.pk != criterion.pk)

    def page(form: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/calls_criterion_edit.html",
            {
                **_base(request, call, "criteria"),
                "criterion": criterion,
                "form": form,
                "other_weights": others,
                "weights": others + criterion.weight,
            },
            status=status,
        )

    if request.method == "GET":
        return page(CriterionForm(instance=criterion))
    _require_manager(request)
    form = CriterionForm(request.POST, instance=CallCriterion.objects.get(pk=criterion.pk))
    return run_action(
        request,
        form=form,
        service=lambda data: services.call_criterion_update(
            actor=request.user, criterion=criterion, data=form.service_data()
        ),
        success=_("Criterion saved."),
        redirect_to=_staff_url(call, "call_criteria"),
        render_invalid=lambda f: page(f, status=400),
    )


@login_required
@require_POST
def criterion_delete(
    request: AuthenticatedRequest, call_id: int, criterion_id: int
) -> HttpResponse:
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    criterion = get_object_or_404(CallCriterion, pk=criterion_id, call=call)
    return run_action(
        request,
        service=lambda data: services.call_criterion_delete(
            actor=request.user, criterion=criterion
        ),
        success=_("Criterion removed."),
        redirect_to=_staff_url(call, "call_criteria"),
    )


# --- Extensions ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_extensions(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)

    def page(form: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "challenges/staff/calls_extensions.html",
            {
                **_base(request, call, "extensions"),
                "extensions": list(selectors.extensions_for_staff(call=call)),
                "form": form,
            },
            status=status,
        )

    if request.method == "GET":
        return page(ExtensionForm())
    _require_manager(request)
    return run_action(
        request,
        form=ExtensionForm(request.POST),
        service=lambda data: services.extension_grant(
            actor=request.user,
            call=call,
            organization=data["organization"],
            closes_at=data["closes_at"],
            reason=data["reason"],
        ),
        success=_("The extension was granted and the organization notified."),
        redirect_to=_staff_url(call, "call_extensions"),
        render_invalid=lambda f: page(f, status=400),
    )


# --- Clarifications ------------------------------------------------------------------------------

CLARIFICATION_ACTIONS: dict[str, tuple[type[BaseForm], Callable[..., Any], Any]] = {
    "publish": (
        ClarificationPublishForm,
        lambda actor, c, d: services.clarification_publish(actor=actor, clarification=c, **d),
        gettext_lazy("Published in the FAQ; subscribers are notified."),
    ),
    "answer": (
        ClarificationAnswerForm,
        lambda actor, c, d: services.clarification_answer_privately(
            actor=actor, clarification=c, answer=d["answer"]
        ),
        gettext_lazy("The answer was sent to the person who asked."),
    ),
    "dismiss": (
        ClarificationDismissForm,
        lambda actor, c, d: services.clarification_dismiss(
            actor=actor, clarification=c, reason=d["reason"]
        ),
        gettext_lazy("The question was set aside."),
    ),
}


def _clarifications_page(
    request: AuthenticatedRequest,
    call: Call,
    bound: dict[tuple[int, str], BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows = []
    for clarification in selectors.clarifications_for_staff(call=call):
        forms = {}
        if clarification.status == CallClarification.Status.PENDING:
            for name, (form_class, _run, _msg) in CLARIFICATION_ACTIONS.items():
                forms[name] = bound.get((clarification.pk, name)) or form_class(
                    auto_id=f"c{clarification.pk}_{name}_%s"
                )
        rows.append((clarification, forms))
    return render(
        request,
        "challenges/staff/calls_clarifications.html",
        {**_base(request, call, "clarifications"), "rows": rows},
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def call_clarifications(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    return _clarifications_page(request, call)


@login_required
@require_POST
def clarification_decide(
    request: AuthenticatedRequest, call_id: int, clarification_id: int, decision: str
) -> HttpResponse:
    _require_manager(request)
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    clarification = get_object_or_404(CallClarification, pk=clarification_id, call=call)
    spec = CLARIFICATION_ACTIONS.get(decision)
    if spec is None:
        raise Http404
    form_class, run, message = spec
    return run_action(
        request,
        form=form_class(request.POST, auto_id=f"c{clarification.pk}_{decision}_%s"),
        service=lambda data: run(request.user, clarification, data),
        success=message,
        redirect_to=_staff_url(call, "call_clarifications"),
        render_invalid=lambda f: _clarifications_page(
            request, call, {(clarification.pk, decision): f}, status=400
        ),
    )


# --- Matching organizations ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def call_matches(request: AuthenticatedRequest, call_id: int) -> HttpResponse:
    call = selectors.call_get_for_staff(user=request.user, call_id=call_id)
    return render(
        request,
        "challenges/staff/calls_matches.html",
        {
            **_base(request, call, "matches"),
            "organizations": selectors.matching_organizations(call=call, limit=200),
        },
    )
