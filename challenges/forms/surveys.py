"""Forms of the challenge survey and triage. They only shape the input: every rule is in
``challenges.services.surveys`` (the API validates through the same service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from members.forms.organizations import CapabilityChoiceField
from members.models import Capability, Organization

from ..models import Challenge, SurveyRound
from ..services.surveys import CHALLENGE_FIELDS, DETAIL_ITEMS

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A ``datetime-local`` input in the portal's time zone (America/Lima)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_DATETIME_FORMAT, **kwargs)


class SurveyRoundForm(forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields = ("title", "title_en", "description", "description_en", "opens_at", "closes_at")
        widgets = {
            "opens_at": LocalDateTimeInput(),
            "closes_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"opens_at": _("Lima time."), "closes_at": _("Lima time.")}

    def _post_clean(self) -> None:
        # The service validates the row (dates in order, lengths) and reports on the fields.
        pass


def _capabilities(dimension: str) -> Any:
    return Capability.objects.filter(dimension=dimension, is_active=True).order_by(
        "position", "slug"
    )


#: Help texts of the model fields shown in the form.
HELP_TEXTS: dict[str, Any] = {
    "confidentiality": _(
        "Public: anyone reads it. Members only: people of member organizations. "
        "Restricted: only your company and the secretariat read it; others see "
        "the public version below, if you write one, and nothing otherwise."
    ),
    "public_title": _(
        "For restricted challenges: a sanitized title without names, e.g. "
        "“A copper mine in Moquegua at 3,500 m loses conveyor belts early”."
    ),
    "public_summary": _("For restricted challenges: what others may read."),
    "site": _("Mine unit or plant (optional)."),
}


class ChallengeForm(forms.Form):
    """Every field of the issue: the problem, where, its impact, what is wanted, the taxonomy
    (one group of checkboxes per dimension) and the confidentiality with its public version."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Company"),
        empty_label=None,
        help_text=_("The mining company this challenge belongs to."),
    )
    value_chain_stages = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Value-chain stages"),
    )
    service_areas = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Service areas"),
    )
    estimated_annual_cost = money_form_field(
        label=_("Estimated annual cost"),
        required=False,
        help_text=_("Optional: what the problem costs a year, roughly."),
    )

    def __init__(
        self,
        *args: Any,
        companies: list[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Challenge,
            fields=[f for f in CHALLENGE_FIELDS if f != "estimated_annual_cost"],
            widgets={
                "problem": forms.Textarea(attrs={"rows": 5}),
                "impact_notes": forms.Textarea(attrs={"rows": 3}),
                "desired_outcome": forms.Textarea(attrs={"rows": 3}),
                "constraints": forms.Textarea(attrs={"rows": 3}),
                "public_summary": forms.Textarea(attrs={"rows": 3}),
                "confidentiality": forms.RadioSelect,
            },
            help_texts=HELP_TEXTS,
        )
        organization_field = self.fields.pop("organization")
        self.fields = {"organization": organization_field, **model_fields, **self.fields}
        # The Spanish text the company writes is its own: no English twin.
        self.fields["problem"].required = True
        self.fields["desired_outcome"].required = True
        self.fields["value_chain_stages"].queryset = _capabilities(  # type: ignore[attr-defined]
            Capability.Dimension.VALUE_CHAIN
        )
        self.fields["service_areas"].queryset = _capabilities(  # type: ignore[attr-defined]
            Capability.Dimension.SERVICE_AREA
        )
        if companies is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
                pk__in=[c.pk for c in companies]
            )
            if len(companies) == 1:
                self.fields["organization"].initial = companies[0].pk
                self.fields["organization"].widget = forms.HiddenInput()
        # Moved to the end so the public version follows the confidentiality choice.
        order = [name for name in self.fields if name not in ("public_title", "public_summary")]
        self.order_fields([*order, "public_title", "public_summary"])

    @classmethod
    def initial_for(cls, challenge: Challenge) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(challenge, name) for name in CHALLENGE_FIELDS}
        initial["value_chain_stages"] = [c.pk for c in challenge.value_chain_stages.all()]
        initial["service_areas"] = [c.pk for c in challenge.service_areas.all()]
        return initial

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organization"}
        data["value_chain_stages"] = list(data.get("value_chain_stages") or [])
        data["service_areas"] = list(data.get("service_areas") or [])
        return data


class DetailAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the secretariat"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Cover each item the secretariat asked for."),
    )


class PublicVersionForm(forms.Form):
    public_title = forms.CharField(label=_("Public title"), max_length=200, required=False)
    public_summary = forms.CharField(
        label=_("Public summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


# --- Triage ------------------


class EmptyForm(forms.Form):
    pass


class RequestDetailForm(forms.Form):
    checklist = forms.MultipleChoiceField(
        label=_("What is missing"),
        choices=list(DETAIL_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the company"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The company reads it."),
    )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=_("Merge into"),
        coerce=int,
        help_text=_("Similar challenges are listed first. Nothing is deleted; it can be undone."),
    )

    def __init__(self, *args: Any, targets: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a challenge…")),
            *[
                (t.pk, f"{t.reference or t.pk} · {t.organization.display_name} · {t.title}")
                for t in targets
            ],
        ]


class ShareForm(forms.Form):
    others = forms.TypedMultipleChoiceField(
        label=_("Share with"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Similar challenges of other companies, to be sponsored in one call."),
    )

    def __init__(self, *args: Any, candidates: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["others"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.reference or c.pk} · {c.organization.display_name} · {c.title}")
            for c in candidates
        ]
