"""Reference numbers people quote on the phone and in letters: ``CMSP-MEM-2026-0042``.

Numbers are gapless per prefix and per year (1, 2, 3… from January 1st in Lima): they are taken
from a django-sequences counter row inside the caller's transaction, so the row stays locked
until that transaction ends — a second request waits — and a transaction that rolls back gives
its number back. That is why :func:`next_reference` refuses to run outside a transaction: with
autocommit, a failure after taking the number would leave a hole.

Use it in the service that creates the record, inside its ``@transaction.atomic``::

    application.reference = next_reference(MEMBERSHIP_REFERENCE_PREFIX)

Each prefix is declared once, in the app that owns the record (e.g. ``CMSP-MEM`` in
``members.models.membership``). A year with more than 9,999 numbers simply gets five digits.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

#: Upper-case letters and digits in dash-separated parts, e.g. ``CMSP-MEM``.
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")


def reference_year(today: date | None = None) -> int:
    """The year a reference taken now belongs to: the calendar year in Lima (``TIME_ZONE``)."""
    return (today or timezone.localdate()).year


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


def next_reference(prefix: str, *, year: int | None = None, using: str | None = None) -> str:
    """Take the next number of ``prefix`` for ``year`` (default: this year in Lima).

    Must be called inside ``transaction.atomic`` (``RuntimeError`` otherwise); the number is
    only used up if that transaction commits.
    """
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError(f"Invalid reference prefix {prefix!r}.")
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError(
            "next_reference() must run inside the transaction that saves the record; "
            "otherwise a failure after taking a number leaves a gap."
        )
    year = year if year is not None else reference_year()
    number = get_next_value(f"{prefix}-{year}", using=using)
    return format_reference(prefix, year, number)
