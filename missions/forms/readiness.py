"""Forms of delegate readiness: one checklist item's status and dates. They validate input only;
the passport rule and the refusal of document numbers are the service's
(``missions.services.readiness``), shown on the form when it refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms.portfolio import date_field

from ..models import ReadinessItem

#: Said on every checklist form (Ley 29733, Peru's personal data protection law).
PERSONAL_DATA_NOTICE = _(
    "Do not write passport numbers here: the portal keeps only the status and dates (Ley 29733)."
)


class ReadinessItemForm(forms.Form):
    """An item's status, the date it was done, until when it is valid and a short note."""

    status = forms.ChoiceField(label=_("Status"), choices=ReadinessItem.Status.choices)
    done_on = date_field(_("Done on"), required=False)
    valid_until = date_field(
        _("Valid until"),
        required=False,
        help_text=_("For the passport, its expiry date; for a visa or insurance, its end."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ReadinessItem._meta.get_field("note").max_length,  # type: ignore[union-attr]
        help_text=PERSONAL_DATA_NOTICE,
    )

    def __init__(self, *args: Any, item: ReadinessItem | None = None, **kwargs: Any) -> None:
        if item is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "status": item.status,
                "done_on": item.done_on,
                "valid_until": item.valid_until,
                "note": item.note,
            }
        super().__init__(*args, **kwargs)
        if item is not None and item.kind == ReadinessItem.Kind.PASSPORT:
            self.fields["valid_until"].label = _("Passport valid until")
            self.fields["valid_until"].help_text = _(
                "Its expiry date: it must be at least six months after the return."
            )
