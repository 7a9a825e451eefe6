"""Money (cluster_portal.core.money): display in Peruvian formats, rounding, currencies, forms and
the API shape. No database needed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation
from djmoney.money import Money

from cluster_portal.core.money import (
    CURRENCY_SYMBOLS,
    Currency,
    MoneySerializer,
    format_money,
    money_form_field,
    round_money,
    to_money,
    validate_currency,
)

NBSP = "\xa0"


def test_settings_currencies_are_the_choices() -> None:
    assert tuple(settings.CURRENCIES) == tuple(Currency.values) == ("PEN", "USD")
    assert settings.DEFAULT_CURRENCY == "PEN"
    assert set(CURRENCY_SYMBOLS) == set(Currency.values)


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1234.56", "PEN", "S/ 1,234.56"),
        ("1234.56", "USD", "US$ 1,234.56"),
        ("0", "PEN", "S/ 0.00"),
        ("5", "USD", "US$ 5.00"),
        ("1234567.5", "PEN", "S/ 1,234,567.50"),
        ("-1234.5", "PEN", "-S/ 1,234.50"),
    ],
)
def test_format_money_the_way_peru_writes_it(
    language: str, amount: str, currency: str, expected: str
) -> None:
    # Peru writes amounts with a comma for thousands and a point for decimals in Spanish too
    # (CLDR es_PE), never "1.234,56" (generic es) and never "USD 1,234.56" (CLDR's es_PE USD).
    assert format_money(Money(amount, currency), language) == expected.replace(" ", NBSP)


def test_babel_es_pe_digits_are_what_we_rely_on() -> None:
    from babel.numbers import format_currency

    assert format_currency(Decimal("1234.56"), "PEN", locale="es_PE") == f"S/{NBSP}1,234.56"
    # ...and why the symbols are ours: CLDR writes dollars "USD" in Peru, people write "US$".
    assert format_currency(Decimal("1234.56"), "USD", locale="es_PE") == f"USD{NBSP}1,234.56"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2.345", "2.35"),  # half up, not banker's (half even would give 2.34)
        ("2.335", "2.34"),
        ("2.344", "2.34"),
        ("-2.345", "-2.35"),
        ("0.005", "0.01"),
    ],
)
def test_rounding_is_half_up_to_cents(amount: str, expected: str) -> None:
    assert round_money(Money(amount, "PEN")).amount == Decimal(expected)


def test_format_money_uses_the_active_language_and_none_is_empty() -> None:
    with translation.override("en"):
        assert format_money(Money("10", "USD")) == f"US${NBSP}10.00"
    assert format_money(None) == ""


def test_template_filter() -> None:
    template = Template('{% load money %}{{ dues|money }}|{{ nothing|money|default:"—" }}')
    with translation.override("es"):
        rendered = template.render(Context({"dues": Money("2500", "PEN"), "nothing": None}))
    assert rendered == f"S/{NBSP}2,500.00|—"


def test_to_money_is_exact_and_refuses_floats() -> None:
    assert to_money("0.10") + to_money("0.20") == Money("0.30", "PEN")
    assert to_money(3, "USD") == Money(3, "USD")
    with pytest.raises(TypeError):
        to_money(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        to_money("abc")
    with pytest.raises(ValidationError):
        to_money("NaN")


@pytest.mark.parametrize("currency", ["EUR", "XXX", "", "pen"])
def test_bad_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_currency(currency)
    assert excinfo.value.code == "currency"
    with pytest.raises(ValidationError):
        to_money("10", currency)


class DuesForm(forms.Form):
    amount = money_form_field(label="Amount", min_amount=Decimal("0.01"))


def test_form_field_gives_money_pen_preselected() -> None:
    form = DuesForm(data={"amount_0": "1500.50", "amount_1": "USD"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Money("1500.50", "USD")
    assert 'value="PEN" selected' in str(DuesForm()["amount"])


@pytest.mark.parametrize(
    "data",
    [
        {"amount_0": "10", "amount_1": "EUR"},  # not our currency
        {"amount_0": "10.001", "amount_1": "PEN"},  # more than cents
        {"amount_0": "0", "amount_1": "PEN"},  # below the minimum
        {"amount_0": "diez", "amount_1": "PEN"},
        {"amount_0": "", "amount_1": "PEN"},  # required
    ],
)
def test_form_field_refuses_bad_input(data: dict[str, str]) -> None:
    form = DuesForm(data=data)
    assert not form.is_valid()
    assert "amount" in form.errors


def test_serializer_shape_is_a_string_amount_and_a_code() -> None:
    assert MoneySerializer(Money("1234.5", "PEN")).data == {"amount": "1234.50", "currency": "PEN"}
    assert MoneySerializer(Money("0.125", "USD")).data == {"amount": "0.13", "currency": "USD"}


def test_serializer_reads_money() -> None:
    serializer = MoneySerializer(data={"amount": "1234.56", "currency": "USD"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == Money("1234.56", "USD")
    # A whole JSON number is exact, so it is accepted.
    serializer = MoneySerializer(data={"amount": 100, "currency": "PEN"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == Money("100", "PEN")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": 12.5, "currency": "PEN"}, "amount"),  # a float: refused
        ({"amount": "12.345", "currency": "PEN"}, "amount"),
        ({"amount": "12", "currency": "EUR"}, "currency"),
        ({"amount": "12"}, "currency"),
        ({"currency": "PEN"}, "amount"),
    ],
)
def test_serializer_refuses_bad_input(data: dict[str, object], field: str) -> None:
    serializer = MoneySerializer(data=data)
    assert not serializer.is_valid()
    assert field in serializer.errors
