"""Forms of the evaluation: the evaluator pool (coordinators), the evaluator's declaration and
review, and the coordinator's redacted texts for blind review. Rules are the services'
(``challenges.services.evaluation``); these forms only read and shape the input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms.organizations import CapabilityChoiceField
from members.models import Capability, User

from ..models import Assignment, CallCriterion, Evaluator, Review
from ..services.evaluation import ScoreInput

#: The languages of ``services.evaluation.LANGUAGES`` with their labels.
LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class EvaluatorProfileForm(forms.Form):
    expertise = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Expertise"),
        help_text=_("Value-chain stages and service areas this person can judge."),
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=_("Reviews in"),
        initial=["es"],
    )
    sector = forms.ChoiceField(choices=Evaluator.Sector.choices, label=_("Sector"))
    max_load = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=8,
        label=_("Most proposals per call"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = Capability.objects.filter(  # type: ignore[attr-defined]
            is_active=True,
            dimension__in=[Capability.Dimension.VALUE_CHAIN, Capability.Dimension.SERVICE_AREA],
        ).order_by("dimension", "position", "slug")

    @classmethod
    def initial_for(cls, evaluator: Evaluator) -> dict[str, Any]:
        return {
            "expertise": list(evaluator.expertise.all()),
            "languages": list(evaluator.languages),
            "sector": evaluator.sector,
            "max_load": evaluator.max_load,
        }


class EvaluatorAddForm(EvaluatorProfileForm):
    """A person who already has an account, found by their email."""

    email = forms.EmailField(
        label=_("Email of the person"),
        help_text=_("The person must already have an account in the portal."),
    )
    field_order = ["email"]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody has an account with this email: invite the expert instead.")
            )
        return user


class EvaluatorInviteForm(EvaluatorProfileForm):
    """An outside expert without an account."""

    full_name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES, label=_("Language of the invitation"), initial="es"
    )
    field_order = ["full_name", "email", "language"]


class DeclarationForm(forms.Form):
    """No conflict of interest, or a conflict of a given type with a note."""

    NO_CONFLICT = "none"
    CONFLICT = "conflict"

    declaration = forms.ChoiceField(
        choices=[
            (NO_CONFLICT, _("I have no conflict of interest with this proposal")),
            (CONFLICT, _("I have a conflict of interest with this proposal")),
        ],
        widget=forms.RadioSelect,
        label=_("Your declaration"),
    )
    conflict_type = forms.ChoiceField(
        choices=[("", "—"), *Assignment.ConflictType.choices],
        required=False,
        label=_("Kind of conflict"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=_("About the conflict (optional)"),
        help_text=_("Only the evaluation coordinator reads it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("declaration") == self.CONFLICT and not data.get("conflict_type"):
            self.add_error("conflict_type", _("Choose the kind of conflict."))
        return data


class ReviewForm(forms.Form):
    """One score (or "not applicable") and comment per criterion of the call, the confidence
    and an overall comment. Field names: ``score_<criterion id>``, ``na_<id>``,
    ``comment_<id>``."""

    confidence = forms.TypedChoiceField(
        choices=[("", "—"), *Review.Confidence.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Your confidence in this review"),
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        label=_("Overall comment"),
        help_text=_("Strengths, weaknesses and what would make the proposal better."),
    )

    def __init__(
        self, *args: Any, criteria: list[CallCriterion], review: Review | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        saved = {s.criterion_id: s for s in review.scores.all()} if review else {}
        if review is not None and not self.is_bound:
            self.initial.update(confidence=review.confidence, comment=review.comment)
        for criterion in criteria:
            score = saved.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                required=False,
                max_digits=5,
                decimal_places=2,
                label=criterion.localized_name,
                widget=forms.NumberInput(
                    attrs={
                        "min": criterion.scale_min,
                        "max": criterion.scale_max,
                        "step": "any",
                        "data-weight": criterion.weight,
                        "data-min": criterion.scale_min,
                        "data-max": criterion.scale_max,
                        "data-review-score": criterion.pk,
                    }
                ),
            )
            self.fields[f"na_{criterion.pk}"] = forms.BooleanField(
                required=False,
                label=_("Not applicable"),
                widget=forms.CheckboxInput(attrs={"data-review-na": criterion.pk}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                required=False,
                max_length=5000,
                label=_("Comment on %(criterion)s") % {"criterion": criterion.localized_name},
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if score is not None and not self.is_bound:
                self.initial[f"score_{criterion.pk}"] = score.score
                self.initial[f"na_{criterion.pk}"] = score.not_applicable
                self.initial[f"comment_{criterion.pk}"] = score.comment

    def rows(self) -> list[tuple[CallCriterion, Any, Any, Any]]:
        """(criterion, score field, not-applicable field, comment field) for the template."""
        return [
            (c, self[f"score_{c.pk}"], self[f"na_{c.pk}"], self[f"comment_{c.pk}"])
            for c in self.criteria
        ]

    def scores(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        result: dict[int, ScoreInput] = {}
        for criterion in self.criteria:
            score: Decimal | None = data.get(f"score_{criterion.pk}")
            result[criterion.pk] = ScoreInput(
                score=score,
                not_applicable=bool(data.get(f"na_{criterion.pk}")),
                comment=data.get(f"comment_{criterion.pk}", ""),
            )
        return result


class RedactForm(forms.Form):
    """One text area per redactable field of a proposal (empty: no redacted version)."""

    def __init__(
        self, *args: Any, fields: list[tuple[str, str, str]], current: dict[str, str], **kwargs: Any
    ) -> None:
        """``fields``: (field name, label, original text)."""
        super().__init__(*args, **kwargs)
        self.originals = {name: original for name, _label, original in fields}
        for name, label, _original in fields:
            self.fields[name] = forms.CharField(
                required=False,
                label=label,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3 if name == "title" else 5}),
                initial=current.get(name, ""),
            )

    def rows(self) -> list[tuple[Any, str]]:
        return [(self[name], self.originals[name]) for name in self.fields]
