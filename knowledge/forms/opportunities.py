"""Forms of value-added opportunities: the editors' form (create and edit), the studies they
link, a lifecycle action, a member's "Register interest" form, and the filters of the public
list and the API (one FilterSet for both, as ``<app>/filters.py`` would hold).

Forms validate input only; the rules live in ``knowledge.services.opportunities`` (whose errors
the views hand back to the form).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from members.models import Organization

from ..models import OpportunityInterest, ValueOpportunity
from ..selectors.opportunities import linkable_articles
from ..services.opportunities import NOTE_MAX_LENGTH, OPPORTUNITY_FIELDS

TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 3})


class OpportunityForm(forms.ModelForm):
    """Every field an editor sets (``services.opportunities.OPPORTUNITY_FIELDS``)."""

    import_value = money_form_field(
        label=_("Yearly imports"),
        required=False,
        min_amount=Decimal("0.00"),
        help_text=_("What Peru imports of this product in a year; give the year below."),
    )

    class Meta:
        model = ValueOpportunity
        fields: tuple[str, ...] = OPPORTUNITY_FIELDS
        widgets = {
            "summary": TEXTAREA_SMALL,
            "market_notes": forms.Textarea(attrs={"rows": 6}),
            "local_capability": forms.Textarea(attrs={"rows": 4}),
            "economic_justification": TEXTAREA_SMALL,
            "economic_sources": forms.Textarea(attrs={"rows": 2}),
            "financial_justification": TEXTAREA_SMALL,
            "financial_sources": forms.Textarea(attrs={"rows": 2}),
            "environmental_justification": TEXTAREA_SMALL,
            "environmental_sources": forms.Textarea(attrs={"rows": 2}),
            "economic_rating": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "financial_rating": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "environmental_rating": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }
        help_texts = {
            "hs_code": _("Peru's tariff subheading, such as 7408.11 or 7408.11.00.00."),
            "economic_rating": _("1 (weak) to 5 (strong)."),
            "financial_rating": _("1 (weak) to 5 (strong)."),
            "environmental_rating": _("1 (weak) to 5 (strong)."),
            "economic_sources": _("One source a line: a study, a statistic, a link."),
            "financial_sources": _("One source a line: a study, a statistic, a link."),
            "environmental_sources": _("One source a line: a study, a statistic, a link."),
        }

    def _post_clean(self) -> None:
        """The opportunity is validated by the service (its errors come back to this form)."""

    def validate_unique(self) -> None:
        """Left to the service."""

    def service_data(self) -> dict[str, Any]:
        """The fields for ``opportunity_create`` / ``opportunity_update``."""
        return {name: self.cleaned_data.get(name) for name in OPPORTUNITY_FIELDS}


class StudiesForm(forms.Form):
    studies = forms.ModelMultipleChoiceField(
        label=_("Linked studies"),
        queryset=linkable_articles(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published articles of the knowledge base behind this opportunity."),
    )

    def __init__(self, *args: Any, opportunity: ValueOpportunity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"studies": list(opportunity.studies.all())})
        super().__init__(*args, **kwargs)
        field = self.fields["studies"]
        field.queryset = linkable_articles(opportunity)  # type: ignore[attr-defined]
        field.filterable = True  # type: ignore[attr-defined]


class EmptyForm(forms.Form):
    """A lifecycle action without input (publish, unpublish)."""


class InterestForm(forms.Form):
    """ "Register interest": the organization (asked only when the person has several), the
    role and an optional note."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OpportunityInterest.Role.choices,
        widget=forms.RadioSelect,
        help_text=_("As what would your organization take part?"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what your organization offers or looks for."),
    )

    def __init__(self, *args: Any, organizations: Sequence[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organizations]
        )
        if len(organizations) == 1:
            field.initial = organizations[0].pk
            field.widget = forms.HiddenInput()
        self.single_organization = organizations[0] if len(organizations) == 1 else None
