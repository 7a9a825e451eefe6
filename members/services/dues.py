"""Membership dues: the secretariat records an organization's annual dues and the date up to
which they are paid (``Organization.annual_dues`` / ``dues_paid_until``).

Amounts are ``Money`` (soles or US dollars, never floats: ``cluster_portal.core.money``). The
portal keeps no ledger yet: each record replaces the organization's current dues and date, and
the audit log keeps every earlier value.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import CENT, Currency

from .. import permissions
from ..models import Organization, User

#: How far back a "paid until" date may be (a late record of last year's payment) ...
DUES_PAID_UNTIL_MAX_DAYS_BACK = 366
#: ... and how far ahead (dues paid for a few years at once).
DUES_PAID_UNTIL_MAX_YEARS_AHEAD = 3

DUES_FIELDS = ("annual_dues", "annual_dues_currency", "dues_paid_until")


def dues_paid_until_bounds(
    today: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest acceptable "paid until" dates, around ``today`` in Lima."""
    today = today or timezone.localdate()
    try:
        latest = today.replace(year=today.year + DUES_PAID_UNTIL_MAX_YEARS_AHEAD)
    except ValueError:  # February 29th
        latest = today.replace(year=today.year + DUES_PAID_UNTIL_MAX_YEARS_AHEAD, day=28)
    return today - datetime.timedelta(days=DUES_PAID_UNTIL_MAX_DAYS_BACK), latest


def dues_apply_to(organization: Organization) -> bool:
    """Dues are recorded for organizations that are, were or want to be members (any status
    but *none*)."""
    return organization.membership_status != Organization.MembershipStatus.NONE


def _money_text(money: Money | None) -> str | None:
    """``PEN 2500.00``: the audit log's language-neutral form of an amount."""
    return None if money is None else f"{money.currency.code} {Decimal(money.amount):.2f}"


def _validate(amount: Money, paid_until: datetime.date) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not isinstance(amount, Money):
        raise TypeError("amount must be a Money")
    if amount.currency.code not in Currency.values:
        errors.setdefault("amount", []).append(
            ValidationError(
                _("Only soles (PEN) and US dollars (USD) are accepted."), code="currency"
            )
        )
    value = Decimal(amount.amount)
    if not value.is_finite() or value <= 0:
        errors.setdefault("amount", []).append(
            ValidationError(_("The dues must be an amount greater than zero."), code="min_value")
        )
    elif value != value.quantize(CENT):
        errors.setdefault("amount", []).append(
            ValidationError(_("Amounts have at most two decimals (cents)."), code="cents")
        )
    earliest, latest = dues_paid_until_bounds()
    if not earliest <= paid_until <= latest:
        errors.setdefault("paid_until", []).append(
            ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
                code="paid_until_range",
            )
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_dues_record(
    *, actor: User, organization: Organization, amount: Money, paid_until: datetime.date
) -> Organization:
    """Record the organization's annual dues (``amount``) and that they are paid up to
    ``paid_until``.

    Preconditions: ``actor`` may decide memberships (``can_decide_membership``); the
    organization is or has been in the cluster (not *none*); ``amount`` is a positive ``Money``
    in soles or dollars with at most two decimals; ``paid_until`` lies between a year ago and
    three years ahead. Raises ``PermissionDenied`` / ``ValidationError`` (on ``amount`` or
    ``paid_until``) and changes nothing otherwise. The change is audited
    (``organization.dues_record``); nobody is notified.
    """
    if not permissions.can_decide_membership(actor):
        raise PermissionDenied(_("Only the secretariat records membership dues."))
    _validate(amount, paid_until)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not dues_apply_to(organization):
        raise ValidationError(
            _("%(organization)s is not a member of the cluster: it has no dues.")
            % {"organization": organization.display_name},
            code="not_member",
        )
    before = (organization.annual_dues, organization.dues_paid_until)
    organization.annual_dues = amount
    organization.dues_paid_until = paid_until
    organization.clean_fields(
        exclude=[f.name for f in Organization._meta.fields if f.name not in DUES_FIELDS]
    )
    organization.save(update_fields=[*DUES_FIELDS, "updated_at"])
    audit_decision(
        actor=actor,
        action="organization.dues_record",
        target=organization,
        changes={
            "annual_dues": (_money_text(before[0]), _money_text(amount)),
            "dues_paid_until": (before[1], paid_until),
        },
    )
    return organization
