"""``{% load money %}`` then ``{{ organization.annual_dues|money|default:"—" }}``: an amount the
way Peru writes it (``S/ 1,234.56``, ``US$ 1,234.56``); see :mod:`cluster_portal.core.money`."""

from __future__ import annotations

from django import template
from djmoney.money import Money

from ..money import format_money

register = template.Library()


@register.filter(name="money")
def money(value: Money | None) -> str:
    """Format a ``Money`` in the active language; anything else (``None``, "") gives ""."""
    if not isinstance(value, Money):
        return ""
    return format_money(value)
