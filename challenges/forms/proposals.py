"""Forms of proposals and consortia. They validate input only; the rules (who, when, which
transition, what is missing) are the services' (``challenges.services.proposals``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from members.models import Organization

from ..models import CallQuestion, Challenge, Proposal
from ..services.proposals import EDITABLE_FIELDS

REASON_MAX = 1000


def _label(name: str) -> Any:
    return capfirst(Proposal._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


class ProposalForm(forms.Form):
    """The draft: fixed fields, the call's questions (``q_<id>``, file questions excluded: they
    are uploaded separately) and the version the page was loaded at. Nothing is required here:
    a draft may be incomplete; the submission checklist says what is missing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_label("title"), max_length=200)
    challenge = forms.ModelChoiceField(
        label=_label("challenge"), queryset=Challenge.objects.none(), required=False
    )
    summary = forms.CharField(
        label=_label("summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    technical_approach = forms.CharField(
        label=_label("technical_approach"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )
    trl_start = forms.IntegerField(
        label=_label("trl_start"), min_value=1, max_value=9, required=False
    )
    trl_end = forms.IntegerField(label=_label("trl_end"), min_value=1, max_value=9, required=False)
    budget = money_form_field(label=_label("budget"), required=False)
    co_funding = money_form_field(label=_label("co_funding"), required=False)
    duration_months = forms.IntegerField(
        label=_label("duration_months"), min_value=1, max_value=60, required=False
    )
    team = forms.CharField(
        label=_label("team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(
        self,
        *args: Any,
        proposal: Proposal,
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        self.proposal = proposal
        if "initial" not in kwargs and not args:
            kwargs["initial"] = self._initial(proposal)
        super().__init__(*args, **kwargs)
        challenges = list(proposal.call.challenges.all())
        challenge_field = cast(forms.ModelChoiceField, self.fields["challenge"])
        challenge_field.queryset = Challenge.objects.filter(pk__in=[c.pk for c in challenges])
        challenge_field.choices = [("", "—")] + [(c.pk, c.title) for c in challenges]
        self.questions: list[CallQuestion] = []
        answers = {a.question_id: a.value for a in proposal.answers.all()}
        for question in proposal.call.questions.all():
            if question.kind == CallQuestion.Kind.FILE:
                continue
            self.questions.append(question)
            field = _question_field(question)
            name = f"q_{question.pk}"
            self.fields[name] = field
            if not self.is_bound:
                self.initial[name] = answers.get(question.pk, "")
        if disabled:
            for name, field in self.fields.items():
                if name != "version":
                    field.disabled = True

    @staticmethod
    def _initial(proposal: Proposal) -> dict[str, Any]:
        initial = {name: getattr(proposal, name) for name in EDITABLE_FIELDS}
        initial["challenge"] = proposal.challenge_id
        initial["version"] = proposal.version
        return initial

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


def _question_field(question: CallQuestion) -> forms.Field:
    kind = CallQuestion.Kind
    english = (translation.get_language() or "").startswith("en")
    options = [
        (str(o.get("value")), (english and o.get("label_en")) or o.get("label") or o.get("value"))
        for o in question.options
    ]
    common: dict[str, Any] = {
        "label": question.localized_label,
        "help_text": question.localized_help_text,
        "required": False,
    }
    if question.kind == kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, **common)
    if question.kind == kind.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if question.kind == kind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *options], **common)
    if question.kind == kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=1000, **common)


class LeadOrganizationForm(forms.Form):
    """Which of the person's organizations leads the new proposal."""

    organization = forms.TypedChoiceField(
        label=_("Lead organization"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organization"]).choices = [
            (o.pk, o.display_name) for o in organizations
        ]


class PartnerInviteForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Partner organization"), coerce=int)
    role = forms.CharField(
        label=_("Role in the consortium"),
        max_length=200,
        help_text=_("For example: laboratory validation, field pilot, data analysis."),
    )
    budget_share = money_form_field(label=_("Budget share"), required=False)
    message = forms.CharField(
        label=_("Message to the partner"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organization"]).choices = [("", "—")] + [
            (o.pk, o.display_name) for o in organizations
        ]


class PartnerConfirmForm(forms.Form):
    commitment_letter = forms.FileField(
        label=_("Commitment letter"),
        help_text=_("Signed by your organization's legal representative (PDF or Word)."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposalFileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    question = forms.TypedChoiceField(
        label=_("What it is"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, questions: list[CallQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["question"]).choices = [
            ("", _("Another attachment"))
        ] + [(q.pk, q.localized_label) for q in questions]
