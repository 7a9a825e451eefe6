"""The delegate's page (``missions:delegate_detail``): the mission, where the delegate stands,
the confirmation of attendance, the calendar files, the delegate's agenda, the readiness
checklist with a form per item, and once the mission is under way the outcome and agreements
(with a contract's claim in a project's impact ledger).

Who sees it: the delegate, an administrator of the delegate's organization and staff readers
(``permissions.can_view_delegate``); anyone else gets a 404. Each action is a POST calling a
service (``missions.services.readiness`` / ``outcomes``), which decides and refuses; an invalid
form renders the page again with its errors (status 400).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster_portal.core.actions import run_action
from cluster_portal.core.bilingual import localized, localized_lang
from cluster_portal.core.http import AuthenticatedRequest

from .. import permissions
from ..forms.outcomes import AgreementForm, ImpactProjectForm, OutcomeForm
from ..forms.readiness import PERSONAL_DATA_NOTICE, ReadinessItemForm
from ..models import Agreement, Delegate, ReadinessItem
from ..permissions import OUTCOMES_TAG
from ..selectors import outcomes as outcome_selectors
from ..selectors import readiness as selectors
from ..services import outcomes as outcome_services
from ..services import readiness as services
from ..workflows import APPLICATION, MISSION


def delegate_url(delegate: Delegate | int, anchor: str = "") -> str:
    pk = delegate if isinstance(delegate, int) else delegate.pk
    url = reverse("missions:delegate_detail", kwargs={"delegate_id": pk})
    return f"{url}#{anchor}" if anchor else url


def _delegate_for(request: HttpRequest, delegate_id: int) -> Delegate:
    return selectors.delegate_get_for_user(user=request.user, delegate_id=delegate_id)


def _form(
    forms: Mapping[str, BaseForm], key: str, factory: Callable[..., BaseForm], **kwargs: Any
) -> BaseForm:
    """The form sent back with errors under ``key``, or a new one prefixed with it."""
    return forms.get(key) or factory(prefix=key, **kwargs)


@dataclass
class ChecklistRow:
    row: selectors.ItemRow
    form: BaseForm | None

    @property
    def item(self) -> ReadinessItem:
        return self.row.item


@dataclass
class AgreementRow:
    agreement: Agreement
    impact_form: BaseForm | None
    ledger_url: str


def _agenda(delegate: Delegate) -> list[Any]:
    """The delegate's agenda by local day (H2's selector; empty if it is not there)."""
    try:
        from ..selectors.agenda import agenda_days, delegate_agenda
    except ImportError:  # pragma: no cover - the agenda part not installed
        return []
    return agenda_days(delegate_agenda(delegate))


def _ledger_url(agreement: Agreement) -> str:
    entry = agreement.impact_entry
    if entry is None:
        return ""
    return reverse("challenges:project_detail", kwargs={"project_id": entry.project_id}) + (
        f"#entry-{entry.pk}"
    )


def _render_page(
    request: HttpRequest,
    delegate: Delegate,
    forms: Mapping[str, BaseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    user = request.user
    mission = delegate.mission
    may_update = bool(permissions.can_update_readiness(user, delegate))
    board_row = selectors.delegate_row(delegate)
    checklist = [
        ChecklistRow(
            row,
            _form(forms, f"item-{row.item.pk}", ReadinessItemForm, item=row.item)
            if may_update
            else None,
        )
        for row in board_row.items
    ]
    confirm = permissions.can_confirm_attendance(user, delegate)
    under_way = MISSION.has_tag(mission, OUTCOMES_TAG)
    context: dict[str, Any] = {
        "delegate": delegate,
        "mission": mission,
        "mission_title": localized(mission, "title"),
        "mission_title_lang": localized_lang(mission, "title"),
        "application": delegate.application,
        "organization": delegate.application.organization,
        "is_self": permissions.is_delegate(user, delegate),
        "travelling": permissions.is_travelling_delegate(delegate),
        "application_state": APPLICATION.state(delegate.application),
        "may_confirm": bool(confirm) and delegate.confirmed_at is None,
        "confirm_refusal": "" if confirm else confirm.reason,
        "readiness": board_row,
        "checklist": checklist,
        "may_update": may_update,
        "personal_data_notice": PERSONAL_DATA_NOTICE,
        "agenda_days": _agenda(delegate),
        "under_way": under_way,
    }
    if under_way:
        may_record = bool(permissions.can_record_outcome(user, delegate))
        outcome = outcome_selectors.delegate_outcome(delegate)
        agreements = list(outcome_selectors.delegate_agreements(delegate))
        projects = list(outcome_selectors.impact_projects(delegate)) if may_record else []
        context.update(
            {
                "may_record": may_record,
                "outcome": outcome,
                "outcome_form": _form(forms, "outcome", OutcomeForm, outcome=outcome)
                if may_record
                else None,
                "agreement_form": _form(forms, "agreement", AgreementForm) if may_record else None,
                "agreements": [
                    AgreementRow(
                        agreement,
                        _form(forms, f"impact-{agreement.pk}", ImpactProjectForm, projects=projects)
                        if projects
                        and agreement.kind == Agreement.Kind.CONTRACT
                        and agreement.impact_entry_id is None
                        and agreement.value is not None
                        and agreement.signed_on is not None
                        else None,
                        _ledger_url(agreement),
                    )
                    for agreement in agreements
                ],
            }
        )
    return render(request, "missions/delegates/delegate_detail.html", context, status=status)


def _renderer(
    request: HttpRequest, delegate: Delegate, key: str
) -> Callable[[BaseForm], HttpResponse]:
    def render_invalid(form: BaseForm) -> HttpResponse:
        return _render_page(request, delegate, {key: form}, status=400)

    return render_invalid


@login_required
@require_GET
def delegate_detail(request: AuthenticatedRequest, delegate_id: int) -> HttpResponse:
    return _render_page(request, _delegate_for(request, delegate_id))


@login_required
@require_POST
def delegate_confirm(request: AuthenticatedRequest, delegate_id: int) -> HttpResponse:
    delegate = _delegate_for(request, delegate_id)
    return run_action(
        request,
        service=lambda data: services.delegate_confirm_attendance(
            actor=request.user, delegate=delegate
        ),
        success=_("Your attendance is confirmed. See you on the mission!"),
        redirect_to=delegate_url(delegate),
    )


@login_required
@require_POST
def readiness_item_update(
    request: AuthenticatedRequest, delegate_id: int, item_id: int
) -> HttpResponse:
    delegate = _delegate_for(request, delegate_id)
    item = next((i for i in delegate.readiness.all() if i.pk == item_id), None)
    if item is None:
        raise Http404
    key = f"item-{item.pk}"
    form = ReadinessItemForm(request.POST, prefix=key, item=item)
    return run_action(
        request,
        form=form,
        service=lambda data: services.readiness_item_update(
            actor=request.user, item=item, data=data
        ),
        success=_("%(item)s updated.") % {"item": item.get_kind_display()},
        redirect_to=delegate_url(delegate, f"item-{item.pk}"),
        render_invalid=_renderer(request, delegate, key),
    )


@login_required
@require_POST
def outcome_record(request: AuthenticatedRequest, delegate_id: int) -> HttpResponse:
    delegate = _delegate_for(request, delegate_id)
    form = OutcomeForm(request.POST, prefix="outcome")
    return run_action(
        request,
        form=form,
        service=lambda data: outcome_services.outcome_record(
            actor=request.user, delegate=delegate, data=data
        ),
        success=_("The outcome was saved. Thank you!"),
        redirect_to=delegate_url(delegate, "outcome"),
        render_invalid=_renderer(request, delegate, "outcome"),
    )


@login_required
@require_POST
def agreement_create(request: AuthenticatedRequest, delegate_id: int) -> HttpResponse:
    delegate = _delegate_for(request, delegate_id)
    form = AgreementForm(request.POST, prefix="agreement")
    return run_action(
        request,
        form=form,
        service=lambda data: outcome_services.agreement_record(
            actor=request.user, delegate=delegate, data=data
        ),
        success=_("The agreement was recorded."),
        redirect_to=delegate_url(delegate, "agreements"),
        render_invalid=_renderer(request, delegate, "agreement"),
    )


@login_required
@require_POST
def agreement_impact(
    request: AuthenticatedRequest, delegate_id: int, agreement_id: int
) -> HttpResponse:
    delegate = _delegate_for(request, delegate_id)
    agreement = Agreement.objects.filter(pk=agreement_id, delegate=delegate).first()
    if agreement is None:
        raise Http404
    key = f"impact-{agreement.pk}"
    form = ImpactProjectForm(
        request.POST, prefix=key, projects=outcome_selectors.impact_projects(delegate)
    )
    return run_action(
        request,
        form=form,
        service=lambda data: outcome_services.agreement_to_impact(
            actor=request.user,
            agreement=agreement,
            project=form.chosen_project(),
        ),
        success=_(
            "The contract was claimed in the project's impact ledger; its sponsors are asked to "
            "confirm it."
        ),
        redirect_to=delegate_url(delegate, "agreements"),
        render_invalid=_renderer(request, delegate, key),
    )
