"""The missions demo dataset: the three missions in their states, valid, idempotent, and alive
when seeded again on a later day."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from challenges import demo as challenges_demo
from challenges.models import ImpactEntry, ProjectOrganization
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members import demo as members_demo
from members.models import Organization, OrganizationMember, User
from missions import calendars, demo, permissions
from missions.checklist import State
from missions.demo import australia, chile, expomin
from missions.demo.common import COORDINATOR_EMAIL, EXTRA_PEOPLE
from missions.models import (
    AgendaItem,
    Agreement,
    Application,
    Mission,
    Outcome,
    ReadinessItem,
    ReadinessReminder,
)
from missions.selectors.agenda import calendar_items
from missions.selectors.applications import holders_and_waitlist
from missions.selectors.readiness import readiness_board
from notifications.models import Notification, OutboxEmail
from notifications.services import in_app_only

pytestmark = pytest.mark.django_db

Status = Application.Status
OUTPUT: list[str] = []


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The members', open-innovation and missions demos, seeded once for the module (as
    ``seed_demo`` does, in-app only) inside a transaction rolled back at the end; each test runs
    in its own savepoint on top of it. Uploads go to a temporary directory."""
    field = Attachment._meta.get_field("file")
    storage = field.storage
    field.storage = PrivateFileSystemStorage(location=str(tmp_path_factory.mktemp("private")))
    with django_db_blocker.unblock(), transaction.atomic(), in_app_only():
        members_demo.seed(stdout=io.StringIO())
        challenges_demo.seed(stdout=io.StringIO())
        emails = OutboxEmail.objects.count()
        out = io.StringIO()
        demo.seed(stdout=out)
        OUTPUT[:] = [out.getvalue(), str(OutboxEmail.objects.count() - emails)]
        yield
        transaction.set_rollback(True)
    field.storage = storage


def _counts() -> dict[str, int]:
    counted: list[Any] = list(apps.get_app_config("missions").get_models())
    counted += [User, OrganizationMember, Notification, OutboxEmail, ImpactEntry]
    return {model.__name__: model.objects.count() for model in counted}


def _mission(plan: Any) -> Mission:
    return Mission.objects.get(title=plan.title)


def _statuses(mission: Mission) -> Counter[str]:
    return Counter(mission.applications.values_list("status", flat=True))


def _board_states(mission: Mission) -> dict[str, State]:
    return {r.delegate.person.email: r.state for r in readiness_board(mission=mission).rows}


# --- The whole dataset -------------------------------------------------------------------------


def test_seed_twice_leaves_the_same_data(seeded: None) -> None:
    first = _counts()
    with in_app_only():
        demo.seed(stdout=io.StringIO())
    assert _counts() == first


def test_the_seed_prints_a_summary_and_sends_no_email(seeded: None) -> None:
    summary, emails = OUTPUT
    assert "missions:" in summary
    assert australia.PLAN.title in summary
    assert expomin.PLAN.title in summary
    assert emails == "0"


def test_every_demo_row_is_valid(seeded: None) -> None:
    models: list[Any] = list(apps.get_app_config("missions").get_models())
    for model in models:
        for row in model.objects.all():
            row.full_clean()


def test_the_coordinator_runs_every_mission(seeded: None) -> None:
    missions = Mission.objects.all()
    assert missions.count() == 3
    assert {m.created_by.email for m in missions if m.created_by} == {COORDINATOR_EMAIL}
    assert all(m.created_by for m in missions)
    assert all(m.code.startswith("CMSP-MIS-") and m.title_en and m.summary_en for m in missions)
    # The extra delegates belong to their organizations, as members.
    for email, _name, _key, _position in EXTRA_PEOPLE:
        membership = OrganizationMember.objects.get(user__email=email)
        assert membership.role == OrganizationMember.Role.MEMBER


# --- Australia: open for applications ----------------------------------------------------------


def test_australia_is_open_for_applications_now(seeded: None) -> None:
    mission = _mission(australia.PLAN)
    now = timezone.now()
    today = timezone.localdate()
    assert mission.status == Mission.Status.OPEN
    assert permissions.window_is_open(mission)
    assert (now - mission.applications_open_at).days in (9, 10)
    assert (mission.applications_close_at - now).days in (19, 20)
    assert (mission.starts_on - today).days == 75
    assert (mission.ends_on - mission.starts_on).days + 1 == 8
    assert (mission.capacity_organizations, mission.capacity_delegates) == (6, 10)
    assert mission.max_delegates_per_organization == 2
    assert mission.cost_per_delegate == Money(Decimal("21500"), "PEN")
    assert mission.co_funding_per_delegate == Money(Decimal("10000"), "PEN")
    assert "PROINNÓVATE" in mission.co_funding_note
    assert set(mission.eligible_kinds) == {"mets", "academia"}
    assert [c.weight for c in mission.criteria.all()] == [40, 35, 25]
    assert all(c.name_en for c in mission.criteria.all())
    assert {(q.group, q.minimum) for q in mission.quotas.all()} == {
        ("small_company", 2),
        ("outside_arequipa", 2),
    }


