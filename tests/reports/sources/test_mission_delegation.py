"""Report kind ``mission_delegation``: one mission's organizations and delegates with their
readiness; people by name, never an address or a document number."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from cluster_portal.core import roles
from missions.models import Application, ReadinessItem
from tests.members.factories import OrganizationFactory
from tests.missions.factories import (
    ApplicationFactory,
    MissionFactory,
    ReadinessItemFactory,
)
from tests.permission_matrix import STAFF_NO_ROLE, STAFF_ROLES
from tests.queries import count_queries

from .helpers import assert_request_matrix, build_xlsx, clean_filters, consume, form_errors

pytestmark = pytest.mark.django_db
KIND = "mission_delegation"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_request_matrix():
    mission = MissionFactory()
    assert_request_matrix(
        KIND,
        {"mission": mission.pk},
        # The staff mission pages: coordinators and every staff role (auditors too).
        lambda role: role in STAFF_ROLES and role != STAFF_NO_ROLE,
    )
    assert roles.MISSION_COORDINATOR in STAFF_ROLES


def test_an_unknown_mission_cannot_be_requested(staff_user):
    from reports.catalogue import get_kind

    assert not get_kind(KIND).can_request(staff_user, {"mission": 999_999})


def test_form():
    mission = MissionFactory()
    assert clean_filters(KIND, {"mission": mission.pk}) == {"mission": mission.pk}
    assert form_errors(KIND, {"mission": "999999"})["mission"] == ["Choose one of the missions."]


def _delegation():
    mission = MissionFactory(code="CMSP-MIS-2026-0042")
    accepted = ApplicationFactory(
        mission=mission,
        organization=OrganizationFactory(legal_name="Andes Automatización S.A.C.", trade_name=""),
        status=Application.Status.ACCEPTED,
        granted_delegates=2,
        delegates=2,
    )
    first, second = accepted.delegates.order_by("position")
    first.person.full_name = "Ana Quispe"
    first.person.save(update_fields=["full_name"])
    first.role = "=Gerente"
    first.confirmed_at = timezone.now()
    first.save(update_fields=["role", "confirmed_at"])
    ReadinessItemFactory(
        delegate=first,
        kind=ReadinessItem.Kind.PASSPORT,
        status="done",
        done_on=timezone.localdate(),
        valid_until=mission.ends_on + datetime.timedelta(days=400),
    )
    ReadinessItemFactory(
        delegate=first,
        kind=ReadinessItem.Kind.INSURANCE,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    ApplicationFactory(
        mission=mission,
        organization=OrganizationFactory(legal_name="Bombas del Sur S.A.", trade_name="Bombas"),
        status=Application.Status.WAITLISTED,
        waitlist_position=1,
        delegates=1,
    )
    ApplicationFactory(delegates=1)  # another mission's
    return mission, first, second


def test_sheets():
    mission, first, second = _delegation()
    built = build_xlsx(KIND, {"mission": mission.pk})

    assert list(built.sheets) == ["Delegates", "Organizations"]
    delegates = built.rows("Delegates")
    assert len(delegates) == 3
    ana = next(r for r in delegates if r["Delegate"] == "Ana Quispe")
    assert ana["Organization"] == "Andes Automatización S.A.C."
    assert ana["Application"] == "Place accepted"
    assert ana["Role in the delegation"] == "'=Gerente"
    assert ana["Included in the delegation"] == "Yes"
    assert isinstance(ana["Attendance confirmed"], datetime.datetime)
    assert ana["Readiness"] == "Missing"  # the insurance is overdue
    assert (ana["Items done"], ana["Items"]) == (1, 2)
    assert ana["Passport valid six months after return"] == "Done"
    assert ana["Travel insurance"] == "Missing"
    assert ana["Visa"] is None
    colleague = next(r for r in delegates if r["Delegate"] == second.person.full_name)
    assert colleague["Readiness"] == "Ready"  # on the board, no item asked for yet
    waiting = next(r for r in delegates if r["Organization"] == "Bombas")
    assert waiting["Application"] == "On the waitlist"
    assert waiting["Readiness"] is None  # not travelling (yet)

    organizations = {r["Organization"]: r for r in built.rows("Organizations")}
    assert organizations["Andes Automatización S.A.C."]["Delegates granted"] == 2
    assert organizations["Andes Automatización S.A.C."]["Delegates nominated"] == 2
    assert organizations["Bombas"]["Waitlist position"] == 1

    cells = built.every_cell()
    for person in (first.person, second.person):
        assert person.email not in cells
    assert built.content.file_stem == "delegation-cmsp-mis-2026-0042"


def test_queries_do_not_grow():
    mission = MissionFactory()
    ApplicationFactory(mission=mission, status=Application.Status.ACCEPTED, delegates=1)
    _rows, few = count_queries(6, lambda: consume(KIND, {"mission": mission.pk}))
    for _ in range(3):
        ApplicationFactory(mission=mission, status=Application.Status.ACCEPTED, delegates=2)
    rows, many = count_queries(6, lambda: consume(KIND, {"mission": mission.pk}))
    assert rows == 7 + 4
    assert few == many
