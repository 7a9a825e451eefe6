"""Forms of the coordinator's assignment page: the call's evaluation settings and a manual
assignment (with the override reason a flagged pair needs)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Call, Evaluator, Proposal


class EvaluationSettingsForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = ("reviews_per_proposal", "require_sector_mix", "blind_review", "reviews_visible")


class AssignmentForm(forms.Form):
    proposal = forms.ModelChoiceField(queryset=Proposal.objects.none(), label=_("Proposal"))
    evaluator = forms.ModelChoiceField(queryset=Evaluator.objects.none(), label=_("Evaluator"))
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Lima time. Empty: when the call's evaluation ends."),
    )
    override_reason = forms.CharField(
        label=_("Reason to assign despite the detected conflict"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the portal flags a conflict: it is kept and audited."),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposal_field = cast(forms.ModelChoiceField, self.fields["proposal"])
        proposal_field.queryset = Proposal.objects.filter(
            call=call, status=Proposal.Status.SUBMITTED
        )
        evaluator_field = cast(forms.ModelChoiceField, self.fields["evaluator"])
        evaluator_field.queryset = Evaluator.objects.filter(is_active=True).select_related("user")
