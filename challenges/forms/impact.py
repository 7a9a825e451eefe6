"""Forms of the impact ledger on the project page: a claim (or the edit of one), a correction
of a confirmed or verified entry, and the sponsor's rejection. The rules (money kinds need an
amount, counts a number, nothing frozen changes) are ``challenges.services.impact``'s."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from members.models import Organization

from ..models import ImpactEntry
from ..services.impact import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH
from .portfolio import date_field, evidence_files_field


def _label(name: str) -> Any:
    return capfirst(ImpactEntry._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


class ImpactEntryForm(forms.Form):
    """What happened: a kind, a description, a date, a value (an amount for contracts, sales
    and investment; a count for pilots, jobs and patents), the counterpart and evidence files.
    ``entry`` (an edit or a correction) fills the fields with its values."""

    kind = forms.ChoiceField(label=_("What happened"), choices=ImpactEntry.Kind.choices)
    description = forms.CharField(
        label=_label("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = date_field(_label("occurred_on"))
    amount = money_form_field(
        label=_("Amount"),
        required=False,
        help_text=_("For contracts, sales and follow-on investment."),
    )
    count = forms.IntegerField(
        label=_("Number"),
        required=False,
        min_value=0,
        help_text=_("For pilots, jobs and patents."),
    )
    counterpart = forms.TypedChoiceField(
        label=_label("counterpart"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The organization the contract, sale or investment came from."),
    )
    # A field, not the form's ``files`` (the metaclass moves fields to ``base_fields``).
    files = evidence_files_field()  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        organizations: Iterable[Organization] = (),
        entry: ImpactEntry | None = None,
        **kwargs: Any,
    ) -> None:
        if entry is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": entry.kind,
                "description": entry.description,
                "occurred_on": entry.occurred_on,
                "amount": entry.amount,
                "count": entry.count,
                "counterpart": entry.counterpart_id,
            }
        super().__init__(*args, **kwargs)
        self.organizations = {o.pk: o for o in organizations}
        if entry is not None and entry.counterpart is not None:
            self.organizations.setdefault(entry.counterpart.pk, entry.counterpart)
        cast(forms.ChoiceField, self.fields["counterpart"]).choices = [("", "—")] + [
            (o.pk, o.display_name) for o in self.organizations.values()
        ]

    def values(self) -> dict[str, Any]:
        """The service's ``data`` (``challenges.services.impact.VALUE_FIELDS``)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "description": data["description"],
            "occurred_on": data["occurred_on"],
            "amount": data.get("amount"),
            "count": data.get("count"),
            "counterpart": self.organizations.get(data["counterpart"])
            if data.get("counterpart")
            else None,
        }

    def evidence(self) -> list[Any]:
        return list(self.cleaned_data.get("files") or [])


class ImpactCorrectionForm(ImpactEntryForm):
    """A correction: the corrected values (zero allowed: the contract fell through) and why."""

    reason = forms.CharField(
        label=_("Why it is corrected"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
