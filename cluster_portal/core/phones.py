"""Telephone numbers: one normalizer for every form and service that stores one.

Numbers are kept in E.164 form (``+51987654321``) so they can be dialled from anywhere and
compared. The check is deliberately simple (the ``phonenumbers`` library is not a dependency):
ASCII digits only (other scripts' digits are refused, as for the RUC), at most 15 digits
(E.164's limit), at least 8. Peruvian numbers may be typed without the country code: a
9-digit mobile number (``987 654 321``) or a landline with its area code (``(01) 611-2222``,
``054 20 1234``) gets ``+51``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PERU_COUNTRY_CODE = "51"
#: What people type between the digits: spaces, dots, hyphens, parentheses, a slash.
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]{7,14}")  # E.164: country code + number, ≤ 15 digits
_PERU_MOBILE = re.compile(r"9[0-9]{8}")  # 9 digits starting with 9
_PERU_LANDLINE = re.compile(r"0[1-8][0-9]{6,7}")  # trunk 0 + area code + subscriber number

INVALID_PHONE_MESSAGE = _(
    "Enter a phone number with its country code, such as +51 987 654 321, or a Peruvian "
    "number such as 987 654 321 or (01) 611 2222."
)


def normalize_phone(value: str) -> str:
    """The number in E.164 form, or "" for an empty value.

    Raises ``ValidationError`` (code ``invalid_phone``) for anything else.
    """
    text = (value or "").strip()
    if not text:
        return ""
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("00"):  # international prefix dialled from Peru
        compact = "+" + compact[2:]
    if _INTERNATIONAL.fullmatch(compact):
        return compact
    if _PERU_MOBILE.fullmatch(compact):
        return f"+{PERU_COUNTRY_CODE}{compact}"
    if _PERU_LANDLINE.fullmatch(compact):
        return f"+{PERU_COUNTRY_CODE}{compact[1:]}"
    raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")


def validate_phone(value: str) -> None:
    """Model-field validator: the stored value must already be in E.164 form."""
    if value and not _INTERNATIONAL.fullmatch(value):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
