"""Money: an exact amount with a currency (soles or US dollars), for models, forms, the API and
display. Built on django-money (``djmoney.money.Money``: a ``Decimal`` amount and a currency);
this module only fixes the project's choices so every app uses money the same way.

* Models: ``price = money_field(_("price"))`` — 14 digits, 2 decimals, PEN by default, PEN/USD
  only. It adds a ``price_currency`` column beside ``price`` (django-money's design).
  ``money_field(_("dues"), null=True)`` for an optional amount.
* Forms: ``amount = money_form_field(label=_("Amount"), min_amount=Decimal("0.01"))`` — an
  amount input and a currency select; ``cleaned_data["amount"]`` is a ``Money``.
* API: ``amount = MoneySerializer()`` — ``{"amount": "1234.56", "currency": "PEN"}``, the amount
  a string (JSON numbers are floats to most clients, and money is never a float); a JSON number
  with decimals is refused.
* Display: ``format_money(money)`` or ``{{ value|money }}`` (``{% load money %}``) —
  ``S/ 1,234.56`` and ``US$ 1,234.56``, the way Peru writes amounts in both languages (comma for
  thousands, point for decimals: CLDR's ``es_PE``, not ``es``'s ``1.234,56``). CLDR's own es_PE
  currency pattern writes ``USD 1,234.56``; Peruvian invoices, banks and the press write
  ``US$``, so the symbols are ours and only the digits come from babel.
  Rounding for display is half up (commercial rounding, as SUNAT does), never banker's rounding.

Floats are refused everywhere (:func:`to_money`): ``0.1 + 0.2`` is not money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from djmoney.forms import MoneyField as MoneyFormField
from djmoney.models.fields import MoneyField
from djmoney.money import Money
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .peru import Currency

__all__ = [
    "AMOUNT_DECIMAL_PLACES",
    "AMOUNT_MAX_DIGITS",
    "CURRENCY_SYMBOLS",
    "DEFAULT_CURRENCY",
    "Currency",
    "Money",
    "MoneySerializer",
    "format_money",
    "money_field",
    "money_form_field",
    "round_money",
    "to_money",
    "validate_currency",
]

#: Up to 999,999,999,999.99 — enough for any project budget of the cluster.
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2
CENT = Decimal("0.01")

DEFAULT_CURRENCY: str = settings.DEFAULT_CURRENCY
#: How Peru writes each currency before the amount.
CURRENCY_SYMBOLS: dict[str, str] = {Currency.PEN.value: "S/", Currency.USD.value: "US$"}
#: The CLDR locale whose digits (grouping, decimal point) each interface language uses.
NUMBER_LOCALES = {"es": "es_PE", "en": "en"}

CURRENCY_NOT_ALLOWED = _("Only soles (PEN) and US dollars (USD) are accepted.")
AMOUNT_AS_STRING = _('Send the amount as a string, for example "1234.56".')


def _currency_code(value: Any) -> str:
    return str(getattr(value, "code", value) or "")


def validate_currency(value: Any) -> None:
    """A ``Money`` (or a currency code) in one of the portal's currencies."""
    code = _currency_code(getattr(value, "currency", value))
    if code not in Currency.values:
        raise ValidationError(CURRENCY_NOT_ALLOWED, code="currency")


