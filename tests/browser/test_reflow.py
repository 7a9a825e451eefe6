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
from tests.browser.helpers import goto, log_in

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
ORGANIZATION_ADMIN_EMAIL = "ana.torres@minera-chachani.pe"

# Argument-less routes that are not pages to look at: actions, fragments, files, machines.
NOT_PAGES = re.compile(
    r"^/(api|admin|o|static|media|i18n)/|^/healthz|/logout/|/unread/|/read-all/|/download/"
    r"|/recovery-codes/generate/|/totp/deactivate/"
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
