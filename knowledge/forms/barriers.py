"""Forms of the regulatory barrier register: the public list's filters, endorsing and
withdrawing an endorsement, and the editors' forms (a barrier, a lifecycle step, the links,
evidence files). Forms validate input only; the rules are ``knowledge.services.barriers``
(whose errors the views hand back to the form)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms.portfolio import evidence_files_field
from cluster_portal.core.money import money_form_field
from members.models import Capability, Organization

from ..models import BarrierStatusChange, RegulatoryBarrier
from ..selectors.barriers import stage_choices
from ..services.barriers import BARRIER_FIELDS, CASE_NUMBER_TRANSITIONS, NOTE_REQUIRED
from ..workflows import BARRIER


def _label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- The public list ---------------------------------------------------------------------------


class BarrierFilterForm(forms.Form):
    """The list's filters; a value that is not valid is left out (never an error page)."""

    q = forms.CharField(label=_("Code, barrier or rule"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    authority = forms.ChoiceField(label=_("Authority"), required=False)
    stage = StageChoiceField(
        label=_("Value-chain stage"),
        required=False,
        queryset=Capability.objects.none(),
        to_field_name="slug",
        empty_label=_("Any stage"),
    )
    endorsed = forms.BooleanField(label=_("Endorsed by my organization"), required=False)

    def __init__(
        self,
        *args: Any,
        authorities: Iterable[str] = (),
        with_endorsed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *BARRIER.choices()]  # type: ignore[attr-defined]
        self.fields["authority"].choices = [  # type: ignore[attr-defined]
            ("", _("Any authority")),
            *((a, a) for a in authorities),
        ]
        self.fields["stage"].queryset = stage_choices()  # type: ignore[attr-defined]
        if not with_endorsed:
            del self.fields["endorsed"]

    def filters(self) -> dict[str, Any]:
        """The valid filters, for ``selectors.barriers.barrier_list``."""
        self.is_valid()
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", None) or {}
        return {k: v for k, v in cleaned.items() if v not in (None, "", False)}


# --- Endorsing ---------------------------------------------------------------------------------


class OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class EndorseForm(forms.Form):
    """Endorse for one of the person's organizations (the choice is hidden when there is
    one), with an optional statement."""

    organization = OrganizationField(
        label=_("On behalf of"), queryset=Organization.objects.none(), empty_label=None
    )
    statement = forms.CharField(
        label=_("Statement (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this barrier matters to your organization. Shown on the barrier's page."),
    )

    def __init__(self, *args: Any, organizations: Iterable[Organization] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organizations]
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=ids).order_by("legal_name")  # type: ignore[attr-defined]
        if len(ids) == 1:
            field.widget = forms.HiddenInput()
            field.initial = ids[0]


class UnendorseForm(forms.Form):
    organization = OrganizationField(queryset=Organization.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, organizations: Iterable[Organization] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organizations]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


# --- Editors -----------------------------------------------------------------------------------


class BarrierForm(forms.ModelForm):
    """A barrier's fields (``services.barriers.BARRIER_FIELDS``); evidence files on creation."""

    estimated_cost = money_form_field(
        label=_label(RegulatoryBarrier, "estimated_cost"),
        required=False,
        min_amount=Decimal("0.01"),
    )

    class Meta:
        model = RegulatoryBarrier
        fields: tuple[str, ...] = BARRIER_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "manifestation": forms.Textarea(attrs={"rows": 3}),
            "improvement_proposal": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["value_chain_stage"]
        stage.queryset = stage_choices()  # type: ignore[attr-defined]
        stage.label_from_instance = lambda obj: str(obj.name)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The model is validated by the service (its errors come back to this form)."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BarrierCreateForm(BarrierForm):
    files = evidence_files_field()  # type: ignore[assignment]


class TransitionForm(forms.Form):
    """One lifecycle step: a note (required to drop or resolve: the service says so), and the
    case or resolution number with the dialogue and the resolution."""

    note = forms.CharField(
        label=_label(BarrierStatusChange, "note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    case_number = forms.CharField(
        label=_label(RegulatoryBarrier, "case_number"),
        required=False,
        max_length=100,
        help_text=RegulatoryBarrier._meta.get_field("case_number").help_text,
    )

    def __init__(self, *args: Any, transition: str, barrier: RegulatoryBarrier, **kwargs: Any):
        kwargs.setdefault("prefix", transition)
        super().__init__(*args, **kwargs)
        if transition in NOTE_REQUIRED:
            self.fields["note"].required = True
            self.fields["note"].help_text = _("Required: it stays in the barrier's history.")
        if transition in CASE_NUMBER_TRANSITIONS:
            self.fields["case_number"].initial = barrier.case_number
        else:
            del self.fields["case_number"]

    def case_number_value(self) -> str | None:
        return self.cleaned_data.get("case_number") if "case_number" in self.fields else None


class IdsField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, label_of: Any = str, **kwargs: Any) -> None:
        self._label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(self._label_of(obj))


class LinksForm(forms.Form):
    """The challenges the barrier blocks and the projects it affects, among those the editor
    may see (querysets from the view)."""

    challenges = IdsField(
        label=_label(RegulatoryBarrier, "challenges"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label_of=lambda c: f"{c.reference or c.pk} · {c.display_title}",
    )
    projects = IdsField(
        label=_label(RegulatoryBarrier, "projects"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label_of=lambda p: f"{p.code} · {p.title}",
    )

    def __init__(self, *args: Any, challenges: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = challenges  # type: ignore[attr-defined]
        self.fields["projects"].queryset = projects  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    files = evidence_files_field()  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].required = True