@deconstructible
class MoneyCurrencyValidator:
    """Model-field validator form of :func:`validate_currency` (deconstructible for migrations)."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, Money):
            validate_currency(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MoneyCurrencyValidator)

    def __hash__(self) -> int:
        return hash(type(self))


def to_money(amount: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Money:
    """An exact ``Money`` from a ``Decimal``, an ``int`` or a decimal string; floats are refused.

    Raises ``ValidationError`` for an amount that is not a finite number or a currency the
    portal does not use. The amount is kept as given (no rounding: see :func:`round_money`).
    """
    if isinstance(amount, float | bool):
        raise TypeError("Money amounts must be Decimal, int or str, never float.")
    try:
        value = Decimal(str(amount).strip()) if isinstance(amount, str) else Decimal(amount)
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    validate_currency(currency)
    return Money(value, _currency_code(currency))


def round_money(money: Money) -> Money:
    """``money`` rounded to cents, half up (2.345 → 2.35), as invoices and SUNAT round."""
    amount = Decimal(money.amount).quantize(CENT, rounding=ROUND_HALF_UP)
    return Money(amount, money.currency)


def format_money(money: Money | None, language: str | None = None) -> str:
    """``S/ 1,234.56`` / ``US$ 1,234.56`` / ``-S/ 5.00`` (rounded half up to cents).

    ``language`` is an interface language (``es``, ``en``; default: the active one). The space
    after the symbol is a no-break space, so the symbol never ends a line alone. ``None`` gives
    an empty string (templates add ``|default:"—"``).
    """
    if money is None:
        return ""
    rounded = round_money(money)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    locale = NUMBER_LOCALES.get(language, NUMBER_LOCALES["es"])
    digits = format_decimal(abs(rounded.amount), format="#,##0.00", locale=locale)
    code = rounded.currency.code
    symbol = CURRENCY_SYMBOLS.get(code, code)
    sign = "-" if rounded.amount < 0 else ""
    return f"{sign}{symbol}\xa0{digits}"


# --- Models and forms --------------------------------------------------------------------------


def money_field(verbose_name: Any, *, null: bool = False, **kwargs: Any) -> MoneyField:
    """A model field for an amount in soles or dollars (PEN by default).

    ``null=True`` makes it optional (both the amount and its currency column may be NULL; the
    field is then also ``blank``). Other keyword arguments go to django-money's ``MoneyField``.
    """
    kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
    kwargs.setdefault("decimal_places", AMOUNT_DECIMAL_PLACES)
    kwargs.setdefault("default_currency", DEFAULT_CURRENCY)
    kwargs.setdefault("currency_choices", Currency.choices)
    kwargs["validators"] = [MoneyCurrencyValidator(), *kwargs.get("validators", [])]
    if null:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", None)
    return MoneyField(verbose_name, null=null, **kwargs)


def money_form_field(
    *, min_amount: Decimal | None = None, max_amount: Decimal | None = None, **kwargs: Any
) -> MoneyFormField:
    """A form field: an amount (2 decimals at most) and a currency (soles preselected).

    Example::

        class PaymentForm(forms.Form):
            amount = money_form_field(label=_("Amount"), min_amount=Decimal("0.01"))

    ``cleaned_data["amount"]`` is a ``Money``; a currency other than PEN/USD is refused.
    """
    field = MoneyFormField(
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        currency_choices=Currency.choices,
        default_currency=DEFAULT_CURRENCY,
        min_value=min_amount,
        max_value=max_amount,
        **kwargs,
    )
    amount_widget = field.widget.widgets[0]
    amount_widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
    if label := kwargs.get("label"):
        # A MultiWidget's <label> points at no input (Django gives it no id), so each input
        # carries its accessible name itself: "Budget" and "Budget (Currency)".
        amount_widget.attrs["aria-label"] = label
        field.widget.widgets[1].attrs["aria-label"] = format_lazy("{} ({})", label, _("Currency"))
    if min_amount is not None:
        amount_widget.attrs["min"] = str(min_amount)
    return field


# --- API ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Money")
class MoneySerializer(serializers.Serializer):
    """``{"amount": "1234.56", "currency": "PEN"}`` ↔ ``Money``.

    The amount is a decimal string with at most two decimals; a JSON number with a fraction is
    refused (it went through a float on the client). Use it as a field::

        dues = MoneySerializer(source="annual_dues", allow_null=True)
    """

    amount = serializers.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        coerce_to_string=True,
        help_text=_('A decimal string with up to two decimals, e.g. "1234.56". Never a float.'),
    )
    currency = serializers.ChoiceField(choices=Currency.choices)

    def to_representation(self, instance: Money) -> dict[str, str]:
        rounded = round_money(instance)
        return {"amount": f"{rounded.amount:.2f}", "currency": rounded.currency.code}

    def to_internal_value(self, data: Any) -> Money:
        if isinstance(data, dict) and isinstance(data.get("amount"), float):
            raise serializers.ValidationError({"amount": [str(AMOUNT_AS_STRING)]}, code="invalid")
        validated = super().to_internal_value(data)
        return Money(validated["amount"], validated["currency"])
