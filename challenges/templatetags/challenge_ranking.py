"""``{{ value|score }}``: a ranking number as the coordinator reads it (2 decimals, half up,
a point for decimals as Peru writes numbers; an em dash for none)."""

from __future__ import annotations

from django import template

from ..scoring import display

register = template.Library()


@register.filter
def score(value: float | None, places: int = 2) -> str:
    rounded = display(value, int(places))
    return "—" if rounded is None else str(rounded)
