"""Forms of mission outcomes: a delegate's outcome, an agreement, and the project whose impact
ledger receives a contract. Input only; the rules are ``missions.services.outcomes``'."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from challenges.forms.portfolio import date_field
from challenges.models import Project
from cluster_portal.core.money import money_form_field

from ..models import Agreement, Outcome


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


class OutcomeForm(forms.Form):
    contacts_made = forms.IntegerField(label=_label(Outcome, "contacts_made"), min_value=0)
    agreements = forms.IntegerField(label=_label(Outcome, "agreements"), min_value=0)
    follow_ups = forms.CharField(
        label=_label(Outcome, "follow_ups"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    business_generated = money_form_field(
        label=_label(Outcome, "business_generated"),
        required=False,
        min_amount=Decimal("0"),
        help_text=_("Sales or contracts that came from the mission, in soles or dollars."),
    )
    notes = forms.CharField(
        label=_label(Outcome, "notes"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, outcome: Outcome | None = None, **kwargs: Any) -> None:
        if outcome is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(outcome, name)
                for name in (
                    "contacts_made",
                    "agreements",
                    "follow_ups",
                    "business_generated",
                    "notes",
                )
            }
        super().__init__(*args, **kwargs)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_label(Agreement, "kind"), choices=Agreement.Kind.choices)
    counterpart = forms.CharField(label=_label(Agreement, "counterpart"), max_length=200)
    description = forms.CharField(
        label=_label(Agreement, "description"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    value = money_form_field(
        label=_label(Agreement, "value"), required=False, min_amount=Decimal("0")
    )
    signed_on = date_field(_label(Agreement, "signed_on"), required=False)


class ImpactProjectForm(forms.Form):
    """The project (led by the delegate's organization) whose ledger receives a contract."""

    project = forms.TypedChoiceField(label=_("Project"), coerce=int)

    def __init__(self, *args: Any, projects: Iterable[Project] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {p.pk: p for p in projects}
        cast(forms.ChoiceField, self.fields["project"]).choices = [
            (p.pk, f"{p.code} · {p.title}") for p in self.projects.values()
        ]

    def chosen_project(self) -> Project:
        return self.projects[self.cleaned_data["project"]]
