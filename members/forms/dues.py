"""The secretariat's form for an organization's membership dues (``services.dues``).

It shows how a money field is used in a form: ``money_form_field`` gives an amount input and a
PEN/USD select, and ``cleaned_data["amount"]`` is a ``Money``. The service validates again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field

from ..models import Organization


class DuesForm(forms.Form):
    amount = money_form_field(
        label=_("Annual dues"),
        min_amount=Decimal("0.01"),
        help_text=_("The yearly membership fee, in soles or US dollars."),
    )
    paid_until = forms.DateField(
        label=_("Paid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day covered by the dues paid so far."),
    )

    def __init__(self, *args: Any, organization: Organization | None = None, **kwargs: Any):
        if organization is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "amount": organization.annual_dues,
                "paid_until": organization.dues_paid_until,
            }
        super().__init__(*args, **kwargs)
        amount_widget, currency_widget = self.fields["amount"].widget.widgets  # type: ignore[attr-defined]
        amount_widget.attrs["class"] = "form-control"
        currency_widget.attrs["class"] = "form-select flex-grow-0 w-auto"
        # The template labels both inputs; the amount also points at the help text.
        amount_widget.attrs["aria-describedby"] = f"{self['amount'].auto_id}_helptext"
