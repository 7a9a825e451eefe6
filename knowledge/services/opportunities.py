"""Writes of value-added opportunities: editors create and change them, link the studies behind
them and publish or withdraw them (``knowledge.workflows.OPPORTUNITY``); people of active member
organizations register their organization's interest in a role (supplier, buyer, investor) and
withdraw it.

Who may do what is ``knowledge.permissions`` (``can_edit_content``, ``can_register_interest``).
A refusal raises ``PermissionDenied`` (who: asked before the input is looked at) or
``ValidationError`` (what; code ``invalid_transition`` when the record's state does not allow
it) and changes nothing. Every write is audited (``audit_decision``) in its transaction.

Rules kept here (not in forms, so the API, commands and the demo get them too):

* the tariff code is Peru's subheading written ``7408.11`` or ``7408.11.00.00`` (the model's
  validator); each of the three assessments has a rating from 1 to 5 **and** a justification;
* yearly imports are zero or more, and come with the year they refer to (1990 to next year);
* the slug comes from the product's name, unique, and never changes once given (links stay);
* linked studies are articles that are published (one already linked may stay when it is
  archived later);
* registering interest is idempotent per (opportunity, organization, role): registering again
  returns the same row (the note is updated when a new one is given); the opportunity's row is
  locked so two clicks never race into the unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.money import Money
from members.models import Organization, User

from .. import permissions
from ..models import Article, OpportunityInterest, ValueOpportunity
from ..workflows import OPPORTUNITY

#: The three assessments, each ``<name>_rating``, ``<name>_justification``, ``<name>_sources``.
ASSESSMENTS: tuple[str, ...] = ("economic", "financial", "environmental")
#: What :func:`opportunity_create` / :func:`opportunity_update` accept in ``data``.
OPPORTUNITY_FIELDS: tuple[str, ...] = (
    "product",
    "product_en",
    "hs_code",
    "stage",
    "summary",
    "market_notes",
    "import_value",
    "import_year",
    "local_capability",
    *(f"{name}_{part}" for name in ASSESSMENTS for part in ("rating", "justification", "sources")),
    "visibility",
)
SLUG_MAX_LENGTH = 120
#: The oldest year an import figure may refer to.
FIRST_IMPORT_YEAR = 1990
NOTE_MAX_LENGTH = 500


# --- Helpers ---------------------------------------------------------------------------------


def _require_editor(actor: Any) -> None:
    if actor is None or not permissions.can_edit_content(actor):
        raise PermissionDenied(_("Only an editor can do this."))


def _check_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected opportunity fields: {sorted(unknown)}")


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("floats are not accepted")
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _assign(opportunity: ValueOpportunity, data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Copy ``data`` onto ``opportunity``; the changes as ``{field: (before, after)}``."""
    changes: dict[str, tuple[str, str]] = {}
    for name, raw in data.items():
        value = _clean(raw)
        if name == "hs_code" and isinstance(value, str):
            value = value.replace(" ", "")
        before = getattr(opportunity, name)
        if before == value:
            continue
        setattr(opportunity, name, value)
        changes[name] = (_text(before), _text(value))
    return changes


def _update_fields(changes: Iterable[str]) -> list[str]:
    fields: list[str] = []
    for name in changes:
        fields.append(name)
        if name == "import_value":
            fields.append("import_value_currency")
    return fields


def _rule_errors(opportunity: ValueOpportunity) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ASSESSMENTS:
        if not str(getattr(opportunity, f"{name}_justification") or "").strip():
            errors.setdefault(f"{name}_justification", []).append(
                _("Explain the rating: a justification is required.")
            )
    value: Money | None = opportunity.import_value
    year = opportunity.import_year
    if value is not None and value.amount < Decimal("0"):
        errors.setdefault("import_value", []).append(_("Enter an amount of zero or more."))
    if value is not None and year is None:
        errors.setdefault("import_year", []).append(_("Give the year the import figure refers to."))
    if year is not None and not FIRST_IMPORT_YEAR <= year <= timezone.localdate().year + 1:
        errors.setdefault("import_year", []).append(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": FIRST_IMPORT_YEAR, "last": timezone.localdate().year + 1}
        )
    return errors


def _validate(opportunity: ValueOpportunity) -> None:
    errors: dict[str, list[str]] = {}
    try:
        opportunity.full_clean(exclude=["slug", "created_by"], validate_constraints=False)
    except ValidationError as error:
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
    for field, messages in _rule_errors(opportunity).items():
        known = errors.setdefault(field, [])
        known.extend(m for m in messages if m not in known)
    if errors:
        raise ValidationError(errors)


def _unique_slug(product: str) -> str:
    base = slugify(product)[: SLUG_MAX_LENGTH - 6].strip("-") or "oportunidad"
    taken = set(
        ValueOpportunity.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _lock(opportunity: ValueOpportunity) -> ValueOpportunity:
    return ValueOpportunity.objects.select_for_update().get(pk=opportunity.pk)


# --- Editors ---------------------------------------------------------------------------------


@transaction.atomic
def opportunity_create(*, actor: User, data: Mapping[str, Any]) -> ValueOpportunity:
    """A new draft opportunity (editors). ``data``: keys of :data:`OPPORTUNITY_FIELDS`; the slug
    comes from the product (unique). Audited."""
    _require_editor(actor)
    _check_fields(data)
    opportunity = ValueOpportunity(created_by=actor, status=ValueOpportunity.Status.DRAFT)
    _assign(opportunity, data)
    _validate(opportunity)
    opportunity.slug = _unique_slug(opportunity.product)
    opportunity.full_clean(validate_constraints=False)
    opportunity.save()
    audit_decision(actor=actor, target=opportunity, action="opportunity.create")
    return opportunity


@transaction.atomic
def opportunity_update(
    *, actor: User, opportunity: ValueOpportunity, data: Mapping[str, Any]
) -> ValueOpportunity:
    """Change an opportunity's fields (editors; any state). ``data``: keys of
    :data:`OPPORTUNITY_FIELDS`. The slug does not change. Audited with the old and new values."""
    _require_editor(actor)
    _check_fields(data)
    opportunity = _lock(opportunity)
    changes = _assign(opportunity, data)
    _validate(opportunity)
    if not changes:
        return opportunity
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=[*_update_fields(changes), "updated_at"])
    audit_decision(actor=actor, target=opportunity, action="opportunity.update", changes=changes)
    return opportunity


