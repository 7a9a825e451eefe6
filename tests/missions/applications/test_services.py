"""Services of mission applications: apply, edit, withdraw; scores; publishing the selection;
promotions after a withdrawal, a decline or a lapsed hold; re-runs; accepting an offer."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cluster_portal.core.workflows import run_time_transitions
from missions.models import Application, ApplicationScore, Delegate, Mission, ReadinessItem
from missions.services import applications as services
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.applications.world import (
    admin_of,
    apply,
    coordinator,
    events,
    selecting_world,
)
from tests.missions.factories import MissionFactory, MissionQuotaFactory

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _people(organization, n: int):
    return [OrganizationMemberFactory(organization=organization).user for _ in range(n)]


# --- Apply and edit ----------------------------------------------------------------------------


def test_admin_applies_with_delegates_in_order_and_admins_are_told() -> None:
    mission = MissionFactory()
    organization = OrganizationFactory()
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    first, second = _people(organization, 2)
    application = services.application_create(
        actor=admin,
        mission=mission,
        organization=organization,
        motivation="  Automation suppliers.  ",
        delegates=[second, first],
        delegate_roles=["CEO", ""],
    )
    assert application.status == S.SUBMITTED
    assert application.motivation == "Automation suppliers."
    delegates = list(application.delegates.order_by("position"))
    assert [(d.person, d.position, d.role) for d in delegates] == [
        (second, 1, "CEO"),
        (first, 2, ""),
    ]
    (note,) = events("missions.application_received")
    assert note.recipient == admin
    assert "2 persona(s) delegada(s)" in note.body  # the admin reads Spanish


@pytest.mark.parametrize("role", ["member", None])
def test_only_the_admin_applies(role: str | None) -> None:
    mission = MissionFactory()
    organization = OrganizationFactory()
    person = (
        OrganizationMemberFactory(organization=organization, role=role).user
        if role
        else UserFactory()
    )
    with pytest.raises(PermissionDenied):
        services.application_create(
            actor=person,
            mission=mission,
            organization=organization,
            motivation="x",
            delegates=_people(organization, 1),
        )
    assert not Application.objects.exists()


def _try_apply(mission: Mission, organization, delegates, **kwargs) -> ValidationError:
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            actor=admin,
            mission=mission,
            organization=organization,
            motivation="x",
            delegates=delegates,
            **kwargs,
        )
    return caught.value


def test_bad_delegations_are_refused_with_a_clear_error() -> None:
    mission = MissionFactory(max_delegates_per_organization=2)
    organization = OrganizationFactory()
    people = _people(organization, 3)
    assert "at most 2" in str(_try_apply(mission, organization, people))
    assert "at least one" in str(_try_apply(mission, organization, []))
    assert "only once" in str(_try_apply(mission, organization, [people[0], people[0]]))
    stranger = UserFactory(full_name="Rosa Quispe")
    assert "Rosa Quispe" in str(_try_apply(mission, organization, [stranger]))
    assert not Application.objects.exists()
    assert not Delegate.objects.exists()


def test_a_person_travels_once_per_mission() -> None:
    mission = MissionFactory()
    first = apply(mission, score=None, delegates=1)
    person = first.delegates.get().person
    other = OrganizationFactory()
    OrganizationMemberFactory(organization=other, user=person)
    error = _try_apply(mission, other, [person])
    assert "travels once per mission" in str(error)
    assert Application.objects.count() == 1


def test_one_application_per_organization() -> None:
    mission = MissionFactory()
    first = apply(mission, score=None, delegates=1)
    error = _try_apply(mission, first.organization, _people(first.organization, 1))
    assert error.code == "already_applied"


def test_window_and_eligibility_are_checked() -> None:
    closed = MissionFactory(applications_close_at=timezone.now() - datetime.timedelta(hours=1))
    organization = OrganizationFactory()
    assert "closed" in str(_try_apply(closed, organization, _people(organization, 1)))
    mining_only = MissionFactory(eligible_kinds=["mining"])
    assert "kind" in str(_try_apply(mining_only, organization, _people(organization, 1)))
    assert not Application.objects.exists()


def test_edit_while_open_and_not_after() -> None:
    mission = MissionFactory()
    application = apply(mission, score=None, delegates=2)
    admin = admin_of(application)
    newcomer = _people(application.organization, 1)[0]
    kept = application.delegates.get(position=2).person
    services.application_update(
        actor=admin,
        application=application,
        motivation="New motivation",
        delegates=[kept, newcomer],
    )
    application.refresh_from_db()
    assert application.motivation == "New motivation"
    assert [d.person for d in application.delegates.order_by("position")] == [kept, newcomer]

    member = OrganizationMemberFactory(organization=application.organization).user
    with pytest.raises(PermissionDenied):
        services.application_update(
            actor=member, application=application, motivation="no", delegates=[kept]
        )
    Mission.objects.filter(pk=mission.pk).update(
        applications_close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    application.mission.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.application_update(
            actor=admin, application=application, motivation="late", delegates=[kept]
        )
    application.refresh_from_db()
    assert application.motivation == "New motivation"


def test_withdraw_before_selection() -> None:
    application = apply(MissionFactory(), score=None)
    services.application_withdraw(actor=admin_of(application), application=application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.withdrawn_at is not None
    with pytest.raises(ValidationError):
        services.application_withdraw(actor=admin_of(application), application=application)


# --- Scores ------------------------------------------------------------------------------------


def test_score_is_the_weighted_total_once_every_criterion_is_scored() -> None:
    mission = MissionFactory()
    first, second = mission.criteria.order_by("position")  # 60 % and 40 %, out of 5
    application = apply(mission, score=None)
    boss = coordinator()
    services.application_score(actor=boss, application=application, values={first.pk: "4"})
    application.refresh_from_db()
    assert application.score is None
    services.application_score(
        actor=boss, application=application, values={second.pk: "3.5"}, notes={second.pk: "ok"}
    )
    application.refresh_from_db()
    assert application.score == Decimal("76.00")  # 60*4/5 + 40*3.5/5
    assert ApplicationScore.objects.get(criterion=second).note == "ok"


def test_scores_out_of_range_or_by_others_are_refused() -> None:
    mission = MissionFactory()
    first, _second = mission.criteria.order_by("position")
    application = apply(mission, score=None)
    with pytest.raises(ValidationError) as caught:
        services.application_score(
            actor=coordinator(), application=application, values={first.pk: "6"}
        )
    assert f"criterion_{first.pk}" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.application_score(
            actor=coordinator(), application=application, values={first.pk: "abc"}
        )
    with pytest.raises(PermissionDenied):
        services.application_score(
            actor=admin_of(application), application=application, values={first.pk: "4"}
        )
    assert not ApplicationScore.objects.exists()
    Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.CONFIRMED)
    application.mission.refresh_from_db()
    with pytest.raises(ValidationError, match="open or selecting"):
        services.application_score(
            actor=coordinator(), application=application, values={first.pk: "4"}
        )


# --- Publishing the selection ------------------------------------------------------------------


def test_publish_offers_waitlists_and_reports() -> None:
    world = selecting_world()
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    assert world.mission.status == Mission.Status.CONFIRMED
    assert world.a.status == S.OFFERED
    assert world.small.status == S.OFFERED  # the quota of one small company
    assert (world.b.status, world.b.waitlist_position) == (S.WAITLISTED, 1)
    assert (world.c.status, world.c.waitlist_position) == (S.WAITLISTED, 2)
    hold = world.a.hold_until - world.a.offered_at
    assert hold == datetime.timedelta(hours=world.mission.hold_hours)
    assert world.a.granted_delegates == 2
    report = world.mission.selection_report
    assert report["organizations"] == 2
    assert report["delegates"] == 4
    assert report["quotas"] == [
        {
            "group": "small_company",
            "minimum": 1,
            "selected": 1,
            "available": 1,
            "missing": 0,
            "reason": None,
        }
    ]
    assert world.mission.selection_run_at is not None
    assert {n.recipient for n in events("missions.place_offered")} == {
        admin_of(world.a),
        admin_of(world.small),
    }
    assert len(events("missions.waitlisted")) == 2


def test_publish_never_exceeds_capacity_and_explains_unmet_quotas() -> None:
    world = selecting_world(capacity_organizations=3, capacity_delegates=5)
    MissionQuotaFactory(mission=world.mission, group="outside_arequipa", minimum=2)
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    holders = Application.objects.filter(status=S.OFFERED)
    assert holders.count() <= 3
    assert sum(a.granted_delegates for a in holders) <= 5
    (outside,) = [
        q for q in world.mission.selection_report["quotas"] if q["group"] == "outside_arequipa"
    ]
    assert outside["missing"] == 2
    assert outside["reason"] == "not_enough_applicants"


def test_trimmed_delegation_includes_the_first_nominated() -> None:
    world = selecting_world(max_delegates_per_organization=1, capacity_delegates=2)
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    assert world.a.granted_delegates == 1
    assert list(world.a.delegates.order_by("position").values_list("included", flat=True)) == [
        True,
        False,
    ]
    assert {t["application_id"] for t in world.mission.selection_report["trims"]} >= {world.a.pk}


def test_publish_waits_for_every_eligible_score() -> None:
    world = selecting_world()
    Application.objects.filter(pk=world.c.pk).update(score=None)
    with pytest.raises(ValidationError) as caught:
        services.selection_publish(actor=world.coordinator, mission=world.mission)
    assert world.c.organization.display_name in str(caught.value)
    world.refresh()
    assert world.mission.status == Mission.Status.SELECTING
    assert world.a.status == S.SUBMITTED


def test_only_coordinators_publish() -> None:
    world = selecting_world()
    with pytest.raises(PermissionDenied):
        services.selection_publish(actor=admin_of(world.a), mission=world.mission)
    world.refresh()
    assert world.mission.status == Mission.Status.SELECTING


# --- Freed places ------------------------------------------------------------------------------


@pytest.fixture
def published():
    world = selecting_world()
    services.selection_publish(actor=world.coordinator, mission=world.mission)
    world.refresh()
    return world


def test_withdrawal_promotes_the_next_in_the_same_bucket(published) -> None:
    world = published
    # c (score 40) joins the small companies' bucket: b is first on the waitlist but does
    # not restore the quota the leaving small company counted for.
    organization = world.c.organization
    organization.employee_band = "1-10"
    organization.save(update_fields=["employee_band"])
    services.application_withdraw(actor=admin_of(world.small), application=world.small)
    world.refresh()
    assert world.small.status == S.WITHDRAWN
    assert world.c.status == S.OFFERED
    assert world.c.promoted is True
    assert world.c.hold_until > timezone.now() + datetime.timedelta(hours=71)
    assert (world.b.status, world.b.waitlist_position) == (S.WAITLISTED, 1)
    assert world.c.waitlist_position is None
    (promotion,) = events("missions.place_promoted")
    assert promotion.recipient == admin_of(world.c)
    assert timezone.localtime(world.c.hold_until).strftime("%d/%m/%Y %H:%M") in promotion.body
    (freed,) = events("missions.place_freed")
    assert freed.recipient == world.coordinator
    assert "se retiró" in freed.body
    assert world.c.organization.display_name in freed.body


def test_decline_promotes_in_waitlist_order(published) -> None:
    world = published
    services.application_decline(actor=admin_of(world.a), application=world.a)
    world.refresh()
    assert world.a.status == S.DECLINED
    assert world.b.status == S.OFFERED
    assert (world.c.status, world.c.waitlist_position) == (S.WAITLISTED, 1)
    assert "rechazó" in events("missions.place_freed")[0].body


def test_a_lapsed_hold_promotes_the_next(published) -> None:
    world = published
    later = world.a.hold_until + datetime.timedelta(minutes=1)
    moved = run_time_transitions(now=later)
    assert moved["missions.application.lapse"] == 2  # a and small
    world.refresh()
    assert world.a.status == S.LAPSED
    assert world.small.status == S.LAPSED
    assert world.b.status == S.OFFERED
    assert world.c.status == S.OFFERED
    assert {n.recipient for n in events("missions.offer_lapsed")} == {
        admin_of(world.a),
        admin_of(world.small),
    }
    assert len(events("missions.place_promoted")) == 2


def test_a_withdrawn_application_is_never_promoted(published) -> None:
    world = published
    services.application_withdraw(actor=admin_of(world.b), application=world.b)
    world.refresh()
    assert (world.c.status, world.c.waitlist_position) == (S.WAITLISTED, 1)
    services.application_withdraw(actor=admin_of(world.a), application=world.a)
    world.refresh()
    assert world.b.status == S.WITHDRAWN
    assert world.c.status == S.OFFERED
    services.application_withdraw(actor=admin_of(world.c), application=world.c)
    world.refresh()
    assert Application.objects.filter(status=S.OFFERED).get() == world.small
    assert "Nadie de la lista de espera" in events("missions.place_freed")[-1].body


def test_lapse_is_for_the_system_only(published) -> None:
    world = published
    with pytest.raises(PermissionDenied):
        services.application_lapse(actor=world.coordinator, application=world.a)  # type: ignore[arg-type]
    world.refresh()
    assert world.a.status == S.OFFERED


# --- Accept ------------------------------------------------------------------------------------


def test_accept_within_the_hold_confirms_the_delegation(published) -> None:
    world = published
    services.application_accept(actor=admin_of(world.a), application=world.a)
    world.refresh()
    assert world.a.status == S.ACCEPTED
    assert world.a.responded_at is not None
    included = set(world.a.delegates.filter(included=True))
    assert {n.recipient for n in events("missions.delegation_confirmed")} == {
        d.person for d in included
    }
    assert ReadinessItem.objects.filter(delegate__in=included).exists()


def test_accept_after_the_hold_or_by_a_member_is_refused(published) -> None:
    world = published
    member = OrganizationMemberFactory(organization=world.a.organization).user
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=member, application=world.a)
    Application.objects.filter(pk=world.a.pk).update(
        hold_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    world.a.refresh_from_db()
    with pytest.raises(PermissionDenied, match="ended"):
        services.application_accept(actor=admin_of(world.a), application=world.a)
    world.refresh()
    assert world.a.status == S.OFFERED


# --- Re-run ------------------------------------------------------------------------------------


def test_rerun_after_more_capacity_offers_the_waitlist(published) -> None:
    world = published
    services.application_accept(actor=admin_of(world.a), application=world.a)
    small_hold = Application.objects.get(pk=world.small.pk).hold_until
    Mission.objects.filter(pk=world.mission.pk).update(
        capacity_organizations=3, capacity_delegates=6
    )
    world.mission.refresh_from_db()
    services.selection_rerun(actor=world.coordinator, mission=world.mission)
    world.refresh()
    assert world.a.status == S.ACCEPTED
    assert world.small.status == S.OFFERED
    assert world.small.hold_until == small_hold  # still held, kept
    assert world.b.status == S.OFFERED
    assert (world.c.status, world.c.waitlist_position) == (S.WAITLISTED, 1)
    assert world.mission.selection_report["kind"] == "rerun"


def test_rerun_after_less_capacity_sends_offers_back_to_the_waitlist(published) -> None:
    world = published
    services.application_accept(actor=admin_of(world.small), application=world.small)
    Mission.objects.filter(pk=world.mission.pk).update(capacity_organizations=1)
    world.mission.refresh_from_db()
    services.selection_rerun(actor=world.coordinator, mission=world.mission)
    world.refresh()
    assert world.small.status == S.ACCEPTED  # confirmed delegations are kept
    assert (world.a.status, world.a.waitlist_position) == (S.WAITLISTED, 1)
    assert world.a.hold_until is None
    assert [a.waitlist_position for a in (world.b, world.c)] == [2, 3]
    assert admin_of(world.a) in {n.recipient for n in events("missions.waitlisted")}
    assert Application.objects.filter(status__in=[S.OFFERED, S.ACCEPTED]).count() == 1


def test_rerun_does_nothing_before_the_selection_is_published() -> None:
    world = selecting_world()
    services.selection_rerun(actor=world.coordinator, mission=world.mission)
    world.refresh()
    assert world.a.status == S.SUBMITTED
    assert world.mission.selection_report == {}
