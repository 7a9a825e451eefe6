"""Every page of the portal reflows (WCAG 2.2, 1.4.10): at 320 CSS pixels nothing makes the page
scroll sideways, and at 1,280 px no action (button, link-button, select, input) lies outside the
viewport or is clipped by a horizontally scrolling box.

The pages are those of the demo dataset (``seed_demo``), seen by a visitor, an organization admin
and the secretariat's administrator: a fixed list of the pages that need an id, plus every page
of the URL configuration that takes no argument (so a page added later is checked too).
Screenshots of the team page, the directory and a staff application page at both widths are
written to ``test-artifacts/``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from challenges.models import Call, Challenge, Proposal, ProposalPartner
from members.demo import DEMO_PASSWORD
from members.demo.roles import ADMINISTRATOR_EMAIL
from members.models import (
    GoverningBody,
    MembershipApplication,
    Organization,
    OrganizationMember,
    User,
)
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import goto, log_in, serious_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
ORGANIZATION_ADMIN_EMAIL = "ana.torres@minera-chachani.pe"

# Argument-less routes that are not pages to look at: actions, fragments, files, machines.
NOT_PAGES = re.compile(
    r"^/(api|admin|o|static|media|i18n)/|^/healthz|/logout/|/unread/|/read-all/|/download/"
    r"|/recovery-codes/generate/|/totp/deactivate/|/periods/close/"
)

OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const culprits = [];
  if (doc.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed') {
        culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (typeof el.className === 'string' && el.className
             ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
          + ' (' + Math.round(r.right) + 'px)');
      }
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
          culprits: culprits.slice(-4)};
}"""

HIDDEN_ACTIONS_JS = """() => {
  const hidden = [];
  const selector = 'main button, main .btn, main select, main input:not([type=hidden]),'
    + ' main textarea';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const out = '.visually-hidden, [hidden], .dropdown-menu, .modal, .collapse:not(.show)';
    if (!r.width || !r.height || el.closest(out)) continue;
    let clipped = r.left < 0 || r.right > window.innerWidth + 1;
    for (let a = el.parentElement; a && !clipped; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') {
        const box = a.getBoundingClientRect();
        clipped = r.right > box.right + 1 || r.left < box.left - 1;
      }
    }
    if (clipped) {
      const name = (el.innerText || el.name || el.id || el.tagName).trim().slice(0, 40);
      hidden.push(name + ' (' + Math.round(r.right) + 'px)');
    }
  }
  return hidden;
}"""


def argumentless_pages() -> list[str]:
    """Every route of the URL configuration that takes no argument, as a path."""

    def walk(resolver: URLResolver, prefix: str) -> Iterable[str]:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern) and not re.search(r"[<(^$\\]", route):
                yield "/" + route

    return sorted({path for path in walk(get_resolver(), "") if not NOT_PAGES.search(path)})


def fits(page, paths: Iterable[str]) -> list[str]:
    """Visit each path at 320 px; the pages that scroll sideways, with the elements to blame."""
    page.set_viewport_size(NARROW)
    problems = []
    for path in paths:
        goto(page, path)
        result = page.evaluate(OVERFLOW_JS)
        if result["scrollWidth"] > result["innerWidth"]:
            problems.append(
                f"{path} → {page.url}: {result['scrollWidth']}px wide at {result['innerWidth']}px"
                f" ({', '.join(result['culprits'])})"
            )
    return problems


def hidden_actions(page, paths: Iterable[str]) -> list[str]:
    """Visit each path at 1,280 px; the actions outside the viewport."""
    page.set_viewport_size(DESKTOP)
    problems = []
    for path in paths:
        goto(page, path)
        result = page.evaluate(OVERFLOW_JS)
        if result["scrollWidth"] > result["innerWidth"]:
            problems.append(f"{path}: {result['scrollWidth']}px wide at 1280px")
        if hidden := page.evaluate(HIDDEN_ACTIONS_JS):
            problems.append(f"{path}: actions outside the viewport: {hidden}")
    return problems


