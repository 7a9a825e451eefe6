"""Services of value-added opportunities (K3): editors create, change, link studies, publish
and unpublish; people of active member organizations register interest (idempotent per role)
and withdraw it. Refusals change nothing; allowed writes are audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from djmoney.money import Money

from knowledge.models import Article, OpportunityInterest, ValueOpportunity
from knowledge.services.opportunities import (
    interest_register,
    interest_withdraw,
    opportunity_create,
    opportunity_publish,
    opportunity_studies_set,
    opportunity_unpublish,
    opportunity_update,
)
from members.models import Organization
from tests.knowledge.factories import (
    ArticleFactory,
    OpportunityInterestFactory,
    ValueOpportunityFactory,
)
from tests.knowledge.opportunities.world import editor, opportunity_data, person_of
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = ValueOpportunity.Status
Role = OpportunityInterest.Role


def decisions(obj: object) -> list[str]:
    return [
        (entry.additional_data or {}).get("decision")
        for entry in LogEntry.objects.get_for_object(obj).order_by("pk")
    ]


# --- Create and update ------------------------------------------------------------------------


def test_editor_creates_a_draft_with_a_slug_from_the_product():
    actor = editor()
    opportunity = opportunity_create(actor=actor, data=opportunity_data())
    assert opportunity.status == Status.DRAFT
    assert opportunity.slug == "alambron-de-cobre"
    assert opportunity.created_by == actor
    assert opportunity.import_value == Money(Decimal("120000000.00"), "USD")
    assert decisions(opportunity) == ["opportunity.create"]
    second = opportunity_create(actor=actor, data=opportunity_data())
    assert second.slug == "alambron-de-cobre-2"


@pytest.mark.parametrize(
    "actor_factory",
    [
        lambda: None,
        lambda: UserFactory(),
        lambda: person_of(admin=True),
        lambda: UserFactory(is_staff=True, totp=True, roles=["auditor"]),
    ],
    ids=["system", "visitor", "org-admin", "auditor"],
)
def test_only_editors_create(actor_factory):
    with pytest.raises(PermissionDenied):
        opportunity_create(actor=actor_factory(), data=opportunity_data())
    assert not ValueOpportunity.objects.exists()


def test_permission_is_checked_before_the_input():
    with pytest.raises(PermissionDenied):
        opportunity_create(actor=UserFactory(), data=opportunity_data(hs_code="nonsense"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hs_code": "74081100"}, "hs_code"),
        ({"hs_code": "7408.1"}, "hs_code"),
        ({"economic_rating": 0}, "economic_rating"),
        ({"financial_rating": 6}, "financial_rating"),
        ({"environmental_justification": "   "}, "environmental_justification"),
        ({"economic_justification": ""}, "economic_justification"),
        ({"import_year": None}, "import_year"),
        ({"import_year": 1950}, "import_year"),
        ({"import_value": Money(Decimal("-1.00"), "USD")}, "import_value"),
        ({"stage": "mining"}, "stage"),
        ({"product": ""}, "product"),
    ],
)
def test_bad_input_is_refused_on_its_field(overrides, field):
    with pytest.raises(ValidationError) as error:
        opportunity_create(actor=editor(), data=opportunity_data(**overrides))
    assert field in error.value.message_dict
    assert not ValueOpportunity.objects.exists()


def test_short_hs_code_and_no_imports_are_fine():
    opportunity = opportunity_create(
        actor=editor(),
        data=opportunity_data(hs_code="7408.11", import_value=None, import_year=None),
    )
    assert opportunity.hs_code == "7408.11"
    assert opportunity.import_value is None


def test_update_changes_fields_keeps_the_slug_and_audits_the_change():
    opportunity = ValueOpportunityFactory(slug="alambron", economic_rating=4)
    updated = opportunity_update(
        actor=editor(),
        opportunity=opportunity,
        data={"product": "Alambrón de cobre 8 mm", "economic_rating": 5},
    )
    opportunity.refresh_from_db()
    assert opportunity.product == "Alambrón de cobre 8 mm"
    assert opportunity.economic_rating == 5
    assert opportunity.slug == "alambron"
    assert updated.slug == "alambron"
    entry = LogEntry.objects.get_for_object(opportunity).get()
    assert entry.additional_data["decision"] == "opportunity.update"
    assert entry.changes_dict["economic_rating"] == ["4", "5"]


def test_update_refuses_bad_ratings_and_changes_nothing():
    opportunity = ValueOpportunityFactory(economic_rating=4)
    with pytest.raises(ValidationError):
        opportunity_update(actor=editor(), opportunity=opportunity, data={"economic_rating": 9})
    opportunity.refresh_from_db()
    assert opportunity.economic_rating == 4


def test_update_refused_to_non_editors():
    opportunity = ValueOpportunityFactory(product="Moldes")
    with pytest.raises(PermissionDenied):
        opportunity_update(actor=person_of(), opportunity=opportunity, data={"product": "X"})
    opportunity.refresh_from_db()
    assert opportunity.product == "Moldes"


def test_unknown_fields_are_a_programming_error():
    with pytest.raises(ValueError, match="status"):
        opportunity_create(actor=editor(), data=opportunity_data(status="published"))


# --- Lifecycle -------------------------------------------------------------------------------


def test_publish_and_unpublish():
    actor = editor()
    opportunity = ValueOpportunityFactory(status=Status.DRAFT)
    opportunity_publish(actor=actor, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        opportunity_publish(actor=actor, opportunity=opportunity)
    assert error.value.code == "invalid_transition"
    opportunity_unpublish(actor=actor, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT
    assert decisions(opportunity) == ["opportunity.publish", "opportunity.unpublish"]


def test_publish_refused_to_non_editors_before_the_state():
    opportunity = ValueOpportunityFactory(status=Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        opportunity_publish(actor=person_of(), opportunity=opportunity)


# --- Studies ---------------------------------------------------------------------------------


def test_studies_link_published_articles_only():
    opportunity = ValueOpportunityFactory()
    study = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        opportunity_studies_set(actor=editor(), opportunity=opportunity, articles=[study, draft])
    assert not opportunity.studies.exists()
    assert opportunity_studies_set(
        actor=editor(), opportunity=opportunity, articles=[study.pk]
    ) == [study.pk]
    assert list(opportunity.studies.all()) == [study]
    assert decisions(opportunity) == ["opportunity.studies"]


def test_an_archived_study_already_linked_may_stay():
    opportunity = ValueOpportunityFactory()
    study = ArticleFactory()
    opportunity.studies.add(study)
    Article.objects.filter(pk=study.pk).update(status=Article.Status.ARCHIVED)
    other = ArticleFactory()
    opportunity_studies_set(actor=editor(), opportunity=opportunity, articles=[study, other])
    assert set(opportunity.studies.all()) == {study, other}


def test_studies_refused_to_non_editors():
    opportunity = ValueOpportunityFactory()
    with pytest.raises(PermissionDenied):
        opportunity_studies_set(actor=person_of(), opportunity=opportunity, articles=[])


# --- Interest --------------------------------------------------------------------------------


def test_a_person_registers_interest_once_per_role():
    organization = OrganizationFactory()
    person = person_of(organization)
    opportunity = ValueOpportunityFactory()
    first = interest_register(
        actor=person, opportunity=opportunity, organization=organization, role=Role.BUYER
    )
    again = interest_register(
        actor=person,
        opportunity=opportunity,
        organization=organization,
        role=Role.BUYER,
        note="Compramos 200 t/mes",
    )
    assert again.pk == first.pk
    assert again.note == "Compramos 200 t/mes"
    assert first.registered_by == person
    investor = interest_register(
        actor=person, opportunity=opportunity, organization=organization, role=Role.INVESTOR
    )
    assert investor.pk != first.pk
    assert OpportunityInterest.objects.filter(opportunity=opportunity).count() == 2
    assert decisions(opportunity) == [
        "opportunity.interest_register",
        "opportunity.interest_note",
        "opportunity.interest_register",
    ]


@pytest.mark.parametrize(
    "case",
    ["other-organization", "suspended", "draft", "members-only-visitor", "anonymous"],
)
def test_interest_refusals(case):
    organization = OrganizationFactory()
    person = person_of(organization)
    opportunity = ValueOpportunityFactory()
    if case == "other-organization":
        organization = OrganizationFactory()
    elif case == "suspended":
        Organization.objects.filter(pk=organization.pk).update(
            membership_status=Organization.MembershipStatus.SUSPENDED
        )
        organization.refresh_from_db()
    elif case == "draft":
        opportunity.status = Status.DRAFT
        opportunity.save()
    elif case == "members-only-visitor":
        opportunity.visibility = "members"
        opportunity.save()
        Organization.objects.filter(pk=organization.pk).update(
            membership_status=Organization.MembershipStatus.LAPSED
        )
        organization.refresh_from_db()
    elif case == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        person = AnonymousUser()
    with pytest.raises(PermissionDenied):
        interest_register(
            actor=person, opportunity=opportunity, organization=organization, role=Role.SUPPLIER
        )
    assert not OpportunityInterest.objects.exists()


@pytest.mark.parametrize(
    ("role", "note", "field"),
    [("partner", "", "role"), ("buyer", "x" * 501, "note")],
)
def test_interest_bad_input(role, note, field):
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as error:
        interest_register(
            actor=person_of(organization),
            opportunity=ValueOpportunityFactory(),
            organization=organization,
            role=role,
            note=note,
        )
    assert field in error.value.message_dict
    assert not OpportunityInterest.objects.exists()


def test_withdraw_by_a_person_of_the_organization_or_an_editor():
    interest = OpportunityInterestFactory()
    with pytest.raises(PermissionDenied):
        interest_withdraw(actor=person_of(), interest=interest)
    assert OpportunityInterest.objects.filter(pk=interest.pk).exists()
    interest_withdraw(actor=person_of(interest.organization), interest=interest)
    assert not OpportunityInterest.objects.filter(pk=interest.pk).exists()
    assert decisions(interest.opportunity) == ["opportunity.interest_withdraw"]
    other = OpportunityInterestFactory()
    interest_withdraw(actor=editor(), interest=other)
    assert not OpportunityInterest.objects.filter(pk=other.pk).exists()
    interest_withdraw(actor=editor(), interest=other)  # twice: nothing left, no error
