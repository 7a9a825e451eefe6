"""Forms of decisions. They validate input only; who may decide, when, and whether the batch
may be published are the services' (``challenges.services.decisions``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Decision
from ..services.decisions import FEEDBACK_MAX_LENGTH, RATIONALE_MAX_LENGTH


class DecisionForm(forms.Form):
    """One proposal's decision (one form per row, prefixed ``p<proposal id>``)."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    feedback = forms.CharField(
        label=_("Feedback to the applicant"),
        help_text=_(
            "Drafted from the evaluators' comments (never their names). Edit it before "
            "publishing: the lead and the partners read it as written."
        ),
        required=False,
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PublishForm(forms.Form):
    rationale = forms.CharField(
        label=_("Rationale"),
        help_text=_(
            "Why these decisions: it is kept with the ranking as it stands now and cannot change "
            "after publishing."
        ),
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