def screenshot(page, path: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        goto(page, path)
        page.screenshot(path=str(ARTIFACTS / f"reflow-{name}-{size['width']}.png"), full_page=True)


@pytest.fixture
def demo(db: None) -> dict[str, object]:
    """The demo dataset, with an authenticator app for the administrator (staff must use one)."""
    # Transactional tests flush the database: put back the taxonomy its migration seeds.
    importlib.import_module("members.migrations.0004_seed_capabilities").seed_taxonomy(apps, None)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    administrator = User.objects.get(email=ADMINISTRATOR_EMAIL)
    administrator.totp_secret = generate_totp_secret()
    TOTP.activate(administrator, administrator.totp_secret)
    org_admin = User.objects.get(email=ORGANIZATION_ADMIN_EMAIL)
    own = OrganizationMember.objects.filter(user=org_admin, role="admin").first()
    assert own is not None
    application = MembershipApplication.objects.order_by("-pk").first()
    assert application is not None
    public = Organization.objects.filter(is_public=True, membership_status="active").first()
    assert public is not None
    body = GoverningBody.objects.first()
    return {
        "administrator": administrator,
        "org_admin": org_admin,
        "team": f"/members/organizations/{own.organization_id}/team/",
        "organization_id": own.organization_id,
        "application_id": application.pk,
        "public_id": public.pk,
        "governing_body": f"/members/governance/{body.slug}/" if body else "/members/governance/",
    }


def test_every_page_reflows_at_320_px_and_shows_its_actions_at_1280_px(page, demo) -> None:
    everywhere = argumentless_pages()
    visitor_pages = [
        *everywhere,
        f"/members/organizations/{demo['public_id']}/",
        str(demo["governing_body"]),
    ]
    problems = fits(page, visitor_pages)

    log_in(page, demo["org_admin"], password=DEMO_PASSWORD)
    assert "/accounts/" not in page.url, page.url
    member_pages = [
        *everywhere,
        str(demo["team"]),
        f"/members/organizations/{demo['organization_id']}/",
        f"/members/organizations/{demo['organization_id']}/edit/",
    ]
    problems += fits(page, member_pages)
    problems += hidden_actions(page, [str(demo["team"]), "/members/directory/"])
    screenshot(page, str(demo["team"]), "team")
    screenshot(page, "/members/directory/", "directory")
    page.context.clear_cookies()  # log out

    administrator = demo["administrator"]
    log_in(page, administrator, password=DEMO_PASSWORD, totp_secret=administrator.totp_secret)  # type: ignore[attr-defined]
    assert "/accounts/" not in page.url, page.url
    application = f"/staff/members/applications/{demo['application_id']}/"
    staff_pages = [
        *everywhere,
        application,
        f"/staff/members/organizations/{demo['organization_id']}/",
        f"/staff/roles/{administrator.pk}/",  # type: ignore[attr-defined]
        str(demo["team"]),
    ]
    problems += fits(page, staff_pages)
    problems += hidden_actions(
        page,
        [
            application,
            "/staff/roles/",
            "/staff/audit/",
            "/staff/members/applications/",
            "/staff/members/organizations/",
            str(demo["team"]),
        ],
    )
    screenshot(page, application, "staff-application")
    assert not problems, "\n".join(problems)


# --- Open innovation (issue 9) ---------------------------------------------------------------


def lead_admin(proposal: Proposal) -> User:
    """An admin of the organization that leads ``proposal``."""
    member = OrganizationMember.objects.filter(
        organization_id=proposal.lead_organization_id, role="admin"
    ).first()
    assert member is not None
    return member.user


@pytest.fixture
def challenge_pages(demo: dict[str, object]) -> dict[str, object]:
    """The pages of the funnel that need an id, from the demo, and who sees them."""
    challenge = Challenge.objects.filter(
        status=Challenge.Status.ACCEPTED, confidentiality=Challenge.Confidentiality.PUBLIC
    ).first()
    triage = Challenge.objects.filter(status=Challenge.Status.SUBMITTED).first()
    mine = Challenge.objects.filter(organization__memberships__user=demo["org_admin"])
    own = mine.first()
    editable = list(
        mine.filter(status__in=[Challenge.Status.DRAFT, Challenge.Status.DETAIL_REQUESTED])
    )
    call = Call.objects.filter(status=Call.Status.OPEN).order_by("pk").first()
    assert challenge
    assert triage
    assert own
    assert call
    draft = Proposal.objects.filter(
        status=Proposal.Status.DRAFT, call__status=Call.Status.OPEN
    ).first()
    assert draft is not None
    applicant = lead_admin(draft)
    submitted = (
        Proposal.objects.filter(
            status=Proposal.Status.SUBMITTED, lead_organization=draft.lead_organization
        ).first()
        or Proposal.objects.filter(status=Proposal.Status.SUBMITTED).first()
    )
    assert submitted is not None
    partnership = ProposalPartner.objects.filter(organization__memberships__user=applicant).first()
    applicant_pages = [
        f"/challenges/calls/{call.code}/",
        f"/challenges/calls/{call.code}/propose/",
        f"/challenges/proposals/{draft.pk}/",
        f"/challenges/{challenge.pk}/",
        *([f"/challenges/partnerships/{partnership.pk}/"] if partnership else []),
    ]
    staff_call = f"/staff/challenges/calls/{call.pk}/"
    return {
        "visitor": [f"/challenges/calls/{call.code}/", f"/challenges/{challenge.pk}/"],
        "company": [
            f"/challenges/mine/{own.pk}/",
            *[f"/challenges/mine/{c.pk}/edit/" for c in editable[:1]],
        ],
        "applicant": applicant,
        "applicant_pages": applicant_pages,
        "receipt_user": lead_admin(submitted),
        "receipt": f"/challenges/proposals/{submitted.pk}/receipt/",
        "proposal": f"/challenges/proposals/{draft.pk}/",
        "call": f"/challenges/calls/{call.code}/",
        "staff": [
            f"/staff/challenges/triage/{triage.pk}/",
            staff_call,
            f"{staff_call}criteria/",
            f"{staff_call}questions/",
            f"{staff_call}edit/timeline/",
            f"{staff_call}edit/challenges/",
            f"{staff_call}clarifications/",
            f"{staff_call}matches/",
            f"{staff_call}proposals/",
            f"{staff_call}proposals/{submitted.pk}/"
            if submitted.call_id == call.pk
            else f"/staff/challenges/calls/{submitted.call_id}/proposals/{submitted.pk}/",
        ],
        "staff_call": staff_call,
        "triage": "/staff/challenges/triage/",
    }


def axe_problems(page, paths: Iterable[str]) -> list[str]:
    """Visit each path at 1,280 px; axe-core's serious and critical findings."""
    page.set_viewport_size(DESKTOP)
    problems = []
    for path in paths:
        response = page.goto(path, wait_until="networkidle")
        if response is None or response.status != 200 or not page.url.endswith(path):
            problems.append(f"{path}: not shown ({response and response.status} at {page.url})")
            continue
        if found := serious_accessibility_violations(page):
            problems.append(f"{path}: axe {found}")
    return problems


def test_open_innovation_pages_reflow_show_their_actions_and_pass_axe(
    page, demo, challenge_pages
) -> None:
    """The funnel's pages that need an id (the argument-less ones are in the test above), for a
    visitor, the mining company, an applicant with a draft, and the secretariat: no sideways
    scrolling at 320 px, every action in view at 1,280 px, no serious axe finding."""
    pages = challenge_pages
    problems = fits(page, pages["visitor"])
    problems += axe_problems(page, pages["visitor"])

    log_in(page, demo["org_admin"], password=DEMO_PASSWORD)
    problems += fits(page, pages["company"])
    problems += hidden_actions(page, pages["company"])
    problems += axe_problems(page, pages["company"])
    page.context.clear_cookies()

    log_in(page, pages["applicant"], password=DEMO_PASSWORD)
    assert "/accounts/" not in page.url, page.url
    problems += fits(page, pages["applicant_pages"])
    problems += hidden_actions(page, pages["applicant_pages"])
    problems += axe_problems(page, pages["applicant_pages"])
    screenshot(page, str(pages["call"]), "call")
    screenshot(page, str(pages["proposal"]), "proposal-edit")
    page.context.clear_cookies()

    log_in(page, pages["receipt_user"], password=DEMO_PASSWORD)
    problems += fits(page, [pages["receipt"]])
    problems += hidden_actions(page, [pages["receipt"]])
    problems += axe_problems(page, [pages["receipt"]])
    page.context.clear_cookies()

    administrator = demo["administrator"]
    log_in(page, administrator, password=DEMO_PASSWORD, totp_secret=administrator.totp_secret)  # type: ignore[attr-defined]
    staff = [*pages["staff"], pages["triage"]]
    problems += fits(page, staff)
    problems += hidden_actions(page, staff)
    problems += axe_problems(page, staff)
    screenshot(page, str(pages["triage"]), "triage")
    screenshot(page, str(pages["staff_call"]), "staff-call")
    assert not problems, "\n".join(problems)
