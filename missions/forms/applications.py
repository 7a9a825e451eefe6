"""Forms of mission applications: the organization's application (motivation and delegates in
order) and the coordinator's scores. Rules live in ``missions.services.applications``; the
forms only shape the input."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organization, User

from ..models import Application, SelectionCriterion


def _person_label(user: User) -> str:
    return user.get_full_name() or str(user)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class ApplicationForm(forms.Form):
    """Motivation and up to ``max_delegates`` delegates, in order (``delegate_1``…), each
    with an optional role. The people offered are the organization's."""

    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Why your organization should go, and what it expects to bring back. Coordinators "
            "score it against the criteria shown above."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        max_delegates: int,
        application: Application | None = None,
        **kwargs: Any,
    ) -> None:
        if application is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"motivation": application.motivation}
            for delegate in application.delegates.all():
                initial[f"delegate_{delegate.position}"] = delegate.person_id
                initial[f"role_{delegate.position}"] = delegate.role
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.max_delegates = max_delegates
        people = User.objects.filter(
            organization_memberships__organization=organization, is_active=True
        ).order_by("full_name", "pk")
        for position in range(1, max_delegates + 1):
            self.fields[f"delegate_{position}"] = PersonChoiceField(
                queryset=people,
                required=position == 1,
                label=_("Delegate %(number)d") % {"number": position},
                empty_label=_("— nobody —"),
            )
            self.fields[f"role_{position}"] = forms.CharField(
                label=_("Role of delegate %(number)d in the delegation") % {"number": position},
                max_length=150,
                required=False,
            )

    def delegate_pairs(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"delegate_{n}"], self[f"role_{n}"]) for n in range(1, self.max_delegates + 1)
        ]

    def delegates(self) -> tuple[list[User], list[str]]:
        """The people chosen, in order (blanks skipped), and their roles."""
        people: list[User] = []
        roles: list[str] = []
        for position in range(1, self.max_delegates + 1):
            person = self.cleaned_data.get(f"delegate_{position}")
            if person is not None:
                people.append(person)
                roles.append(self.cleaned_data.get(f"role_{position}") or "")
        return people, roles


class ScoreForm(forms.Form):
    """One field per criterion (``criterion_<id>``, 0 to its maximum) and a note for each."""

    def __init__(
        self,
        *args: Any,
        criteria: Sequence[SelectionCriterion],
        scores: dict[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        scores = scores or {}
        kwargs.setdefault(
            "initial",
            {
                **{f"criterion_{c}": s.value for c, s in scores.items()},
                **{f"note_{c}": s.note for c, s in scores.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.DecimalField(
                label=_("%(criterion)s (weight %(weight)d %%, 0 to %(max)d)")
                % {
                    "criterion": criterion.name,
                    "weight": criterion.weight,
                    "max": criterion.max_score,
                },
                min_value=Decimal(0),
                max_value=Decimal(criterion.max_score),
                decimal_places=2,
                max_digits=5,
                required=False,
                help_text=criterion.description,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note on %(criterion)s") % {"criterion": criterion.name},
                max_length=500,
                required=False,
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"criterion_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}

    def notes(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"note_{c.pk}") or "" for c in self.criteria}


class StatusFilterForm(forms.Form):
    def __init__(self, *args: Any, choices: Sequence[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"), required=False, choices=[("", _("All")), *choices]
        )
