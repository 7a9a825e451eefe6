"""Mission pages as a browser lays them out (issue 12), at 1,280 and 320 CSS pixels: no serious
or critical axe finding, nothing makes the page scroll sideways at 320 px, every action in view
at 1,280 px (every collapsible section opened first).

- a visitor: the public list and a mission's page;
- an organization's admin: the apply form, the application page with an offer held for it,
  "Our missions";
- a delegate: their page (agenda, checklist in several states);
- a delegate after the mission: their page with the outcome and agreements;
- the mission coordinator (MFA): the staff list, a mission's page, agenda, applications,
  scoring, selection, readiness board and outcomes.

The data carries what hurts most: long names of missions and organizations, agenda items in two
zones, every application state, checklist items done, late and pending, outcomes in two
currencies. Screenshots go to ``/tmp/shots/missions-<person>-<page>-<width>.png`` (or
``$MISSIONS_SHOTS``).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from djmoney.money import Money

from missions.models import Application, Mission, ReadinessItem
from missions.services import applications as application_services
from missions.services.readiness import readiness_checklist_create
from tests.browser.helpers import goto, log_in, serious_accessibility_violations
from tests.browser.test_reflow import DESKTOP, HIDDEN_ACTIONS_JS, NARROW, OVERFLOW_JS
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import (
    AgendaItemFactory,
    AgreementFactory,
    ApplicationFactory,
    MissionFactory,
    MissionQuotaFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("MISSIONS_SHOTS", "/tmp/shots"))  # noqa: S108
OPEN_DETAILS_JS = "() => document.querySelectorAll('main details').forEach(d => { d.open = true })"
MAIN_OVERFLOW_JS = """() => {
  const culprits = [];
  let right = 0;
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width && getComputedStyle(el).position !== 'fixed') {
      right = Math.max(right, r.right);
      if (r.right > window.innerWidth + 1) culprits.push(el.tagName.toLowerCase()
        + ' (' + Math.round(r.right) + 'px)');
    }
  }
  return {scrollWidth: Math.round(right), innerWidth: window.innerWidth,
          culprits: culprits.slice(-4)};
}"""
LONG_ORGANIZATION = "Consorcio de Ingeniería y Servicios Electromecánicos del Altiplano S.A.C."


@dataclass
class Visit:
    """Who looks (``user`` None: a visitor; ``totp``: a staff member's secret) and at what."""

    user: Any
    paths: dict[str, str]
    totp: str | None = None


def _apply(mission: Mission, score: str, **organization: Any) -> Any:
    organization.setdefault("trade_name", "")  # the legal name is shown, long as it is
    org = OrganizationFactory(**organization)
    application: Any = ApplicationFactory(mission=mission, organization=org, delegates=2)
    application.score = Decimal(score)
    application.save(update_fields=["score"])
    return application


def _agenda(mission: Mission) -> None:
    start = datetime.datetime.combine(mission.starts_on, datetime.time(1, 0), tzinfo=datetime.UTC)
    AgendaItemFactory(
        mission=mission,
        title="Taller de transformación digital de proveedores con METS Ignited Australia",
        host="METS Ignited Australia Ltd.",
        address="Level 3, 1 Kings Park Road, West Perth WA 6005",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    AgendaItemFactory(
        mission=mission,
        kind="rnd_centre_visit",
        title="Visita al Sustainable Minerals Institute",
        host="The University of Queensland",
        address="40 Isles Rd, Indooroopilly QLD 4068",
        city="Brisbane",
        zone="Australia/Brisbane",
        starts_at=start + datetime.timedelta(days=3),
        ends_at=start + datetime.timedelta(days=3, hours=2),
    )


@pytest.fixture
def visits(db: None) -> dict[str, Visit]:
    now = timezone.now()
    today = timezone.localdate()
    coordinator: Any = UserFactory(
        is_staff=True, totp=True, roles=["mission_coordinator"], full_name="Renato Paredes"
    )

    # Open for applications: the public pages and the apply form.
    open_mission: Any = MissionFactory(
        title="Misión tecnológica a Australia Occidental y Queensland: Perth y Brisbane 2026",
        co_funding_note="El clúster con PROINNÓVATE",
        visa_required=True,
    )
    MissionQuotaFactory(mission=open_mission, group="small_company", minimum=1)
    _agenda(open_mission)
    applicant: Any = OrganizationMemberFactory(
        role="admin",
        organization__legal_name=LONG_ORGANIZATION,
        organization__trade_name="",
        user__full_name="Jorge Huamán",
    ).user
    OrganizationMemberFactory(organization=applicant.organization_memberships.get().organization)

    # Selection published: an offer held, an accepted delegation with its checklist, the
    # waitlist, someone not selected and someone who withdrew.
    selected: Any = MissionFactory(
        title="Misión a Chile: Antofagasta y Santiago, proveedores de la gran minería del cobre",
        country="CL",
        cities="Antofagasta, Santiago",
        time_zone="America/Santiago",
        status=Mission.Status.SELECTING,
        applications_open_at=now - datetime.timedelta(days=40),
        applications_close_at=now - datetime.timedelta(days=2),
        capacity_organizations=2,
        capacity_delegates=4,
    )
    MissionQuotaFactory(mission=selected, group="small_company", minimum=1)
    _agenda(selected)
    accepted = _apply(selected, "92.50", legal_name=LONG_ORGANIZATION + " II", region="tacna")
    offered = _apply(selected, "71.25", employee_band="11-50", legal_name="Termografía del Sur")
    _apply(selected, "80.00", legal_name="Datos Mineros del Sur S.A.C.")
    _apply(selected, "40.00", legal_name="Sensores Andinos E.I.R.L.")
    withdrawn = _apply(selected, "60.00", legal_name="Relaves Secos del Sur S.A.C.")
    application_services.application_withdraw(actor=withdrawn.submitted_by, application=withdrawn)
    application_services.selection_publish(actor=coordinator, mission=selected)
    accepted.refresh_from_db()
    offered.refresh_from_db()
    assert (accepted.status, offered.status) == ("offered", "offered")
    application_services.application_accept(actor=accepted.submitted_by, application=accepted)
    readiness_checklist_create(application=accepted)
    delegate: Any = accepted.delegates.order_by("position").first()
    items = list(ReadinessItem.objects.filter(delegate=delegate).order_by("due_on", "pk"))
    items[0].status = ReadinessItem.Status.DONE
    items[0].done_on = today
    items[0].save()
    items[1].due_on = today - datetime.timedelta(days=3)
    items[1].save()
    if len(items) > 2:
        items[2].status = ReadinessItem.Status.IN_PROGRESS
        items[2].note = "Cita en el consulado el 12 de marzo."
        items[2].save()

    # Completed: outcomes and agreements in two currencies.
    completed: Any = MissionFactory(
        title="Misión a Perth 2025",
        status=Mission.Status.COMPLETED,
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=33),
        applications_open_at=now - datetime.timedelta(days=120),
        applications_close_at=now - datetime.timedelta(days=80),
    )
    travelled: Any = ApplicationFactory(
        mission=completed, status=Application.Status.ACCEPTED, delegates=2
    )
    first, second = list(travelled.delegates.order_by("position"))
    OutcomeFactory(delegate=first)
    OutcomeFactory(
        delegate=second,
        business_generated=Money(Decimal("45000.00"), "PEN"),
        follow_ups="Propuesta técnica a un proveedor de chancado en Kalgoorlie.",
    )
    AgreementFactory(delegate=first)

    staff = f"/staff/missions/{selected.pk}"
    return {
        "visitor": Visit(
            None,
            {"list": "/missions/", "detail": f"/missions/{open_mission.slug}/"},
        ),
        "applicant": Visit(
            applicant,
            {"apply": f"/missions/{open_mission.slug}/apply/"},
        ),
        "offered": Visit(
            offered.submitted_by,
            {"application": f"/missions/applications/{offered.pk}/", "ours": "/missions/ours/"},
        ),
        "delegate": Visit(delegate.person, {"delegate": f"/missions/delegates/{delegate.pk}/"}),
        "travelled": Visit(first.person, {"outcome": f"/missions/delegates/{first.pk}/"}),
        "coordinator": Visit(
            coordinator,
            {
                "staff-list": "/staff/missions/",
                "staff-detail": f"{staff}/",
                "staff-agenda": f"{staff}/agenda/",
                "staff-applications": f"{staff}/applications/",
                "staff-scoring": f"{staff}/applications/{offered.pk}/",
                "staff-selection": f"{staff}/selection/",
                "staff-readiness": f"{staff}/readiness/",
                "staff-outcomes": f"/staff/missions/{completed.pk}/outcomes/",
            },
            totp=coordinator.totp_secret,
        ),
    }


def check(page, person: str, visit: Visit) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        width = size["width"]
        for name, path in visit.paths.items():
            response = page.goto(path, wait_until="networkidle")
            if response is None or response.status != 200 or not page.url.endswith(path):
                problems.append(f"{path}: not shown ({response and response.status} at {page.url})")
                continue
            page.evaluate(OPEN_DETAILS_JS)
            found = serious_accessibility_violations(page, targets=True)
            if found:
                problems.append(f"{person} {path} at {width}px: axe {found}")
            # At 1,280 px the page's own content (main) is measured; the navbar is checked apart
            # (test_the_staff_navbar_fits_at_1280_px).
            overflow = page.evaluate(OVERFLOW_JS if size is NARROW else MAIN_OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{person} {path}: {overflow['scrollWidth']}px wide at {width}px"
                    f" ({', '.join(overflow['culprits'])})"
                )
            if size is DESKTOP and (hidden := page.evaluate(HIDDEN_ACTIONS_JS)):
                problems.append(f"{person} {path}: actions outside the viewport: {hidden}")
            page.screenshot(
                path=str(SHOTS / f"missions-{person}-{name}-{width}.png"), full_page=True
            )
    return problems


def test_mission_pages_pass_axe_and_reflow_at_1280_and_320_px(page, visits) -> None:
    problems: list[str] = []
    for person, visit in visits.items():
        if visit.user is not None:
            goto(page, "/")
            log_in(page, visit.user, totp_secret=visit.totp)
            assert "/accounts/" not in page.url, page.url
        problems += check(page, person, visit)
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)


def test_the_staff_navbar_fits_at_1280_px(page, visits) -> None:
    visit = visits["coordinator"]
    goto(page, "/")
    log_in(page, visit.user, totp_secret=visit.totp)
    page.set_viewport_size(DESKTOP)
    goto(page, "/staff/missions/")
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], overflow["culprits"]
    assert serious_accessibility_violations(page, targets=True) == []
