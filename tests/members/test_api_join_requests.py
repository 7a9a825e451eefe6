"""POST /api/v1/join-requests/: the reference API write (input serializer → service → output
serializer). Signed-in people only; refusals are 400s naming the field; organizations the
person could not have found are indistinguishable from missing ones."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.settings import api_settings

from members.forms.membership import JOIN_ORGANIZATION_NOT_FOUND
from members.models import JoinRequest, Organization, OrganizationMember
from notifications.models import Notification
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.api.test_errors import assert_error_shape
from tests.members.factories import (
    JoinRequestFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/join-requests/"
with translation.override("en"):
    NOT_FOUND = str(JOIN_ORGANIZATION_NOT_FOUND)


def test_url_name() -> None:
    assert reverse("api:join-request-create") == URL


@pytest.fixture
def target() -> Organization:
    """A public active member with an admin (who decides)."""
    organization = OrganizationFactory(trade_name="Destino Andino")
    OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
    return organization


@pytest.fixture
def person_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.person = UserFactory()  # type: ignore[attr-defined]
    client.force_login(client.person)  # type: ignore[attr-defined]
    return client


def post(client: Client, data: dict, **extra):
    return client.post(URL, data, content_type="application/json", **extra)


def test_a_person_asks_to_join(person_client: Client, target: Organization) -> None:
    response = post(person_client, {"organization": target.pk, "message": "Soy ingeniera."})

    assert response.status_code == 201, response.content
    join_request = JoinRequest.objects.get()
    assert join_request.user == person_client.person  # type: ignore[attr-defined]
    assert join_request.organization == target
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == "Soy ingeniera."
    body = response.json()
    assert body == {
        "id": join_request.pk,
        "organization": {"id": target.pk, "name": "Destino Andino"},
        "status": "pending",
        "message": "Soy ingeniera.",
        "created_at": body["created_at"],
    }
    # The admins are told (the service's effects happen, as on the HTML page).
    admin = target.memberships.get(role=OrganizationMember.Role.ADMIN).user
    assert Notification.objects.filter(
        recipient=admin, event="members.join_request_created"
    ).exists()


def test_form_encoded_body_works_too(person_client: Client, target: Organization) -> None:
    response = person_client.post(URL, {"organization": target.pk})
    assert response.status_code == 201, response.content
    assert JoinRequest.objects.filter(organization=target).count() == 1


def test_anonymous_gets_401(target: Organization) -> None:
    response = post(Client(HTTP_ACCEPT_LANGUAGE="en"), {"organization": target.pk})
    assert_error_shape(response, 401, "not_authenticated")
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("scopes", [["members:read"], ["public:read", "members:read"]])
def test_partner_tokens_are_refused_whatever_their_scopes(
    target: Organization, scopes: list[str]
) -> None:
    partner = PartnerClientFactory(allowed_scopes=scopes)
    token = request_token(Client(), partner).json()["access_token"]
    response = post(Client(HTTP_ACCEPT_LANGUAGE="en"), {"organization": target.pk}, **bearer(token))
    error = assert_error_shape(response, 403, "session_required")
    assert "partner access tokens cannot use it" in error["detail"]
    assert not JoinRequest.objects.exists()


def test_a_session_write_needs_the_csrf_token(target: Organization) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory())
    response = post(client, {"organization": target.pk})
    assert_error_shape(response, 403, "permission_denied")
    assert "CSRF" in response.json()["error"]["detail"]
    assert not JoinRequest.objects.exists()


# --- Refusals: 400 with the field, nothing written ---------------------------------------------


def assert_refused(response, field: str, message: str) -> None:
    error = assert_error_shape(response, 400, "invalid")
    assert field in error["fields"], error
    assert any(message in text for text in error["fields"][field]), error


def test_duplicate_request(person_client: Client, target: Organization) -> None:
    JoinRequestFactory(organization=target, user=person_client.person, message="Ya pedido.")  # type: ignore[attr-defined]
    response = post(person_client, {"organization": target.pk})
    assert_refused(response, "organization", "You have already asked to join Destino Andino")
    assert JoinRequest.objects.count() == 1


def test_already_a_member(person_client: Client, target: Organization) -> None:
    OrganizationMemberFactory(organization=target, user=person_client.person)  # type: ignore[attr-defined]
    response = post(person_client, {"organization": target.pk})
    assert_refused(response, "organization", "You already belong to Destino Andino")
    assert not JoinRequest.objects.exists()


def test_message_too_long(person_client: Client, target: Organization) -> None:
    response = post(person_client, {"organization": target.pk, "message": "x" * 501})
    assert_refused(response, "message", "no more than 500 characters")
    assert not JoinRequest.objects.exists()


def hidden_organizations() -> dict[str, Organization]:
    def with_admin(**kwargs: object) -> Organization:
        organization = OrganizationFactory(**kwargs)
        OrganizationMemberFactory(organization=organization, role=OrganizationMember.Role.ADMIN)
        return organization

    return {
        "private": with_admin(is_public=False),
        "applicant": with_admin(membership_status=Organization.MembershipStatus.APPLICANT),
        "suspended": with_admin(membership_status=Organization.MembershipStatus.SUSPENDED),
        "no_admin": OrganizationFactory(),
    }


@pytest.mark.parametrize("value", ["private", "applicant", "suspended", "no_admin", 999_999, "x"])
def test_organizations_the_person_could_not_find_look_missing(
    person_client: Client, value: object
) -> None:
    hidden = hidden_organizations()
    organization_id = hidden[value].pk if isinstance(value, str) and value in hidden else value
    response = post(person_client, {"organization": organization_id})
    error = assert_error_shape(response, 400, "invalid")
    # The very same answer for a missing id, a private one, or one without an admin.
    assert error["fields"] == {"organization": [NOT_FOUND]}
    assert not JoinRequest.objects.exists()


def test_missing_organization(person_client: Client) -> None:
    error = assert_error_shape(post(person_client, {}), 400, "invalid")
    assert error["fields"] == {"organization": [NOT_FOUND]}


def test_the_ruc_opens_an_organization_without_a_public_profile(person_client: Client) -> None:
    private = hidden_organizations()["private"]
    response = post(person_client, {"organization": private.pk, "ruc": private.ruc})
    assert response.status_code == 201, response.content
    assert JoinRequest.objects.get().organization == private
    # ...but another organization's RUC does not.
    other = hidden_organizations()["private"]
    response = post(person_client, {"organization": other.pk, "ruc": private.ruc})
    assert assert_error_shape(response, 400, "invalid")["fields"] == {"organization": [NOT_FOUND]}


def test_errors_in_spanish(target: Organization) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    person = UserFactory()
    client.force_login(person)
    JoinRequestFactory(organization=target, user=person)
    error = post(client, {"organization": target.pk}).json()["error"]
    assert error["fields"]["organization"][0] != (
        "You have already asked to join Destino Andino; its admins have not decided yet."
    )


# --- Costs -------------------------------------------------------------------------------------


def test_query_count(person_client: Client, target: Organization, max_queries) -> None:
    """The whole write (checks, insert, audit, notification and its email) in a bounded number
    of queries; the session's own bookkeeping is paid by a first request."""
    person_client.get("/api/v1/me/")
    response = max_queries(
        25,
        post,
        person_client,
        {"organization": target.pk},
        status=201,
        warm=False,
        expect=['"status":"pending"'],
    )
    assert response.json()["organization"]["id"] == target.pk


def test_refusal_query_count(person_client: Client, max_queries) -> None:
    max_queries(
        5, post, person_client, {"organization": 999_999}, status=400, expect=[NOT_FOUND[:20]]
    )


def test_throttled_like_the_rest(person_client: Client, target: Organization) -> None:
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "1/hour"}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        assert post(person_client, {"organization": target.pk}).status_code == 201
        response = post(person_client, {"organization": target.pk})
    assert_error_shape(response, 429, "throttled")
    assert JoinRequest.objects.count() == 1


def _rest_framework() -> dict:
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


def test_documented_in_the_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["post"]
    # Sessions only: no OAuth2 requirement is advertised for this write.
    assert operation["security"] == [{"cookieAuth": []}]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/JoinRequestCreateRequest"}
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/JoinRequest"}
    assert {"400", "401", "403", "429"} <= set(operation["responses"])
    request_schema = schema["components"]["schemas"]["JoinRequestCreateRequest"]
    assert request_schema["properties"]["organization"]["type"] == "integer"
    assert request_schema["required"] == ["organization"]
