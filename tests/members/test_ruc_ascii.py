"""A RUC is eleven ASCII digits, everywhere (issue 8, item 9).

``str.isdigit`` and ``int()`` accept Arabic-Indic and mathematical digits (so a registered
company's RUC written in them was accepted again: a duplicate applicant) and
superscripts pass ``isdigit`` but break ``int()`` (a 500 in the application form and the join
search). Each payload is refused with a clear message in the form, the service, the join search
and by the database itself; nothing answers 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import JoinRequest, MembershipApplication, Organization, OrganizationMember
from members.selectors.membership import organizations_joinable, organizations_joinable_search
from members.services import membership as services
from members.validators import is_ruc_shaped, validate_ruc
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

#: The registered company's RUC, in ASCII digits.
REAL_RUC = "20904442870"


def _in_digits(zero: int, ruc: str = REAL_RUC, keep: int = 2) -> str:
    """``ruc`` with its digits after the first ``keep`` written from the code point ``zero``."""
    return ruc[:keep] + "".join(chr(zero + int(digit)) for digit in ruc[keep:])


PAYLOADS = {
    "arabic_indic": _in_digits(0x0660),
    "mathematical_bold": _in_digits(0x1D7CE),
    "superscript": "20\u00b20444287\u00b2",
    "fullwidth": _in_digits(0xFF10, keep=0),
}
ASCII_ONLY = "Type the RUC with the digits 0 to 9 only."
payloads = pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))


@pytest.fixture
def registered() -> Organization:
    """A registered company with an admin and a private profile (found only by its RUC)."""
    organization = OrganizationFactory(
        ruc=REAL_RUC, legal_name="Minera Registrada S.A.", trade_name="", is_public=False
    )
    OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    return organization


@pytest.fixture
def person_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory())
    return client


def counts() -> tuple[int, int, int, int]:
    return (
        Organization.objects.count(),
        MembershipApplication.objects.count(),
        OrganizationMember.objects.count(),
        JoinRequest.objects.count(),
    )


def application_form(ruc: str) -> dict[str, Any]:
    return {
        "legal_name": "Minera Registrada S.A.",
        "trade_name": "",
        "ruc": ruc,
        "kind": "mets",
        "mining_scale": "",
        "government_level": "",
        "region": "moquegua",
        "city": "Ilo",
        "website": "",
        "motivation": "Queremos participar en el clúster.",
    }


def test_the_ascii_ruc_is_valid() -> None:
    validate_ruc(REAL_RUC)
    assert is_ruc_shaped(REAL_RUC)


@payloads
def test_validator_refuses_other_digits(payload: str) -> None:
    assert payload.isdigit()  # what the old check relied on
    assert not is_ruc_shaped(payload)
    with pytest.raises(ValidationError) as excinfo:
        validate_ruc(payload)
    assert excinfo.value.code == "ruc_digits"


@payloads
def test_application_form_refuses_with_a_message(
    person_client: Client, registered: Organization, payload: str
) -> None:
    before = counts()
    response = person_client.post(
        reverse("members:membership_apply_new"), application_form(payload)
    )
    assert response.status_code == 200
    assert ASCII_ONLY in response.content.decode()
    assert counts() == before


@payloads
@translation.override("en")  # the message is read in English
def test_service_refuses_and_changes_nothing(registered: Organization, payload: str) -> None:
    actor = UserFactory()
    before = counts()
    data = application_form(payload)
    motivation = data.pop("motivation")
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_submit(
            actor=actor, organization_data=data, motivation=motivation
        )
    assert ASCII_ONLY in excinfo.value.message_dict["ruc"]
    assert counts() == before


@payloads
def test_join_search_refuses_with_a_message(
    person_client: Client, registered: Organization, payload: str
) -> None:
    response = person_client.get(reverse("members:membership_join"), {"q": payload})
    assert response.status_code == 200
    body = response.content.decode()
    assert ASCII_ONLY in body
    assert "Minera Registrada" not in body
    # The ASCII RUC does find it (the search works, the payload is what is refused).
    body = person_client.get(reverse("members:membership_join"), {"q": REAL_RUC}).content.decode()
    assert "Minera Registrada" in body


@payloads
def test_join_selectors_find_nothing(registered: Organization, payload: str) -> None:
    assert list(organizations_joinable_search(query=payload)) == []
    assert registered not in organizations_joinable(ruc=payload)


@payloads
def test_join_request_with_a_payload_ruc_is_refused(
    person_client: Client, registered: Organization, payload: str
) -> None:
    before = counts()
    response = person_client.post(
        reverse("members:membership_join"),
        {"organization": registered.pk, "ruc": payload},
        follow=True,
    )
    assert response.status_code == 200
    assert "This organization was not found." in response.content.decode()
    assert counts() == before


@payloads
def test_directory_and_api_searches_do_not_fail(registered: Organization, payload: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(reverse("members:directory"), {"q": payload}).status_code == 200
    response = client.get("/api/v1/organizations/", {"q": payload})
    assert response.status_code == 200
    assert response.json()["results"] == []


@payloads
def test_database_refuses_a_raw_save(payload: str) -> None:
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(ruc=payload)
    organization.ruc = payload
    with pytest.raises(IntegrityError), transaction.atomic():
        organization.save(update_fields=["ruc"])


def test_database_refuses_short_and_lettered_rucs() -> None:
    organization = OrganizationFactory()
    # A trailing newline is 12 characters: PostgreSQL's varchar(11) refuses it first (DataError);
    # SQLite has no length limit and the pattern's \Z refuses it (IntegrityError).
    for bad in ("2090444287", "2090444287a", "20904442870\n"):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Organization.objects.filter(pk=organization.pk).update(ruc=bad)