def test_australia_has_an_agenda_in_perth_and_brisbane(seeded: None) -> None:
    mission = _mission(australia.PLAN)
    items = list(mission.agenda.all())
    assert len(items) >= 8
    assert {i.zone for i in items} == {"Australia/Perth", "Australia/Brisbane"}
    assert {i.city for i in items} == {"Perth", "Brisbane"}
    assert set(AgendaItem.Kind.values) - {"other"} <= {i.kind for i in items}
    assert all(i.host and i.address and i.title_en for i in items)
    hosts = " ".join(i.host for i in items)
    for name in ("METS Ignited", "CSIRO", "Curtin", "Sustainable Minerals Institute"):
        assert name in hosts
    # 09:00 in Perth is 20:00 the day before in Lima.
    opening = next(i for i in items if i.zone == "Australia/Perth")
    [value] = calendar_items([opening], include_addresses=False)
    times = calendars.local_and_lima(value)
    assert times.local.start_time == datetime.time(9, 0)
    assert times.lima.start_time == datetime.time(20, 0)
    assert times.lima.start_date == times.local.start_date - datetime.timedelta(days=1)


def test_australia_has_five_applications_and_andestech_can_still_apply(seeded: None) -> None:
    mission = _mission(australia.PLAN)
    applications = list(mission.applications.select_related("organization"))
    assert len(applications) == 5
    assert {a.status for a in applications} == {Status.SUBMITTED}
    scored = [a for a in applications if a.score is not None]
    assert 2 <= len(scored) < 5
    assert all(a.scores.count() == 3 for a in scored)
    assert {a.organization.kind for a in applications} == {"mets", "academia"}
    assert len({a.organization.region for a in applications}) >= 3
    assert any(a.delegates.count() == 2 for a in applications)
    jorge = User.objects.get(email="jorge.huaman@andestech.pe")
    andestech = Organization.objects.get(trade_name="AndesTech")
    assert not mission.applications.filter(organization=andestech).exists()
    assert permissions.can_apply(jorge, mission, andestech)


# --- Chile: selection published ----------------------------------------------------------------


def test_chile_selection_is_published_with_every_outcome(seeded: None) -> None:
    mission = _mission(chile.PLAN)
    assert mission.status == Mission.Status.CONFIRMED
    assert (mission.starts_on - timezone.localdate()).days == 35
    assert mission.selection_report["kind"] == "publish"
    assert all(q["missing"] == 0 for q in mission.selection_report["quotas"])
    statuses = _statuses(mission)
    assert sum(statuses.values()) == 10
    assert statuses[Status.ACCEPTED] >= 3
    assert statuses[Status.OFFERED] == 1
    assert statuses[Status.WAITLISTED] >= 2
    assert statuses[Status.NOT_SELECTED] == 1
    assert statuses[Status.DECLINED] == 1
    assert statuses[Status.WITHDRAWN] == 1
    # The places held never exceed the capacities.
    holders = mission.applications.filter(status__in=[Status.ACCEPTED, Status.OFFERED])
    assert holders.count() <= mission.capacity_organizations
    delegates = sum(a.delegates.filter(included=True).count() for a in holders)
    assert delegates <= mission.capacity_delegates


