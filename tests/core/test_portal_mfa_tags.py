"""The two-factor set-up pages' template helpers (cluster_portal.core.templatetags.portal_mfa)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cluster_portal.core.templatetags.portal_mfa import group_chars, portal_home_url
from tests.members.factories import UserFactory


@pytest.mark.parametrize(
    ("value", "size", "expected"),
    [
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 4, "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"),
        ("ABCDEFGHIJ", 4, "ABCD EFGH IJ"),
        ("ABCDEF", 3, "ABC DEF"),
        ("AB CD\nEF", 4, "ABCD EF"),  # existing whitespace dropped first
        ("ABCD", 0, "ABCD"),
        ("ABCD", "x", "ABCD"),
        ("", 4, ""),
        (None, 4, ""),
    ],
)
def test_group_chars(value, size, expected) -> None:
    assert group_chars(value, size) == expected


def test_group_chars_in_a_template_defaults_to_groups_of_four() -> None:
    template = Template("{% load portal_mfa %}{{ secret|group_chars }}")
    assert template.render(Context({"secret": "ABCDEFGH"})) == "ABCD EFGH"


@pytest.mark.django_db
def test_portal_home_url_is_the_login_redirect() -> None:
    request = RequestFactory().get("/")
    request.session = {}
    request.user = UserFactory()
    assert portal_home_url(Context({"request": request})) == reverse("dashboard")
