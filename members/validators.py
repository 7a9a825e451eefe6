"""Validators for Peruvian identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
RUC_PREFIXES = ("10", "15", "16", "17", "20")


def ruc_check_digit(first_ten: str) -> int:
    """SUNAT's modulo-11 check digit for the first ten digits of a RUC."""
    total = sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True))
    digit = 11 - (total % 11)
    return {10: 0, 11: 1}.get(digit, digit)


def validate_ruc(value: str) -> None:
    """A RUC has 11 digits, a known prefix and a valid SUNAT check digit."""
    if not (isinstance(value, str) and len(value) == 11 and value.isdigit()):
        raise ValidationError(_("A RUC has exactly 11 digits."), code="ruc_format")
    if value[:2] not in RUC_PREFIXES:
        raise ValidationError(_("A RUC starts with 10, 15, 16, 17 or 20."), code="ruc_prefix")
    if ruc_check_digit(value[:10]) != int(value[10]):
        raise ValidationError(
            _("This RUC is not valid: its check digit does not match (SUNAT)."), code="ruc_check"
        )
