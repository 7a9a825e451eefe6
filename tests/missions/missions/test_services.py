"""Mission services (issue 12, H1): creating and changing a mission and its rules, criteria and
quotas, and the lifecycle (publish with one broadcast to the eligible people, the timed steps,
cancel). Each rule is refused with a clear error and changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from djmoney.money import Money

from cluster_portal.core import roles
from cluster_portal.core.workflows import run_time_transitions
from members.models import Organization
from missions.models import Application, ApplicationScore, Mission, MissionQuota
from missions.services import missions as services
from notifications.audiences import resolve_audience
from notifications.models import NotificationBroadcast
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import (
    ApplicationFactory,
    ApplicationScoreFactory,
    MissionFactory,
    MissionQuotaFactory,
)
from tests.missions.missions.helpers import coordinator, mission_data

pytestmark = pytest.mark.django_db

Status = Mission.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor():
    return coordinator()


def decisions(action: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__decision=action))


def draft(**kwargs: Any) -> Mission:
    return MissionFactory(status=Status.DRAFT, published_at=None, **kwargs)


def snapshot(mission: Mission) -> dict[str, Any]:
    mission.refresh_from_db()
    return {f.attname: getattr(mission, f.attname) for f in Mission._meta.concrete_fields}


# --- Creating ------------------------------------------------------------------------------


def test_create_makes_a_draft_with_a_code_and_a_unique_slug(actor):
    first = services.mission_create(actor=actor, data=mission_data())
    second = services.mission_create(actor=actor, data=mission_data())
    assert first.status == Status.DRAFT
    assert first.code.startswith(f"CMSP-MIS-{timezone.localdate().year}-")
    assert first.code != second.code
    assert first.slug == "mision-a-australia-occidental"
    assert second.slug == "mision-a-australia-occidental-2"
    assert first.created_by == actor
    assert first.cost_per_delegate == Money(Decimal("18000.00"), "PEN")
    assert len(decisions("mission.create")) == 2


@pytest.mark.parametrize(
    "role", [None, roles.AUDITOR, roles.PORTFOLIO_MANAGER, "member", "staff_no_role"]
)
def test_only_coordinators_create(role):
    if role is None:
        user = None
    elif role == "member":
        user = OrganizationMemberFactory(role="admin").user
    elif role == "staff_no_role":
        user = UserFactory(is_staff=True, totp=True)
    else:
        user = UserFactory(is_staff=True, totp=True, roles=[role])
    with pytest.raises(PermissionDenied):
        services.mission_create(actor=user, data=mission_data())
    assert not Mission.objects.exists()


def _later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


BAD_INPUT = {
    "unknown country": ({"country": "XX"}, "country"),
    "not a country": ({"country": "EU"}, "country"),
    "bad zone": ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    "return before departure": (
        {"ends_on": timezone.localdate() + datetime.timedelta(days=80)},
        "ends_on",
    ),
    "window closes before it opens": (
        {"applications_open_at": _later(40), "applications_close_at": _later(30)},
        "applications_close_at",
    ),
    "window closes on departure day": (
        {"applications_close_at": _later(90)},
        "applications_close_at",
    ),
    "fewer delegates than organizations": (
        {"capacity_organizations": 6, "capacity_delegates": 5},
        "capacity_delegates",
    ),
    "co-funding above cost": (
        {"co_funding_per_delegate": Money(Decimal("18000.01"), "PEN")},
        "co_funding_per_delegate",
    ),
    "co-funding in another currency": (
        {"co_funding_per_delegate": Money(Decimal("100.00"), "USD")},
        "co_funding_per_delegate",
    ),
    "unknown kind": ({"eligible_kinds": ["mets", "pirates"]}, "eligible_kinds"),
    "unknown region": ({"eligible_regions": ["atlantis"]}, "eligible_regions"),
    "no title": ({"title": "  "}, "title"),
    "no places": ({"capacity_organizations": 0}, "capacity_organizations"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_create_refuses_bad_input_and_writes_nothing(actor, case):
    overrides, field = BAD_INPUT[case]
    with pytest.raises(ValidationError) as error:
        services.mission_create(actor=actor, data=mission_data(**overrides))
    assert field in error.value.message_dict
    assert not Mission.objects.exists()
    assert not decisions("mission.create")


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_update_refuses_bad_input_and_changes_nothing(actor, case):
    mission = services.mission_create(actor=actor, data=mission_data())
    before = snapshot(mission)
    overrides, field = BAD_INPUT[case]
    with pytest.raises(ValidationError) as error:
        services.mission_update(actor=actor, mission=mission, data=overrides)
    assert field in error.value.message_dict
    assert snapshot(mission) == before
    assert not decisions("mission.update")


def test_any_valid_iana_zone_is_accepted(actor):
    mission = services.mission_create(
        actor=actor, data=mission_data(country="CL", time_zone="America/Punta_Arenas")
    )
    assert mission.time_zone == "America/Punta_Arenas"


# --- Changing ------------------------------------------------------------------------------


def test_update_saves_the_changes_and_audits_them(actor):
    mission = services.mission_create(actor=actor, data=mission_data())
    services.mission_update(
        actor=actor, mission=mission, data={"title": "Misión a Perth", "cities": "Perth"}
    )
    mission.refresh_from_db()
    assert (mission.title, mission.cities) == ("Misión a Perth", "Perth")
    assert mission.slug == "mision-a-australia-occidental"  # public address kept
    [entry] = decisions("mission.update")
    assert set(entry.changes) == {"title", "cities"}


def test_auditor_cannot_update(actor):
    mission = draft()
    before = snapshot(mission)
    with pytest.raises(PermissionDenied):
        services.mission_update(
            actor=UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR]),
            mission=mission,
            data={"title": "X"},
        )
    assert snapshot(mission) == before


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_a_finished_mission_cannot_change(actor, status):
    mission = MissionFactory(status=status)
    before = snapshot(mission)
    with pytest.raises(ValidationError) as error:
        services.mission_update(actor=actor, mission=mission, data={"title": "Otra"})
    assert error.value.code == "invalid_transition"
    assert snapshot(mission) == before


def test_a_travelling_mission_keeps_its_rules_but_texts_change(actor):
    mission = MissionFactory(status=Status.TRAVELLING)
    with pytest.raises(ValidationError) as error:
        services.mission_update(actor=actor, mission=mission, data={"capacity_delegates": 9})
    assert error.value.code == "invalid_transition"
    services.mission_update(actor=actor, mission=mission, data={"summary": "En Perth."})
    mission.refresh_from_db()
    assert (mission.summary, mission.capacity_delegates) == ("En Perth.", 4)


@pytest.mark.parametrize(
    ("before", "after", "refused"),
    [
        ([], ["mets"], True),  # every kind → only METS: narrower
        (["mets", "mining"], ["mets"], True),
        (["mets"], ["mets", "mining"], False),  # wider
        (["mets"], [], False),  # every kind: wider
    ],
)
def test_eligibility_cannot_narrow_once_organizations_applied(actor, before, after, refused):
    mission = MissionFactory(eligible_kinds=before)
    ApplicationFactory(mission=mission)
    if refused:
        with pytest.raises(ValidationError) as error:
            services.mission_update(actor=actor, mission=mission, data={"eligible_kinds": after})
        assert "widened, not narrowed" in str(error.value.message_dict["eligible_kinds"])
        mission.refresh_from_db()
        assert mission.eligible_kinds == before
    else:
        services.mission_update(actor=actor, mission=mission, data={"eligible_kinds": after})
        mission.refresh_from_db()
        assert mission.eligible_kinds == sorted(after)


def test_regions_cannot_narrow_once_organizations_applied(actor):
    mission = MissionFactory(eligible_regions=["arequipa", "tacna"])
    ApplicationFactory(mission=mission)
    with pytest.raises(ValidationError):
        services.mission_update(
            actor=actor, mission=mission, data={"eligible_regions": ["arequipa"]}
        )
    # Without applications the coordinator may narrow freely.
    other = MissionFactory(eligible_regions=["arequipa", "tacna"])
    services.mission_update(actor=actor, mission=other, data={"eligible_regions": ["tacna"]})
    other.refresh_from_db()
    assert other.eligible_regions == ["tacna"]


def test_capacity_cannot_drop_below_a_quota(actor):
    mission = MissionFactory(capacity_organizations=4, capacity_delegates=8)
    MissionQuotaFactory(mission=mission, group="small_company", minimum=3)
    with pytest.raises(ValidationError) as error:
        services.mission_update(actor=actor, mission=mission, data={"capacity_organizations": 2})
    assert "capacity_organizations" in error.value.message_dict
    mission.refresh_from_db()
    assert mission.capacity_organizations == 4


@pytest.fixture
def reruns(monkeypatch):
    calls: list[Mission] = []

    def fake(*, actor: Any, mission: Mission) -> None:
        calls.append(mission)

    monkeypatch.setattr("missions.services.applications.selection_rerun", fake)
    return calls


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (Status.CONFIRMED, {"capacity_organizations": 3, "capacity_delegates": 6}, 1),
        (Status.CONFIRMED, {"max_delegates_per_organization": 1}, 1),
        (Status.CONFIRMED, {"summary": "Otro resumen"}, 0),
        (Status.OPEN, {"capacity_organizations": 3, "capacity_delegates": 6}, 0),
        (Status.SELECTING, {"max_delegates_per_organization": 1}, 0),
    ],
)
def test_selection_reruns_when_capacity_changes_with_a_delegation(
    actor, reruns, status, data, expected
):
    mission = MissionFactory(status=status)
    services.mission_update(actor=actor, mission=mission, data=data)
    assert len(reruns) == expected
    if expected:
        assert reruns[0].capacity_organizations == data.get("capacity_organizations", 2)


# --- Criteria and quotas ------------------------------------------------------------------------


def test_criteria_replace_keep_and_remove(actor):
    mission = draft(criteria=2)
    first, second = mission.criteria.all()
    kept = services.mission_criteria_set(
        actor=actor,
        mission=mission,
        criteria=[
            {"id": second.pk, "name": "Capacidad exportadora", "weight": 70, "max_score": 5},
            {"name": "Región", "weight": 30, "max_score": 10},
        ],
    )
    assert [c.name for c in mission.criteria.all()] == ["Capacidad exportadora", "Región"]
    assert kept[0].pk == second.pk
    assert not mission.criteria.filter(pk=first.pk).exists()
    assert [c.position for c in mission.criteria.all()] == [0, 1]
    assert decisions("mission.criteria_set")


@pytest.mark.parametrize(
    "criteria",
    [
        [{"name": "A", "weight": 60}, {"name": "B", "weight": 30}],
        [{"name": "A", "weight": 100}, {"name": "B", "weight": 10}],
        [],
        [{"name": "", "weight": 100}],
        [{"name": "A", "weight": 100, "max_score": 0}],
    ],
)
def test_criteria_refused_change_nothing(actor, criteria):
    mission = draft(criteria=2)
    before = list(mission.criteria.values_list("pk", "name", "weight"))
    with pytest.raises(ValidationError):
        services.mission_criteria_set(actor=actor, mission=mission, criteria=criteria)
    assert list(mission.criteria.values_list("pk", "name", "weight")) == before


def test_weights_must_sum_to_100_and_say_so(actor):
    mission = draft(criteria=0)
    with pytest.raises(ValidationError) as error:
        services.mission_criteria_set(
            actor=actor, mission=mission, criteria=[{"name": "A", "weight": 90}]
        )
    assert "sum to 90" in " ".join(error.value.messages)


def test_a_criterion_of_another_mission_is_refused(actor):
    mission, other = draft(), draft()
    foreign = other.criteria.first()
    with pytest.raises(ValidationError):
        services.mission_criteria_set(
            actor=actor, mission=mission, criteria=[{"id": foreign.pk, "name": "X", "weight": 100}]
        )
    foreign.refresh_from_db()
    assert foreign.mission == other


def test_changing_weights_clears_score_totals(actor):
    mission = MissionFactory(status=Status.SELECTING)
    criterion = mission.criteria.first()
    application = ApplicationFactory(mission=mission, score=Decimal("80.00"))
    ApplicationScoreFactory(application=application, criterion=criterion)
    rows = [
        {"id": c.pk, "name": c.name, "weight": w}
        for c, w in zip(mission.criteria.all(), (50, 50), strict=True)
    ]
    services.mission_criteria_set(actor=actor, mission=mission, criteria=rows)
    application.refresh_from_db()
    assert application.score is None
    assert ApplicationScore.objects.filter(application=application).exists()


def test_renaming_a_criterion_keeps_score_totals(actor):
    mission = MissionFactory(status=Status.SELECTING)
    application = ApplicationFactory(mission=mission, score=Decimal("80.00"))
    rows = [{"id": c.pk, "name": f"{c.name}!", "weight": c.weight} for c in mission.criteria.all()]
    services.mission_criteria_set(actor=actor, mission=mission, criteria=rows)
    application.refresh_from_db()
    assert application.score == Decimal("80.00")


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.TRAVELLING, Status.CANCELLED])
def test_criteria_frozen_once_the_selection_is_published(actor, status):
    mission = MissionFactory(status=status)
    with pytest.raises(ValidationError) as error:
        services.mission_criteria_set(
            actor=actor, mission=mission, criteria=[{"name": "A", "weight": 100}]
        )
    assert error.value.code == "invalid_transition"
    assert mission.criteria.count() == 2


def test_quotas_set_each_minimum_within_capacity_sum_may_exceed(actor):
    mission = MissionFactory(capacity_organizations=4, capacity_delegates=8)
    services.mission_quotas_set(
        actor=actor,
        mission=mission,
        quotas={"small_company": 4, "outside_arequipa": 3, "academia": None},
    )
    assert dict(mission.quotas.values_list("group", "minimum")) == {
        "small_company": 4,
        "outside_arequipa": 3,
    }
    services.mission_quotas_set(actor=actor, mission=mission, quotas={"small_company": 2})
    assert dict(mission.quotas.values_list("group", "minimum")) == {"small_company": 2}
    assert len(decisions("mission.quotas_set")) == 2


@pytest.mark.parametrize(
    "quotas", [{"small_company": 5}, {"pirates": 1}, {"academia": -1}, {"academia": "many"}]
)
def test_bad_quotas_change_nothing(actor, quotas):
    mission = MissionFactory(capacity_organizations=4, capacity_delegates=8)
    MissionQuotaFactory(mission=mission, group="academia", minimum=1)
    with pytest.raises(ValidationError):
        services.mission_quotas_set(actor=actor, mission=mission, quotas=quotas)
    assert list(mission.quotas.values_list("group", "minimum")) == [("academia", 1)]


def test_quota_change_reruns_the_selection_with_a_delegation(actor, reruns):
    mission = MissionFactory(status=Status.CONFIRMED, capacity_organizations=4)
    services.mission_quotas_set(actor=actor, mission=mission, quotas={"small_company": 2})
    assert len(reruns) == 1
    services.mission_quotas_set(actor=actor, mission=mission, quotas={"small_company": 2})
    assert len(reruns) == 1  # nothing changed: no re-run


def test_quotas_frozen_once_travelling(actor):
    mission = MissionFactory(status=Status.TRAVELLING)
    with pytest.raises(ValidationError):
        services.mission_quotas_set(actor=actor, mission=mission, quotas={"academia": 1})
    assert not MissionQuota.objects.exists()


# --- Publishing --------------------------------------------------------------------------------


def test_publish_opens_and_broadcasts_once_to_the_eligible_people(actor):
    mission = draft(
        eligible_kinds=["mets"],
        eligible_regions=["arequipa", "tacna"],
        applications_open_at=timezone.now() + datetime.timedelta(days=1),
    )
    admitted = OrganizationMemberFactory(
        organization=OrganizationFactory(kind="mets", region="tacna")
    ).user
    also = OrganizationMemberFactory(organization=OrganizationFactory(kind="mets")).user
    OrganizationMemberFactory(organization=OrganizationFactory(kind="mining"))  # kind
    OrganizationMemberFactory(organization=OrganizationFactory(kind="mets", region="puno"))
    OrganizationMemberFactory(
        organization=OrganizationFactory(
            kind="mets", membership_status=Organization.MembershipStatus.SUSPENDED
        )
    )
    services.mission_publish(actor=actor, mission=mission)
    mission.refresh_from_db()
    assert mission.status == Status.OPEN
    assert mission.published_at is not None
    [broadcast] = NotificationBroadcast.objects.all()
    assert broadcast.event == "missions.published"
    assert broadcast.idempotency_key == f"missions.published:{mission.pk}"
    assert broadcast.context["mission_title"] == mission.title
    assert broadcast.context["destination"] == "Perth, Brisbane (Australia)"
    people = set(resolve_audience(broadcast.audience, broadcast.audience_params))
    assert people == {admitted, also}
    assert decisions("mission.publish")
    with pytest.raises(ValidationError):
        services.mission_publish(actor=actor, mission=mission)
    assert NotificationBroadcast.objects.count() == 1


def test_the_eligible_audience_admits_everyone_with_empty_lists():
    mission = draft()
    mets = OrganizationMemberFactory(organization=OrganizationFactory(kind="mets")).user
    mining = OrganizationMemberFactory(
        organization=OrganizationFactory(kind="mining", region="puno")
    ).user
    people = set(resolve_audience("missions.eligible_people", {"mission_id": mission.pk}))
    assert people == {mets, mining}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"criteria": 0}, "criteria"),
        ({"criteria": 3}, "sum to 99"),
        (
            {
                "applications_open_at": timezone.now() - datetime.timedelta(days=9),
                "applications_close_at": timezone.now() - datetime.timedelta(minutes=1),
            },
            "already closed",
        ),
    ],
)
def test_publish_refused_changes_nothing(actor, setup, message):
    mission = draft(**setup)
    with pytest.raises(ValidationError) as error:
        services.mission_publish(actor=actor, mission=mission)
    assert message in " ".join(error.value.messages)
    mission.refresh_from_db()
    assert (mission.status, mission.published_at) == (Status.DRAFT, None)
    assert not NotificationBroadcast.objects.exists()


def test_only_a_coordinator_publishes():
    mission = draft()
    with pytest.raises(PermissionDenied):
        services.mission_publish(
            actor=UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR]), mission=mission
        )
    with pytest.raises(PermissionDenied):
        services.mission_publish(actor=None, mission=mission)  # type: ignore[arg-type]
    mission.refresh_from_db()
    assert mission.status == Status.DRAFT


# --- Timed steps -------------------------------------------------------------------------------


def test_the_clock_closes_applications_starts_travel_and_completes():
    today = timezone.localdate()
    closing = MissionFactory(
        applications_open_at=timezone.now() - datetime.timedelta(days=3),
        applications_close_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    still_open = MissionFactory()
    leaving = MissionFactory(status=Status.CONFIRMED, starts_on=today, ends_on=today)
    back = MissionFactory(
        status=Status.TRAVELLING,
        starts_on=today - datetime.timedelta(days=8),
        ends_on=today - datetime.timedelta(days=1),
    )
    moved = run_time_transitions()
    assert moved["missions.mission.close_applications"] == 1
    for mission, status in [
        (closing, Status.SELECTING),
        (still_open, Status.OPEN),
        (leaving, Status.TRAVELLING),
        (back, Status.COMPLETED),
    ]:
        mission.refresh_from_db()
        assert mission.status == status
    assert run_time_transitions()["missions.mission.close_applications"] == 0
    [entry] = decisions("mission.close_applications")
    assert entry.actor is None


def test_a_timed_step_leaves_a_mission_that_moved_alone():
    mission = MissionFactory(status=Status.SELECTING)
    result = services.mission_close_applications(actor=None, mission=mission)
    assert result.status == Status.SELECTING
    assert not decisions("mission.close_applications")


def test_a_coordinator_closes_early_but_not_twice(actor):
    mission = MissionFactory()
    services.mission_close_applications(actor=actor, mission=mission)
    mission.refresh_from_db()
    assert mission.status == Status.SELECTING
    with pytest.raises(ValidationError) as error:
        services.mission_close_applications(actor=actor, mission=mission)
    assert error.value.code == "invalid_transition"


def test_a_coordinator_marks_travel_and_completion(actor):
    mission = MissionFactory(status=Status.CONFIRMED)
    services.mission_start_travel(actor=actor, mission=mission)
    services.mission_complete(actor=actor, mission=mission)
    mission.refresh_from_db()
    assert mission.status == Status.COMPLETED


# --- Cancelling --------------------------------------------------------------------------------


def test_cancel_tells_the_applicants_still_in(actor):
    mission = MissionFactory(status=Status.CONFIRMED)
    offered = ApplicationFactory(
        mission=mission,
        status=Application.Status.OFFERED,
        hold_until=timezone.now() + datetime.timedelta(hours=5),
    )
    waiting = ApplicationFactory(mission=mission, status=Application.Status.WAITLISTED)
    gone = ApplicationFactory(mission=mission, status=Application.Status.WITHDRAWN)
    services.mission_cancel(actor=actor, mission=mission, reason="Cierre de fronteras.")
    mission.refresh_from_db()
    assert (mission.status, mission.status_reason) == (Status.CANCELLED, "Cierre de fronteras.")
    offered.refresh_from_db()
    assert offered.hold_until is None  # nothing lapses or gets promoted on a cancelled mission
    [broadcast] = NotificationBroadcast.objects.all()
    assert broadcast.event == "missions.cancelled"
    assert broadcast.context["reason"] == "Cierre de fronteras."
    people = set(resolve_audience(broadcast.audience, broadcast.audience_params))
    in_organizations = {
        m.user
        for a in (offered, waiting)
        for m in a.organization.memberships.select_related("user")
    }
    assert people == in_organizations
    assert not people & {m.user for m in gone.organization.memberships.all()}
    [entry] = decisions("mission.cancel")
    assert entry.additional_data["reason"] == "Cierre de fronteras."


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_cancel_needs_a_short_reason(actor, reason):
    mission = MissionFactory()
    with pytest.raises(ValidationError) as error:
        services.mission_cancel(actor=actor, mission=mission, reason=reason)
    assert "reason" in error.value.message_dict
    mission.refresh_from_db()
    assert mission.status == Status.OPEN


def test_cancel_refused_once_travelling_and_for_non_coordinators(actor):
    mission = MissionFactory(status=Status.TRAVELLING)
    with pytest.raises(ValidationError):
        services.mission_cancel(actor=actor, mission=mission, reason="Tarde.")
    open_mission = MissionFactory()
    with pytest.raises(PermissionDenied):
        services.mission_cancel(
            actor=UserFactory(is_staff=True, totp=True, roles=[roles.AUDITOR]),
            mission=open_mission,
            reason="No.",
        )
    open_mission.refresh_from_db()
    assert open_mission.status == Status.OPEN
    assert not NotificationBroadcast.objects.exists()


def test_cancel_without_applicants_broadcasts_nothing(actor):
    mission = draft()
    services.mission_cancel(actor=actor, mission=mission, reason="Sin presupuesto.")
    assert not NotificationBroadcast.objects.exists()


def test_a_title_that_names_another_page_gets_another_slug() -> None:
    from django.urls import resolve

    from missions.services.missions import RESERVED_SLUGS, _unique_slug

    for reserved in sorted(RESERVED_SLUGS):
        slug = _unique_slug(reserved.title())
        assert slug not in RESERVED_SLUGS
        assert resolve(f"/missions/{slug}/").url_name == "mission_detail"
    assert resolve("/missions/ours/").url_name == "our_missions"
