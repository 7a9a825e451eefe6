"""Forms of the coordinators' mission pages: the mission (create and edit), its criteria and
quotas, a lifecycle action's reason, and the list's filters. Forms validate input only; the
rules live in ``missions.services.missions`` (whose errors the views hand back to the form)."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from challenges.forms.calls import LimaDateTimeField
from cluster_portal.core.money import money_form_field
from cluster_portal.core.peru import Region
from members.models import Organization

from ..groups import Group
from ..models import Mission
from ..selectors.missions import country_choices
from ..services.missions import MISSION_FIELDS, REASON_MAX_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: Zones outside Australia/* and Canada/* offered in the time zone list: the mining
#: ecosystems missions visit (Chile, Canada's provinces by their city names, South Africa,
#: the Nordic countries) and Lima. Any other IANA name may be typed.
EXTRA_ZONES = (
    "America/Lima",
    "America/Santiago",
    "America/Punta_Arenas",
    "America/Toronto",
    "America/Vancouver",
    "America/Edmonton",
    "America/Winnipeg",
    "America/Halifax",
    "America/St_Johns",
    "Africa/Johannesburg",
    "Europe/Stockholm",
    "Europe/Helsinki",
)


def suggested_zones() -> list[str]:
    """The time zones the form suggests: Australia/*, Canada/* and :data:`EXTRA_ZONES`."""
    available = zoneinfo.available_timezones()
    regional = {z for z in available if z.startswith(("Australia/", "Canada/"))}
    return sorted(regional | {z for z in EXTRA_ZONES if z in available})


class ZoneInput(forms.TextInput):
    """A text input with a ``<datalist>`` of suggested zones: pick one or type any IANA name."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}_zones"
        attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((z,) for z in suggested_zones())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class MissionForm(forms.ModelForm):
    """Every field a coordinator sets on a mission (``services.missions.MISSION_FIELDS``)."""

    country = forms.ChoiceField(label=_("Destination country"))
    time_zone = forms.CharField(
        label=_("Destination time zone"),
        max_length=64,
        widget=ZoneInput(),
        help_text=_(
            "Pick one from the list or type any IANA name, for example Australia/Perth or "
            "America/Santiago. Agenda items keep their own zone."
        ),
    )
    applications_open_at = LimaDateTimeField(label=_("Applications open"))
    applications_close_at = LimaDateTimeField(
        label=_("Applications close"), help_text=_("Lima time; before the day of departure.")
    )
    cost_per_delegate = money_form_field(label=_("Cost per delegate"), min_amount=Decimal("0.00"))
    co_funding_per_delegate = money_form_field(
        label=_("Co-funding per delegate"),
        required=False,
        min_amount=Decimal("0.00"),
        help_text=_(
            "What the cluster and its sponsors pay for each delegate, in the same currency."
        ),
    )
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organization admitted"),
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every kind of member organization."),
    )
    eligible_regions = forms.MultipleChoiceField(
        label=_("Regions admitted"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every region."),
    )

    class Meta:
        model = Mission
        fields: tuple[str, ...] = (
            "title",
            "title_en",
            "summary",
            "summary_en",
            "objectives",
            "objectives_en",
            "country",
            "cities",
            "time_zone",
            "starts_on",
            "ends_on",
            "applications_open_at",
            "applications_close_at",
            "capacity_organizations",
            "capacity_delegates",
            "max_delegates_per_organization",
            "cost_per_delegate",
            "co_funding_per_delegate",
            "co_funding_note",
            "eligible_kinds",
            "eligible_regions",
            "hold_hours",
            "visa_required",
            "vaccinations_required",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "objectives_en": forms.Textarea(attrs={"rows": 5}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }
        help_texts = {
            "hold_hours": _(
                "When a place is offered (or promoted from the waitlist), how long it is held "
                "for the organization to accept."
            ),
            "max_delegates_per_organization": _(
                "An application nominating more is trimmed to its first delegates."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]
        self.fields["eligible_regions"].filterable = True  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The mission is validated by the service (its errors come back to this form)."""

    def validate_unique(self) -> None:
        """Left to the service."""

    def service_data(self) -> dict[str, Any]:
        """The fields for ``services.missions.mission_create`` / ``mission_update``."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["eligible_kinds"] = list(data["eligible_kinds"] or [])
        data["eligible_regions"] = list(data["eligible_regions"] or [])
        return {name: value for name, value in data.items() if name in MISSION_FIELDS}


class CriterionForm(forms.Form):
    """One row of the criteria formset; an empty extra row is ignored."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Criterion"), max_length=200)
    name_en = forms.CharField(label=_("Criterion (English)"), max_length=200, required=False)
    description = forms.CharField(label=_("What is judged"), max_length=500, required=False)
    description_en = forms.CharField(
        label=_("What is judged (English)"), max_length=500, required=False
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100, initial=5)


class BaseCriteriaFormSet(forms.BaseFormSet):
    def service_data(self) -> list[dict[str, Any]]:
        """The rows kept (filled in and not marked for deletion), in order."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            rows.append({k: v for k, v in data.items() if k != "DELETE"})
        return rows


CriteriaFormSet = formset_factory(
    CriterionForm, formset=BaseCriteriaFormSet, extra=2, can_delete=True, max_num=20
)


def criteria_formset(mission: Mission, data: Any = None) -> BaseCriteriaFormSet:
    initial = [
        {
            "id": c.pk,
            "name": c.name,
            "name_en": c.name_en,
            "description": c.description,
            "description_en": c.description_en,
            "weight": c.weight,
            "max_score": c.max_score,
        }
        for c in mission.criteria.all()
    ]
    return CriteriaFormSet(data, initial=initial, prefix="criteria")  # type: ignore[return-value]


class QuotasForm(forms.Form):
    """A minimum number of places (organizations) per group; empty or 0: no quota."""

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {q.group: q.minimum for q in mission.quotas.all()})
        super().__init__(*args, **kwargs)
        for value, label in Group.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=mission.capacity_organizations,
                widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            )

    def service_data(self) -> dict[str, int | None]:
        return {group: self.cleaned_data.get(group) for group in Group.values}


class ReasonForm(forms.Form):
    """A lifecycle action's form: only cancelling asks a reason (the service requires it)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Applicants and delegates are told this reason."),
    )


class EmptyForm(forms.Form):
    """An action without input (publish, close applications…)."""