def _transition(*, actor: User, opportunity: ValueOpportunity, name: str) -> ValueOpportunity:
    OPPORTUNITY.authorize(opportunity, name, actor=actor)
    opportunity = _lock(opportunity)
    OPPORTUNITY.require(opportunity, name, actor=actor)
    before = opportunity.status
    OPPORTUNITY.apply(opportunity, name)
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=["status", "updated_at"])
    audit_decision(
        actor=actor,
        target=opportunity,
        action=f"opportunity.{name}",
        changes={"status": (before, opportunity.status)},
    )
    return opportunity


@transaction.atomic
def opportunity_publish(*, actor: User, opportunity: ValueOpportunity) -> ValueOpportunity:
    """Publish a draft (editors): it appears on the public list for its audience. Audited."""
    return _transition(actor=actor, opportunity=opportunity, name="publish")


@transaction.atomic
def opportunity_unpublish(*, actor: User, opportunity: ValueOpportunity) -> ValueOpportunity:
    """Take a published opportunity back to draft (editors). Registered interests are kept.
    Audited."""
    return _transition(actor=actor, opportunity=opportunity, name="unpublish")


#: The lifecycle's services by transition name (the staff page's action URL).
LIFECYCLE_SERVICES = {"publish": opportunity_publish, "unpublish": opportunity_unpublish}


@transaction.atomic
def opportunity_studies_set(
    *, actor: User, opportunity: ValueOpportunity, articles: Iterable[Article | int]
) -> list[int]:
    """Link exactly ``articles`` (or their ids) as the opportunity's studies (editors).

    A newly linked article must be published; one already linked may stay whatever its state.
    Returns the linked ids. Audited when the set changes."""
    _require_editor(actor)
    ids = sorted(
        {article.pk if isinstance(article, Article) else int(article) for article in articles}
    )
    opportunity = _lock(opportunity)
    before = sorted(opportunity.studies.values_list("pk", flat=True))
    new = set(ids) - set(before)
    published = set(
        Article.objects.filter(pk__in=new, status=Article.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    if published != new:
        raise ValidationError(
            {"studies": _("Link published articles only.")}, code="invalid_choice"
        )
    if ids == before:
        return ids
    opportunity.studies.set(ids)
    audit_decision(
        actor=actor,
        target=opportunity,
        action="opportunity.studies",
        changes={"studies": (before, ids)},
    )
    return ids


# --- Members' interest -----------------------------------------------------------------------


@transaction.atomic
def interest_register(
    *,
    actor: User,
    opportunity: ValueOpportunity,
    organization: Organization,
    role: str,
    note: str = "",
) -> OpportunityInterest:
    """Register ``organization``'s interest in ``opportunity`` as ``role`` (a person of an
    active member organization, on a published opportunity: ``can_register_interest``).

    Idempotent per role: the existing row is returned (its note replaced by a new non-empty
    one). The person is recorded as ``registered_by``. Audited on the opportunity."""
    verdict = permissions.can_register_interest(actor, opportunity, organization)
    if not verdict:
        raise PermissionDenied(str(verdict.reason))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if role not in OpportunityInterest.Role.values:
        errors["role"] = _("Choose a role from the list.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    opportunity = _lock(opportunity)
    verdict = permissions.can_register_interest(actor, opportunity, organization)
    if not verdict:  # unpublished meanwhile
        raise ValidationError(str(verdict.reason), code="invalid_transition")
    interest = OpportunityInterest.objects.filter(
        opportunity=opportunity, organization=organization, role=role
    ).first()
    if interest is not None:
        if note and note != interest.note:
            before = interest.note
            interest.note = note
            interest.save(update_fields=["note"])
            audit_decision(
                actor=actor,
                target=opportunity,
                action="opportunity.interest_note",
                changes={f"{organization.pk}:{role}": (before, note)},
            )
        return interest
    interest = OpportunityInterest(
        opportunity=opportunity,
        organization=organization,
        role=role,
        note=note,
        registered_by=actor,
    )
    interest.full_clean(validate_constraints=False)
    interest.save()
    audit_decision(
        actor=actor,
        target=opportunity,
        action="opportunity.interest_register",
        changes={"interest": ("", f"{organization}: {interest.get_role_display()}")},
        reason=note,
    )
    return interest


@transaction.atomic
def interest_withdraw(*, actor: User, interest: OpportunityInterest) -> None:
    """Withdraw an organization's interest (a person of that organization, or an editor): the
    row is deleted. Audited on the opportunity (the interest itself is gone)."""
    if not permissions.can_withdraw_interest(actor, interest):
        raise PermissionDenied(_("Only people of the organization can withdraw its interest."))
    opportunity = _lock(interest.opportunity)
    described = f"{interest.organization}: {interest.get_role_display()}"
    deleted, _rows = OpportunityInterest.objects.filter(pk=interest.pk).delete()
    if not deleted:
        return  # withdrawn meanwhile: nothing left to do
    audit_decision(
        actor=actor,
        target=opportunity,
        action="opportunity.interest_withdraw",
        changes={"interest": (described, "")},
    )
