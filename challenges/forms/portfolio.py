"""Forms of the project pages (the team's and the sponsors'). They validate input only; who may
do what, when, and what is missing are the services' (``challenges.services.portfolio``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import Indicator, Measurement, Milestone, ProgressUpdate

NOTE_MAX = 4000
REASON_MAX = 2000
TEXT_MAX = 4000


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), input_formats=["%Y-%m-%d"], **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): ``cleaned_data`` is a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def evidence_files_field(**kwargs: Any) -> MultipleFileField:
    return MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel or photos (JPEG, PNG); you may choose several."),
        **kwargs,
    )


# --- Milestones ------------------------------------------------------------------------------


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_label(Milestone, "title"), max_length=200)
    due_on = date_field(_label(Milestone, "due_on"))
    weight = forms.IntegerField(
        label=_label(Milestone, "weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=Milestone._meta.get_field("weight").help_text,
    )
    description = forms.CharField(
        label=_label(Milestone, "description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MilestoneEvidenceForm(forms.Form):
    """The team submits a milestone's evidence: what it shows and the files (the service asks
    for at least one, new or kept from a submission the sponsor returned)."""

    note = forms.CharField(
        label=_("What the evidence shows"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A field, not the form's ``files`` (the metaclass moves fields to ``base_fields``).
    files = evidence_files_field()  # type: ignore[assignment]


class ReasonForm(forms.Form):
    """A reason the other side reads (returning a milestone, rejecting a claim)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- KPIs ------------------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    result = forms.CharField(
        label=_label(Indicator, "result"),
        max_length=200,
        help_text=_("The result it measures, e.g. “Less fresh water per tonne”."),
    )
    name = forms.CharField(label=_label(Indicator, "name"), max_length=200)
    unit = forms.CharField(label=_label(Indicator, "unit"), max_length=40)
    baseline = forms.DecimalField(
        label=_label(Indicator, "baseline"), max_digits=18, decimal_places=4
    )
    baseline_year = forms.IntegerField(
        label=_label(Indicator, "baseline_year"), min_value=1990, max_value=2100, required=False
    )
    target = forms.DecimalField(label=_label(Indicator, "target"), max_digits=18, decimal_places=4)
    higher_is_better = forms.BooleanField(
        label=_label(Indicator, "higher_is_better"), required=False, initial=True
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MeasurementForm(forms.Form):
    period_start = date_field(_label(Measurement, "period_start"))
    period_end = date_field(_label(Measurement, "period_end"))
    value = forms.DecimalField(label=_label(Measurement, "value"), max_digits=18, decimal_places=4)
    comment = forms.CharField(
        label=_label(Measurement, "comment"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Recording a period that has a value corrects it: say why."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Progress updates ------------------------------------------------------------------------


class ProgressUpdateForm(forms.Form):
    period_end = date_field(_label(ProgressUpdate, "period_end"))
    summary = forms.CharField(
        label=_label(ProgressUpdate, "summary"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label=_label(ProgressUpdate, "next_steps"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    risks = forms.CharField(
        label=_label(ProgressUpdate, "risks"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
