"""The dashboard panel "Open calls for you" and the staff area "Calls"."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from challenges.models import Call
from challenges.selectors.calls import open_calls_panel, pending_clarifications_count
from members.viewer import viewer_for
from tests.challenges.factories import CallClarificationFactory, CallFactory, ChallengeFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_panel_lists_matching_open_calls_with_countdown(stage, django_assert_max_num_queries):
    challenge = ChallengeFactory()
    challenge.value_chain_stages.add(stage)
    matching = CallFactory(
        challenges=[challenge], closes_at=timezone.now() + datetime.timedelta(days=3, hours=2)
    )
    CallFactory(challenges=[challenge], status=Call.Status.DRAFT, title_en="Draft match")
    CallFactory(title_en="Unrelated call")
    supplier = OrganizationFactory()
    supplier.capabilities.add(stage)
    person = OrganizationMemberFactory(organization=supplier).user
    viewer = viewer_for(person)
    viewer.organizations  # noqa: B018 - computed once per request, before the panel
    with django_assert_max_num_queries(1):
        panel = open_calls_panel(viewer)
    assert panel is not None
    assert panel["calls"] == [matching]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    body = client.get("/dashboard/").content.decode()
    assert 'data-testid="panel-challenges.open_calls"' in body
    assert matching.title_en in body
    assert "Closes in 3 days" in body
    assert "Unrelated call" not in body
    assert "Draft match" not in body


def test_panel_absent_without_organization_or_match() -> None:
    assert open_calls_panel(viewer_for(UserFactory())) is None
    CallFactory()
    person = OrganizationMemberFactory().user
    assert open_calls_panel(viewer_for(person)) is None


def test_staff_area_counts_waiting_questions(call_manager) -> None:
    CallClarificationFactory.create_batch(2)
    assert pending_clarifications_count(viewer_for(call_manager)) == 2
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(call_manager)
    body = client.get("/staff/").content.decode()
    assert "/staff/challenges/calls/" in body
