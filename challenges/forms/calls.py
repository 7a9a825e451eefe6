"""Forms of challenge calls: the call manager's sections (general, challenges and sponsors,
eligibility, timeline and funding, questions, criteria), extensions, clarifications, and the
applicant's question. Forms validate input only; the rules live in
``challenges.services.calls`` (whose errors the views hand back to the form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from cluster_portal.core.peru import Region
from members.models import Organization

from ..models import Call, CallClarification, CallCriterion, CallQuestion
from ..selectors.calls import challenges_for_call_choice

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
QUESTION_MAX = 2000


class LimaDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read in the portal's time zone (America/Lima)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("help_text", _("Lima time."))
        super().__init__(**kwargs)


class CallGeneralForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = (
            "code",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "description",
            "description_en",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "description_en": forms.Textarea(attrs={"rows": 8}),
        }

    def validate_unique(self) -> None:
        """Left to the service, which validates the whole call again."""


class CallChallengesForm(forms.Form):
    challenges = forms.ModelMultipleChoiceField(
        queryset=challenges_for_call_choice(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Challenges"),
        required=False,
        help_text=_("Accepted challenges only."),
    )
    sponsors = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.filter(kind=Organization.Kind.MINING_COMPANY).order_by(
            "legal_name"
        ),
        widget=forms.CheckboxSelectMultiple,
        label=_("Sponsor companies"),
        required=False,
        help_text=_(
            "Leave empty to use the companies of the challenges and of the challenges shared "
            "with them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].filterable = True  # type: ignore[attr-defined]
        self.fields["sponsors"].filterable = True  # type: ignore[attr-defined]
        self.fields["challenges"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.reference or c.pk} · {c.title} ({c.organization.display_name})"
        )
        self.fields["sponsors"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: o.display_name
        )


class CallEligibilityForm(forms.Form):
    eligible_kinds = forms.MultipleChoiceField(
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Organization kinds that may lead"),
        help_text=_("None ticked: any kind."),
    )
    members_only = forms.BooleanField(required=False, label=_("Members only"))
    eligible_regions = forms.MultipleChoiceField(
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Regions"),
        help_text=_("None ticked: any region."),
    )
    required_partner_kinds = forms.MultipleChoiceField(
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Required partner kinds"),
        help_text=_("Each ticked kind needs at least one confirmed consortium partner."),
    )
    max_proposals_per_organization = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        label=_("Proposals per organization"),
        help_text=_("Most proposals an organization may lead; empty: no limit."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eligible_regions"].filterable = True  # type: ignore[attr-defined]


class CallTimelineForm(forms.Form):
    opens_at = LimaDateTimeField(label=_("Opens"), required=False)
    closes_at = LimaDateTimeField(label=_("Closes"), required=False)
    evaluation_ends_at = LimaDateTimeField(label=_("Evaluation ends"), required=False)
    results_at = LimaDateTimeField(label=_("Results announced"), required=False)
    funding_per_project = money_form_field(
        label=_("Funding per project"), required=False, min_amount=Decimal("0.01")
    )
    total_funding = money_form_field(
        label=_("Total funding"), required=False, min_amount=Decimal("0.01")
    )
    max_awards = forms.IntegerField(
        required=False, min_value=1, max_value=1000, label=_("Maximum awards")
    )


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Single and multiple choice: one option a line."),
    )

    class Meta:
        model = CallQuestion
        fields = (
            "kind",
            "label",
            "label_en",
            "help_text",
            "help_text_en",
            "required",
            "visible_to_evaluators",
            "personal_data",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["options_text"] = "\n".join(
                str(o.get("label", "")) for o in self.instance.options or []
            )

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["options"] = [
            line.strip() for line in self.cleaned_data.get("options_text", "").splitlines()
        ]
        data["options"] = [o for o in data["options"] if o]
        return data

    def validate_unique(self) -> None:
        """The service validates the question (it needs the call)."""

    def _post_clean(self) -> None:
        # The instance is validated by the service, which knows its call.
        pass


class CriterionForm(forms.ModelForm):
    class Meta:
        model = CallCriterion
        fields = (
            "name",
            "name_en",
            "description",
            "description_en",
            "weight",
            "scale_min",
            "scale_max",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
            "weight": forms.NumberInput(attrs={"data-criterion-weight": "", "min": 1, "max": 100}),
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self) -> None:
        pass


class ExtensionForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("legal_name"), label=_("Organization")
    )
    closes_at = LimaDateTimeField(label=_("New closing time"))
    reason = forms.CharField(
        label=_("Incident"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, and the evidence (it is kept in the audit log)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.display_name} ({o.ruc})"
        )


class ClarificationPublishForm(forms.Form):
    public_question = forms.CharField(
        label=_("Question as published"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=QUESTION_MAX,
        help_text=_("Rewrite it so that nobody can be identified."),
    )
    public_question_en = forms.CharField(
        label=_("Question as published (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=QUESTION_MAX,
        required=False,
    )
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=QUESTION_MAX
    )
    answer_en = forms.CharField(
        label=_("Answer (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=QUESTION_MAX,
        required=False,
    )


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Private answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=QUESTION_MAX,
    )


class ClarificationDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (for the record)"), required=False, max_length=QUESTION_MAX
    )


class ClarificationAskForm(forms.Form):
    organization = forms.TypedChoiceField(coerce=int, label=_("On behalf of"))
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=QUESTION_MAX,
        help_text=_(
            "Only the secretariat reads it. If the answer helps everyone, it is published in "
            "the FAQ without your name or your organization's."
        ),
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.choices = [(o.pk, o.display_name) for o in organizations]  # type: ignore[attr-defined]
        if len(organizations) == 1:
            field.widget = forms.HiddenInput()
            self.initial["organization"] = organizations[0].pk


CLARIFICATION_STATUSES = CallClarification.Status
