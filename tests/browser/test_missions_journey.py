"""An international mission in a real browser, end to end (issue 12, "What it must show").

A METS supplier's admin finds the open mission to Australia and applies with two delegates of
the organization and a motivation; the mission coordinator (MFA, in English) scores the
applications, closes applications and publishes the selection: the supplier is first on the
waitlist, in the small companies' quota bucket. Another selected organization (the small company
that filled that quota) withdraws: the supplier is promoted, told in the app and by email with
the hold's deadline, and its admin accepts within the hold. Each delegate then signs in,
confirms attendance and downloads their calendar (a VCALENDAR with the Perth VTIMEZONE).

Members read Spanish, the portal's default; their texts are looked up in the Spanish catalogue
(``es``) so the test reads what a Spanish speaker reads whether or not a string is translated yet.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from members.models import OrganizationMember, User
from missions.models import Application, Delegate, Mission, ReadinessItem
from missions.services.applications import application_accept, application_score
from notifications.models import Notification, OutboxEmail
from tests.browser.helpers import (
    accept_confirmations,
    click_and_wait,
    goto,
    log_in,
    open_user_menu_item,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import (
    AgendaItemFactory,
    ApplicationFactory,
    MissionFactory,
    MissionQuotaFactory,
    SelectionCriterionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status
MOTIVATION = "Queremos llevar nuestros sensores de polines a proveedores de Perth y Brisbane."
LIMA = zoneinfo.ZoneInfo("America/Lima")
PERTH = zoneinfo.ZoneInfo("Australia/Perth")


def axe(page) -> list[str]:
    return serious_accessibility_violations(page, targets=True)


def es(msgid: str) -> str:
    """``msgid`` as the Spanish page shows it (the English text until it is translated)."""
    with translation.override("es"):
        return gettext(msgid)


@pytest.fixture
def other_page(chromium, live_server):
    """A third browser (own cookies, Spanish) for the other organization and the delegates."""
    context = chromium.new_context(
        base_url=live_server.url, locale="es-PE", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def person(organization, name: str, email: str, role: str = "member") -> User:
    member: Any = OrganizationMemberFactory(
        organization=organization, role=role, user__full_name=name, user__email=email
    )
    return member.user


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """An open mission to Perth (2 organizations / 4 delegates, 2 each, at least one small
    company, criteria 60 + 40 out of 5, a 72-hour hold) with one agenda item at 09:00 Perth
    time, and three applications already in: a medium supplier (scored 92), a small one that
    fills the quota (80) and another medium one (40, scored by the coordinator in the journey).
    The journey's supplier, AndesTech, is a small company too."""
    mission: Any = MissionFactory(
        title="Misión tecnológica a Australia: Perth y Brisbane",
        title_en="Technology mission to Australia: Perth and Brisbane",
        capacity_organizations=2,
        capacity_delegates=4,
        max_delegates_per_organization=2,
        hold_hours=72,
        criteria=0,
    )
    criteria: list[Any] = [
        SelectionCriterionFactory(
            mission=mission,
            name="Preparación para exportar",
            name_en="Export readiness",
            weight=60,
            position=0,
        ),
        SelectionCriterionFactory(
            mission=mission,
            name="Encaje tecnológico",
            name_en="Technology fit",
            weight=40,
            position=1,
        ),
    ]
    MissionQuotaFactory(mission=mission, group="small_company", minimum=1)
    item = AgendaItemFactory(
        mission=mission,
        title="Taller con METS Ignited",
        title_en="Workshop with METS Ignited",
        zone="Australia/Perth",
        starts_at=datetime.datetime.combine(
            mission.starts_on, datetime.time(9, 0), tzinfo=datetime.UTC
        )
        - datetime.timedelta(hours=8),
    )
    coordinator: Any = UserFactory(
        is_staff=True,
        totp=True,
        roles=["mission_coordinator"],
        full_name="Renato Paredes Chávez",
        email="misiones@cmsp.pe",
    )
    supplier = OrganizationFactory(
        legal_name="Andes Sensores S.A.C.",
        trade_name="AndesTech",
        kind="mets",
        employee_band="11-50",
    )
    admin = person(supplier, "Jorge Huamán", "jorge.huaman@andestech.pe", role="admin")
    delegates = [
        person(supplier, "Lucía Quispe Mamani", "lucia.quispe@andestech.pe"),
        person(supplier, "Carlos Ccori Apaza", "carlos.ccori@andestech.pe"),
    ]
    others: dict[str, Any] = {}
    for key, legal, trade, band in (
        ("medium", "Ingeniería Chachani S.A.C.", "Chachani", "51-200"),
        ("small", "Termografía del Sur S.A.C.", "TermoSur", "1-10"),
        ("late", "Datos Mineros del Sur S.A.C.", "DataMin", "51-200"),
    ):
        organization = OrganizationFactory(legal_name=legal, trade_name=trade, employee_band=band)
        submitted_by = person(organization, f"Admin {trade}", f"admin@{trade.lower()}.pe", "admin")
        others[key] = ApplicationFactory(
            mission=mission, organization=organization, submitted_by=submitted_by, delegates=2
        )
    for key, values in (("medium", (5, 4)), ("small", (4, 4))):
        application_score(
            actor=coordinator,
            application=others[key],
            values={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
        )
    return {
        "mission": mission,
        "item": item,
        "coordinator": coordinator,
        "supplier": supplier,
        "admin": admin,
        "delegates": delegates,
        "others": others,
    }


def supplier_applies(page, world) -> Application:
    """The supplier's admin opens the mission from the list and applies with two delegates."""
    mission: Mission = world["mission"]
    goto(page, "/")
    log_in(page, world["admin"])
    goto(page, "/")
    click_and_wait(page, page.get_by_test_id("nav-missions"))
    card = page.get_by_test_id("mission-card").filter(has_text=mission.title)
    expect(card.get_by_test_id("mission-status")).to_have_text(es("Open for applications"))
    click_and_wait(page, card.get_by_role("link", name=mission.title))
    expect(page.get_by_test_id("mission-title")).to_have_text(mission.title)
    assert axe(page) == []
    click_and_wait(page, page.get_by_role("link", name=es("Apply")))

    form = page.get_by_test_id("application-form")
    expect(page.get_by_test_id("criteria")).to_contain_text("Preparación para exportar")
    form.get_by_label(es("Motivation")).fill(MOTIVATION)
    first, second = world["delegates"]
    delegate_label = es("Delegate %(number)d")
    role_label = es("Role of delegate %(number)d in the delegation")
    form.get_by_role("combobox", name=delegate_label % {"number": 1}).select_option(
        label=first.full_name
    )
    form.get_by_label(role_label % {"number": 1}).fill("Gerente comercial")
    form.get_by_role("combobox", name=delegate_label % {"number": 2}).select_option(
        label=second.full_name
    )
    form.get_by_label(role_label % {"number": 2}).fill("Jefe de ingeniería")
    assert axe(page) == []
    click_and_wait(page, form.get_by_role("button", name=es("Send the application")))

    application = Application.objects.get(mission=mission, organization=world["supplier"])
    expect(page).to_have_url(re.compile(rf"/missions/applications/{application.pk}/$"))
    expect(page.get_by_test_id("application-status")).to_have_text(es("Submitted"))
    delegates = page.get_by_test_id("delegates").get_by_role("listitem")
    expect(delegates).to_have_count(2)
    expect(delegates.nth(0)).to_contain_text(first.full_name)
    expect(delegates.nth(1)).to_contain_text(second.full_name)
    expect(page.get_by_test_id("motivation")).to_have_text(MOTIVATION)
    assert axe(page) == []
    return application


def score(staff_page, organization: str, values: tuple[str, str]) -> None:
    """From the applications table, open one application and score both criteria."""
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Applications", exact=True))
    row = staff_page.get_by_test_id("application-row").filter(has_text=organization)
    click_and_wait(staff_page, row.get_by_role("link", name=organization))
    form = staff_page.get_by_test_id("score-form")
    form.get_by_label(re.compile(r"^Preparación para exportar \(weight 60")).fill(values[0])
    form.get_by_label(re.compile(r"^Encaje tecnológico \(weight 40")).fill(values[1])
    assert axe(staff_page) == []
    click_and_wait(staff_page, form.get_by_role("button", name="Save the scores"))


def coordinator_selects(staff_page, world) -> None:
    """The coordinator scores the two unscored applications, closes applications early and
    publishes the selection after reading the preview."""
    mission: Mission = world["mission"]
    coordinator: Any = world["coordinator"]
    goto(staff_page, f"/staff/missions/{mission.pk}/")
    log_in(staff_page, coordinator, totp_secret=coordinator.totp_secret)
    expect(staff_page).to_have_url(re.compile(rf"/staff/missions/{mission.pk}/$"))
    expect(staff_page.get_by_test_id("mission-status")).to_have_text("Open for applications")

    # 60 % of 3/5 + 40 % of 4/5 = 36 + 32 = 68; the other one 24 + 16 = 40.
    score(staff_page, "AndesTech", ("3", "4"))
    expect(staff_page.get_by_test_id("total-score")).to_contain_text("68.00")
    score(staff_page, "DataMin", ("2", "2"))
    expect(staff_page.get_by_test_id("total-score")).to_contain_text("40.00")
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Applications", exact=True))
    scores = staff_page.get_by_test_id("application-row").get_by_test_id("application-score")
    expect(scores).to_have_count(4)
    assert sorted(scores.all_inner_texts()) == ["40.00", "68.00", "80.00", "92.00"]
    assert axe(staff_page) == []

    questions = accept_confirmations(staff_page)
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Summary"))
    click_and_wait(staff_page, staff_page.get_by_role("button", name="Close applications"))
    assert questions[-1] == "Close applications now, before the window ends?"
    expect(staff_page.get_by_test_id("mission-status")).to_have_text("Selecting")

    click_and_wait(staff_page, staff_page.get_by_role("link", name="Selection", exact=True))
    expect(staff_page.get_by_test_id("preview-notice")).to_be_visible()
    selected = staff_page.get_by_test_id("preview-selected")
    expect(selected).to_contain_text("Chachani")
    expect(selected).to_contain_text("TermoSur")
    waitlist_rows = staff_page.get_by_test_id("preview-waitlist").locator("tbody tr")
    expect(waitlist_rows).to_have_count(2)
    expect(waitlist_rows.nth(0)).to_contain_text("AndesTech")
    expect(waitlist_rows.nth(0)).to_contain_text("Small companies")
    expect(waitlist_rows.nth(1)).to_contain_text("DataMin")
    assert axe(staff_page) == []
    click_and_wait(staff_page, staff_page.get_by_role("button", name="Publish the selection"))
    assert questions[-1].startswith("Publish the selection?")
    expect(staff_page.get_by_test_id("mission-status")).to_have_text("Delegation confirmed")
    click_and_wait(staff_page, staff_page.get_by_role("link", name="Selection", exact=True))
    expect(staff_page.get_by_test_id("delegation")).to_contain_text("TermoSur")
    expect(staff_page.get_by_test_id("waitlist").get_by_role("listitem").first).to_contain_text(
        "AndesTech"
    )
    assert axe(staff_page) == []

    statuses = dict(
        Application.objects.filter(mission=mission).values_list(
            "organization__trade_name", "status"
        )
    )
    assert statuses == {
        "Chachani": S.OFFERED,
        "TermoSur": S.OFFERED,
        "AndesTech": S.WAITLISTED,
        "DataMin": S.WAITLISTED,
    }
    supplier = Application.objects.get(mission=mission, organization=world["supplier"])
    assert (supplier.waitlist_position, supplier.buckets) == (1, ["small_company"])


def supplier_waits(page, application: Application) -> None:
    goto(page, f"/missions/applications/{application.pk}/")
    expect(page.get_by_test_id("application-status")).to_have_text(es("On the waitlist"))
    expect(page.get_by_test_id("waitlist-position")).to_be_visible()
    expect(page.get_by_test_id("offer")).to_have_count(0)


def small_company_withdraws(other_page, world) -> None:
    """TermoSur had accepted its place; its admin withdraws from "Our missions"."""
    small: Application = world["others"]["small"]
    admin: Any = small.submitted_by
    application_accept(actor=admin, application=small)
    goto(other_page, "/")
    log_in(other_page, admin)
    goto(other_page, "/")
    open_user_menu_item(other_page, re.compile("Admin"), "my-missions")
    click_and_wait(
        other_page,
        other_page.get_by_test_id("our-application").get_by_role(
            "link", name=world["mission"].title
        ),
    )
    expect(other_page.get_by_test_id("application-status")).to_have_text(es("Place accepted"))
    questions = accept_confirmations(other_page)
    click_and_wait(
        other_page, other_page.get_by_role("button", name=es("Withdraw the application"))
    )
    assert questions == [
        es(
            "Withdraw from this mission? This cannot be undone: the organization will "
            "not be offered a place again."
        )
    ]
    expect(other_page.get_by_test_id("application-status")).to_have_text(es("Withdrawn"))
    small.refresh_from_db()
    assert small.status == S.WITHDRAWN
    other_page.context.clear_cookies()


def supplier_is_promoted_and_accepts(page, world, application: Application) -> None:
    """The promotion is on the application page with its deadline in Lima time, in the inbox
    and in the outbox; the admin accepts within the hold."""
    application.refresh_from_db()
    assert application.status == S.OFFERED
    assert application.promoted is True
    hold = application.hold_until
    assert hold is not None
    assert (
        datetime.timedelta(hours=71, minutes=55)
        < hold - timezone.now()
        <= datetime.timedelta(hours=72)
    )
    deadline = timezone.localtime(hold, timezone=LIMA).strftime("%d/%m/%Y %H:%M")

    (notice,) = Notification.objects.filter(event="missions.place_promoted")
    assert notice.recipient == world["admin"]
    assert deadline in notice.body
    (email,) = OutboxEmail.objects.filter(event="missions.place_promoted")
    assert email.recipient == world["admin"]
    assert email.to_email == "jorge.huaman@andestech.pe"
    assert deadline in email.body_text

    goto(page, "/notifications/")
    expect(page.get_by_text(notice.title).first).to_be_visible()

    goto(page, "/")
    open_user_menu_item(page, re.compile("Jorge"), "my-missions")
    ours = page.get_by_test_id("our-application").filter(has_text=world["mission"].title)
    expect(ours).to_contain_text(deadline)
    click_and_wait(page, ours.get_by_role("link", name=world["mission"].title))
    offer = page.get_by_test_id("offer")
    expect(offer.get_by_role("heading")).to_have_text(
        es("A place has opened for your organization")
    )
    expect(offer.get_by_test_id("hold-until")).to_contain_text(deadline)
    expect(offer.get_by_test_id("hold-until")).to_contain_text(es("Lima time"))
    expect(offer.get_by_test_id("hold-remaining")).to_contain_text("71 h")
    assert axe(page) == []
    click_and_wait(page, page.get_by_role("button", name=es("Accept the place")))
    expect(page.get_by_test_id("application-status")).to_have_text(es("Place accepted"))
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.responded_at is not None
    assert application.responded_at < hold


def delegate_confirms_and_downloads(other_page, world, user: User) -> str:
    """A delegate signs in, finds the mission under "Our missions", confirms and downloads
    their calendar; returns the file's text."""
    goto(other_page, "/")
    log_in(other_page, user)
    goto(other_page, "/")
    open_user_menu_item(other_page, re.compile(user.full_name.split()[0]), "my-missions")
    delegation = other_page.get_by_test_id("our-delegation").filter(has_text=world["mission"].title)
    click_and_wait(other_page, delegation.get_by_role("link", name=world["mission"].title))
    expect(other_page.get_by_test_id("attendance")).to_contain_text(es("Not confirmed yet"))
    expect(other_page.get_by_test_id("checklist-item").first).to_be_visible()
    click_and_wait(other_page, other_page.get_by_role("button", name=es("Confirm my attendance")))
    expect(other_page.get_by_test_id("attendance")).to_contain_text(es("Confirmed"))
    expect(other_page.get_by_role("button", name=es("Confirm my attendance"))).to_have_count(0)
    assert axe(other_page) == []
    with other_page.expect_download() as info:
        other_page.get_by_role("link", name=es("My agenda (.ics)")).click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    text = Path(download.path()).read_text(encoding="utf-8")
    other_page.context.clear_cookies()
    return text


def test_apply_select_withdraw_promote_accept_confirm_and_download_the_calendar(
    page, english_page, other_page, world
) -> None:
    errors = [record_console_errors(p) for p in (page, english_page, other_page)]
    application = supplier_applies(page, world)
    coordinator_selects(english_page, world)
    supplier_waits(page, application)
    small_company_withdraws(other_page, world)
    supplier_is_promoted_and_accepts(page, world, application)

    item = world["item"]
    for user in world["delegates"]:
        ics = delegate_confirms_and_downloads(other_page, world, user)
        unfolded = ics.replace("\r\n ", "")
        assert unfolded.startswith("BEGIN:VCALENDAR")
        assert "BEGIN:VTIMEZONE" in unfolded
        assert "TZID:Australia/Perth" in unfolded
        start = item.starts_at.astimezone(PERTH).strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Australia/Perth:{start}" in unfolded
        assert start.endswith("T090000")
        assert f"UID:{item.uid}" in unfolded
        assert "Taller con METS Ignited" in unfolded or "Workshop with METS Ignited" in unfolded

    delegates = Delegate.objects.filter(application=application).order_by("position")
    assert [d.person for d in delegates] == world["delegates"]
    assert all(d.confirmed_at is not None for d in delegates)
    assert ReadinessItem.objects.filter(delegate__in=delegates).count() >= 2
    confirmations = Notification.objects.filter(event="missions.delegation_confirmed")
    assert set(confirmations.values_list("recipient__email", flat=True)) >= {
        u.email for u in world["delegates"]
    }
    assert OrganizationMember.objects.filter(
        organization=world["supplier"], user=world["admin"], role="admin"
    ).exists()
    assert errors == [[], [], []]
