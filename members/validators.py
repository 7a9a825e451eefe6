"""Validators for Peruvian identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
RUC_PREFIXES = ("10", "15", "16", "17", "20")

#: Eleven ASCII digits. ``str.isdigit``, ``int()`` and ``\d`` also accept Arabic-Indic,
#: full-width, mathematical and superscript digits: never use them on a RUC.
#: The same pattern is the database constraint on ``Organization.ruc``: ``\A``/``\Z`` (not
#: ``^``/``$``, which let a trailing newline through in Python's ``re``, SQLite's REGEXP) mean
#: the same on PostgreSQL.
RUC_PATTERN = r"\A[0-9]{11}\Z"
_RUC_SHAPE = re.compile(r"[0-9]{11}")


#: Shown when a RUC is typed with digits of another script.
RUC_ASCII_DIGITS = _("Type the RUC with the digits 0 to 9 only.")


def is_ruc_shaped(value: object) -> bool:
    """True when ``value`` is exactly eleven ASCII digits (0-9), nothing else."""
    return isinstance(value, str) and _RUC_SHAPE.fullmatch(value) is not None


def compact_ruc(value: str) -> str:
    """``value`` without the spaces, dashes and dots people type inside a RUC."""
    return "".join(ch for ch in (value or "") if ch not in " -.")


def ruc_check_digit(first_ten: str) -> int:
    """SUNAT's modulo-11 check digit for the first ten digits of a RUC."""
    total = sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True))
    digit = 11 - (total % 11)
    return {10: 0, 11: 1}.get(digit, digit)


def validate_ruc(value: str) -> None:
    """A RUC has 11 ASCII digits, a known prefix and a valid SUNAT check digit."""
    if not is_ruc_shaped(value):
        if isinstance(value, str) and value.isdigit() and not value.isascii():
            raise ValidationError(RUC_ASCII_DIGITS, code="ruc_digits")
        raise ValidationError(_("A RUC has exactly 11 digits."), code="ruc_format")
    if value[:2] not in RUC_PREFIXES:
        raise ValidationError(_("A RUC starts with 10, 15, 16, 17 or 20."), code="ruc_prefix")
    if ruc_check_digit(value[:10]) != int(value[10]):
        raise ValidationError(
            _("This RUC is not valid: its check digit does not match (SUNAT)."), code="ruc_check"
        )
