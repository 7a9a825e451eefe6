"""A service's Django exceptions under an API view answer in the API's error shape: a
``ValidationError`` is a 400 with its fields (it used to be a JSON 500), a ``PermissionDenied``
a 403 that keeps the service's reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import Client

from cluster_portal.api.exceptions import drf_validation_error
from tests.api.test_errors import assert_error_shape

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

PROBE = "/api/v1/probe/service-error/"


def post(client: Client, kind: str):
    return client.post(PROBE, {"kind": kind}, content_type="application/json")


def test_validation_error_with_fields_is_a_400_with_them(api_client: Client, user) -> None:
    api_client.force_login(user)
    error = assert_error_shape(post(api_client, "fields"), 400, "invalid")
    assert error["fields"] == {
        "message": ["Too long (5 max)."],
        "non_field_errors": ["Refused as a whole."],
    }
    assert error["detail"] == "Invalid input."


def test_plain_validation_error_is_a_400_with_its_message(api_client: Client, user) -> None:
    api_client.force_login(user)
    error = assert_error_shape(post(api_client, "plain"), 400, "invalid")
    assert error["fields"] == {"non_field_errors": ["Already asked."]}
    assert error["detail"] == "Already asked."


def test_permission_denied_keeps_the_service_s_reason(api_client: Client, user) -> None:
    api_client.force_login(user)
    error = assert_error_shape(post(api_client, "denied"), 403, "permission_denied")
    assert error["detail"] == "Only the secretariat may do this."


def test_permission_denied_without_a_reason(api_client: Client, user) -> None:
    api_client.force_login(user)
    error = assert_error_shape(post(api_client, "bare"), 403, "permission_denied")
    assert error["detail"] == "You do not have permission to perform this action."


def test_conversion_keeps_codes_and_can_target_a_field() -> None:
    error = ValidationError(
        [ValidationError("Duplicate.", code="duplicate"), ValidationError("No admin.")]
    )
    converted = drf_validation_error(error, non_field_errors_on="organization")
    assert converted.detail == {"organization": ["Duplicate.", "No admin."]}
    assert [d.code for d in converted.detail["organization"]] == ["duplicate", "invalid"]
    mixed = ValidationError({NON_FIELD_ERRORS: ["Whole."], "message": ["Part."]})
    assert drf_validation_error(mixed, non_field_errors_on="organization").detail == {
        "organization": ["Whole."],
        "message": ["Part."],
    }
