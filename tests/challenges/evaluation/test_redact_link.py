"""The staff proposal page links to the redacted texts for blind review: for evaluation
coordinators, on blind calls only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permission_matrix import staff_user

from .evaluator_world import login, make_world

pytestmark = pytest.mark.django_db

LINK = 'data-testid="proposal-redact-link"'


def detail_url(world) -> str:
    return reverse(
        "challenges_staff:call_proposal_detail",
        kwargs={"call_id": world.call.pk, "proposal_id": world.proposal.pk},
    )


def test_coordinators_get_the_link_on_a_blind_call_and_it_opens_the_redaction_page():
    world = make_world(blind=True)
    client = login(world.coordinator)
    body = client.get(detail_url(world)).content.decode()
    assert LINK in body
    redact_url = reverse("challenges_staff:proposal_redact", args=[world.proposal.pk])
    assert f'href="{redact_url}"' in body
    page = client.get(redact_url)
    assert page.status_code == 200
    assert world.proposal.title in page.content.decode()


def test_no_link_when_the_call_is_not_blind():
    world = make_world(blind=False)
    assert LINK not in login(world.coordinator).get(detail_url(world)).content.decode()


@pytest.mark.parametrize("role", ["auditor", "call_manager"])
def test_staff_who_do_not_coordinate_the_evaluation_get_no_link(role):
    world = make_world(blind=True)
    response = login(staff_user(role)).get(detail_url(world))
    assert response.status_code == 200
    assert LINK not in response.content.decode()
