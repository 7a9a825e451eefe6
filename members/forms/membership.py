"""Forms of the membership journey, the team page and the secretariat's decisions.

Forms validate input only; the rules (who may, which transition) live in the services, whose
``ValidationError`` a view hands back to the form with
:func:`cluster_portal.core.forms.add_service_error`.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..filters import region_choices
from ..models import Organization
from ..selectors.membership import organizations_joinable
from ..services.membership import APPLICATION_ORGANIZATION_FIELDS
from ..validators import RUC_ASCII_DIGITS, compact_ruc
from .organizations import WebsiteField, with_empty_label

MOTIVATION_MAX = 3000
MESSAGE_MAX = 3000


class OrganizationApplicationForm(forms.ModelForm):
    """Register a new organization and apply for membership.

    A ModelForm, so the model's own validation (RUC format, SUNAT check digit, kind and
    scale/level) runs here and again in the service. An already registered RUC is left to the
    service: an organization nobody controls may be taken over (see
    ``membership_application_submit``).
    """

    # Declared (not generated) so that a RUC typed with spaces or dashes gets past the length
    # check; ``clean_ruc`` strips them and the model's validator checks the 11 digits.
    ruc = forms.CharField(
        label=_("RUC"),
        max_length=20,
        help_text=_("The 11-digit taxpayer number (RUC) registered at SUNAT."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    website = WebsiteField(
        label=capfirst(Organization._meta.get_field("website").verbose_name), required=False
    )
    motivation = forms.CharField(
        label=_("Why does your organization want to join the cluster?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MOTIVATION_MAX,
        help_text=_("What you expect from the cluster and what you can bring to it."),
    )

    class Meta:
        model = Organization
        fields = APPLICATION_ORGANIZATION_FIELDS
        help_texts = {
            "mining_scale": _("Only for mining companies."),
            "government_level": _("Only for government institutions."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mining_scale"].required = False
        self.fields["government_level"].required = False
        # Southern regions first, like the profile form and the directory filters.
        cast(forms.ChoiceField, self.fields["region"]).choices = region_choices()
        # No silent default: the kind and the region are chosen, from an explicit first option.
        with_empty_label(self.fields["kind"], _("Select the kind…"))
        with_empty_label(self.fields["region"], _("Select the region…"))
        if not self.is_bound:
            self.initial["region"] = (kwargs.get("initial") or {}).get("region", "")

    def clean_ruc(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("ruc", "") if ch not in " -.")

    def validate_unique(self) -> None:
        """No uniqueness check here: an already registered RUC is the service's decision (it
        may be taken over), and the service validates the whole organization again."""

    def organization_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in APPLICATION_ORGANIZATION_FIELDS}


class MotivationForm(forms.Form):
    """Apply again for an organization that is not, or no longer, a member."""

    motivation = forms.CharField(
        label=_("Why does your organization want to join the cluster?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MOTIVATION_MAX,
    )


class JoinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("RUC or name of the organization"),
        max_length=200,
        min_length=3,
        required=False,
        help_text=_(
            "Type the 11-digit RUC, or at least three letters of the name of an organization "
            "with a public profile."
        ),
    )

    def clean_q(self) -> str:
        """A RUC typed with other digits than 0-9 (Arabic-Indic, superscript...) is refused with
        the RUC's own message instead of finding nothing (or failing)."""
        query = self.cleaned_data.get("q", "")
        compact = compact_ruc(query)
        if compact.isdigit() and not compact.isascii():
            raise forms.ValidationError(RUC_ASCII_DIGITS, code="ruc_digits")
        return query


#: The one answer for an organization the person could not have found (missing, private,
#: not a member...): it never names the organization, so ids cannot be probed.
JOIN_ORGANIZATION_NOT_FOUND = _(
    "This organization was not found. Search for it again by its RUC or its name."
)


class JoinRequestForm(forms.Form):
    """Ask to join an organization picked from the search results.

    Only an organization the person could have found is accepted
    (:func:`~members.selectors.membership.organizations_joinable`): a public active member, or
    any organization whose exact RUC is sent along (the search result carries the RUC).
    """

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": JOIN_ORGANIZATION_NOT_FOUND,
            "invalid_choice": JOIN_ORGANIZATION_NOT_FOUND,
        },
    )
    ruc = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message to the organization's admins"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=_("Optional: who you are and your position."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ruc = str(self.data.get("ruc", "")) if self.is_bound else ""
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations_joinable(
            ruc=ruc
        )


class ApplicationResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer to the secretariat"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX,
    )


# --- The secretariat ---------------------------------------------------------------------------


class ApproveForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MESSAGE_MAX,
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        help_text=_("The applicant will read it."),
    )


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label=_("Information requested"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        help_text=_("The applicant will read it and can answer on their organization page."),
    )


class OrganizationStatusForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
        required=False,
        help_text=_("Shown to the organization's people."),
    )


class StaffListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