def test_chile_offer_held_after_a_withdrawal_and_a_promotion_accepted(seeded: None) -> None:
    mission = _mission(chile.PLAN)
    offered = mission.applications.get(status=Status.OFFERED)
    assert offered.promoted
    assert offered.hold_until is not None
    left = (offered.hold_until - timezone.now()).total_seconds() / 86400
    assert 1.5 <= left <= 3
    withdrawn = mission.applications.get(status=Status.WITHDRAWN)
    assert withdrawn.withdrawn_at == offered.offered_at  # the promotion is immediate
    assert withdrawn.status_reason
    promoted_accepted = mission.applications.filter(status=Status.ACCEPTED, promoted=True)
    assert promoted_accepted.count() == 1
    declined = mission.applications.get(status=Status.DECLINED)
    assert declined.responded_at == promoted_accepted.get().offered_at
    waitlist = list(mission.applications.filter(status=Status.WAITLISTED))
    positions = [a.waitlist_position or 0 for a in waitlist]
    assert sorted(positions) == list(range(1, len(waitlist) + 1))
    applications = list(mission.applications.prefetch_related("delegates"))
    _holders, order = holders_and_waitlist(applications)
    assert order == [a.pk for a in sorted(waitlist, key=lambda a: a.waitlist_position or 0)]
    # The not-selected one was left out as not eligible (suspended after it applied).
    not_selected = mission.applications.select_related("organization").get(
        status=Status.NOT_SELECTED
    )
    assert not_selected.organization.membership_status == Organization.MembershipStatus.SUSPENDED
    assert not permissions.organization_eligibility(mission, not_selected.organization)
    # The promoted organizations were told.
    assert Notification.objects.filter(event="missions.place_promoted").count() == 2


def test_chile_readiness_in_every_state_with_reminders(seeded: None) -> None:
    mission = _mission(chile.PLAN)
    board = readiness_board(mission=mission)
    assert board.total >= 5
    assert all(row.items for row in board.rows)
    states = Counter(row.state for row in board.rows)
    assert {State.READY, State.AT_RISK, State.MISSING} <= set(states)
    items = [item for row in board.rows for item in row.items]
    assert {State.DONE, State.AT_RISK, State.MISSING} <= {i.state for i in items}
    overdue = [i for i in items if i.state == State.MISSING]
    assert all(i.item.due_on < timezone.localdate() for i in overdue)
    assert 0 < board.confirmed < board.total
    reminders = ReadinessReminder.objects.filter(item__delegate__mission=mission)
    assert {r.kind for r in reminders} == {"before", "overdue"}
    assert Notification.objects.filter(event="missions.readiness_overdue").exists()
    # Nothing is kept of a passport but its dates.
    passports = ReadinessItem.objects.filter(delegate__mission=mission, kind="passport")
    assert all(not any(c.isdigit() for c in p.note) for p in passports)


def test_chile_agenda_shows_santiago_summer_time(seeded: None) -> None:
    mission = _mission(chile.PLAN)
    items = list(mission.agenda.prefetch_related("attendees"))
    assert {i.city for i in items} == {"Antofagasta", "Santiago"}
    assert {i.zone for i in items} == {"America/Santiago"}
    for item in items:
        [value] = calendar_items([item], include_addresses=True)
        times = calendars.local_and_lima(value)
        # December-January: Chile on summer time (UTC-3), two hours ahead of Lima.
        assert times.local.starts_at.utcoffset() == datetime.timedelta(hours=-3)
        assert times.lima.starts_at.utcoffset() == datetime.timedelta(hours=-5)
        local_hour = times.local.start_time.hour
        assert (local_hour - times.lima.start_time.hour) % 24 == 2
    chosen = [i for i in items if not i.for_everyone]
    assert len(chosen) == 1
    assert chosen[0].attendees.count() == 3
    moved = [i for i in items if i.sequence > 0]
    assert len(moved) == 1
    assert Notification.objects.filter(event="missions.agenda_changed").exists()
    hosts = " ".join(i.host for i in items)
    for name in ("Antofagasta", "Fundación Chile", "AMTC"):
        assert name in hosts


def test_jorge_is_a_delegate_ready_to_travel_to_chile(seeded: None) -> None:
    mission = _mission(chile.PLAN)
    states = _board_states(mission)
    assert states["jorge.huaman@andestech.pe"] == State.READY
    delegate = mission.delegates.get(person__email="jorge.huaman@andestech.pe")
    assert delegate.confirmed_at is not None
    assert permissions.can_see_agenda_addresses(delegate.person, mission)


# --- The completed mission ---------------------------------------------------------------------


def test_the_completed_mission_has_its_outcomes_and_agreements(seeded: None) -> None:
    mission = _mission(expomin.PLAN)
    assert mission.status == Mission.Status.COMPLETED
    assert mission.ends_on < timezone.localdate()
    assert mission.agenda.count() >= 4
    delegation = mission.delegates.filter(included=True, application__status=Status.ACCEPTED)
    outcomes = Outcome.objects.filter(delegate__in=delegation)
    assert delegation.count() > outcomes.count() >= delegation.count() - 2
    assert {str(o.business_generated.currency) for o in outcomes if o.business_generated} == {
        "USD",
        "PEN",
    }
    assert all(o.contacts_made > 0 for o in outcomes)
    assert _statuses(mission)[Status.WAITLISTED] == 1
    kinds = set(mission.agreements.values_list("kind", flat=True))
    assert {Agreement.Kind.MOU, Agreement.Kind.CONTRACT} <= kinds


def test_the_contract_is_in_the_supplier_leads_impact_ledger(seeded: None) -> None:
    mission = _mission(expomin.PLAN)
    contract = mission.agreements.select_related(
        "impact_entry__project", "delegate__application"
    ).get(kind=Agreement.Kind.CONTRACT)
    entry = contract.impact_entry
    assert entry is not None
    assert entry.kind == ImpactEntry.Kind.CONTRACT
    assert entry.amount == contract.value
    assert entry.occurred_on == contract.signed_on
    assert entry.project.title == expomin.IMPACT_PROJECT
    lead = entry.project.participants.get(role=ProjectOrganization.Role.LEAD)
    assert lead.organization_id == contract.delegate.application.organization_id
    assert mission.code in entry.description


# --- The pages show the demo ------------------------------------------------------------------


def test_the_coordinators_pages_show_the_demo(seeded: None) -> None:
    renato = User.objects.get(email=COORDINATOR_EMAIL)
    TOTP.activate(renato, generate_totp_secret())  # staff pages require two-factor auth
    client = Client()
    client.force_login(renato)
    assert client.get(reverse("missions_staff:mission_list")).status_code == 200
    for mission in Mission.objects.all():
        for name in (
            "mission_detail",
            "agenda",
            "applications",
            "selection",
            "readiness_board",
            "outcomes",
        ):
            url = reverse(f"missions_staff:{name}", args=[mission.pk])
            assert client.get(url).status_code == 200, url


def test_a_visitor_sees_the_missions_and_jorge_his_delegations(seeded: None) -> None:
    visitor = Client()
    for mission in Mission.objects.all():
        assert (
            visitor.get(reverse("missions:mission_detail", args=[mission.slug])).status_code == 200
        )
        calendar = visitor.get(reverse("missions:mission_calendar", args=[mission.slug]))
        assert calendar.status_code == 200
    jorge = User.objects.get(email="jorge.huaman@andestech.pe")
    client = Client()
    client.force_login(jorge)
    open_mission = _mission(australia.PLAN)
    assert (
        client.get(reverse("missions:application_create", args=[open_mission.slug])).status_code
        == 200
    )
    assert client.get(reverse("missions:our_missions")).status_code == 200
    for delegate in jorge.mission_delegations.all():
        assert (
            client.get(reverse("missions:delegate_detail", args=[delegate.pk])).status_code == 200
        )


# --- Seeded again on a later day ---------------------------------------------------------------


def test_seeded_again_later_the_missions_move_forward(seeded: None) -> None:
    before = _counts()
    chile_mission = _mission(chile.PLAN)
    states = _board_states(chile_mission)
    walls = {i.pk: calendars.in_zone(i.starts_at, i.zone).time() for i in AgendaItem.objects.all()}
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40), tick=False):
        # The periodic job ran meanwhile: the window closed, the delegation left.
        Mission.objects.filter(title=australia.PLAN.title).update(status=Mission.Status.SELECTING)
        Mission.objects.filter(title=chile.PLAN.title).update(status=Mission.Status.TRAVELLING)
        out = io.StringIO()
        with in_app_only():
            demo.seed(stdout=out)
        assert "40 days forward" in out.getvalue()
        assert _counts() == before
        today = timezone.localdate()
        open_mission = _mission(australia.PLAN)
        assert open_mission.status == Mission.Status.OPEN
        assert permissions.window_is_open(open_mission)
        assert (open_mission.starts_on - today).days == 75
        chile_mission = _mission(chile.PLAN)
        assert chile_mission.status == Mission.Status.CONFIRMED
        assert (chile_mission.starts_on - today).days == 35
        offered = chile_mission.applications.get(status=Status.OFFERED)
        assert offered.hold_until is not None
        assert 1.5 <= (offered.hold_until - timezone.now()).total_seconds() / 86400 <= 3
        assert _board_states(chile_mission) == states
        completed = _mission(expomin.PLAN)
        assert completed.status == Mission.Status.COMPLETED
        assert (today - completed.ends_on).days == 225
        # Agenda items keep their wall-clock times in their own zone.
        assert {
            i.pk: calendars.in_zone(i.starts_at, i.zone).time() for i in AgendaItem.objects.all()
        } == walls
        # And seeding again the same (later) day changes nothing more.
        again = io.StringIO()
        with in_app_only():
            demo.seed(stdout=again)
        assert "forward" not in again.getvalue()
        assert _counts() == before
