"""The public showcase in a browser: the demo-day presentation steps through the projects by
keyboard (and clicker keys) and runs the speaker's timer, which turns red at zero; the showcase,
a project's page, its printed summary and the presentation are axe clean at 1,280 and 320 px,
without sideways scrolling, with screenshots in test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from djmoney.money import Money
from playwright.sync_api import expect

from challenges.models import ImpactEntry, Milestone, Project
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import goto, record_console_errors, serious_accessibility_violations
from tests.challenges.factories import ImpactEntryFactory, MilestoneFactory, project_with_roles

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def projects(transactional_db) -> list[Project]:
    made = []
    for n, (title, status) in enumerate(
        [
            ("Espesador de relaves con control en línea", Project.Status.ACTIVE),
            ("Sensores de vibración para chancadoras primarias", Project.Status.COMPLETED),
            ("Gemelo digital de la planta de flotación", Project.Status.PLANNED),
        ]
    ):
        project, *_ = project_with_roles(
            code=f"CMSP-PRY-2026-{n + 1:04d}",
            title=title,
            is_public=True,
            public_amounts=n == 1,
            status=status,
        )
        MilestoneFactory(project=project, weight=2, status=Milestone.Status.ACCEPTED)
        MilestoneFactory(project=project, weight=1)
        ImpactEntryFactory(
            project=project,
            kind=ImpactEntry.Kind.CONTRACT,
            amount=Money(Decimal("85000.00"), "USD"),
            status=ImpactEntry.Status.VERIFIED,
        )
        ImpactEntryFactory(
            project=project,
            kind=ImpactEntry.Kind.JOBS,
            amount=None,
            count=4,
            status=ImpactEntry.Status.VERIFIED,
        )
        made.append(project)
    project_with_roles(code="CMSP-PRY-2026-0099", title="Proyecto reservado", is_public=False)
    return made


def current_slide(page) -> str:
    return page.locator("[data-slide]:visible").get_attribute("data-code")


def test_presentation_steps_through_projects_by_keyboard_and_runs_the_timer(page, projects) -> None:
    errors = record_console_errors(page)
    page.clock.install()
    page.set_viewport_size(DESKTOP)
    goto(page, "/challenges/showcase/present/?minutes=2")
    codes = [p.code for p in projects]
    slides = page.locator("[data-slide]")
    expect(slides).to_have_count(3)
    expect(page.locator("[data-slide]:visible")).to_have_count(1)
    assert current_slide(page) == codes[0]
    counter = page.get_by_test_id("slide-counter")
    expect(counter).to_have_text("1 / 3")

    page.keyboard.press("ArrowRight")
    assert current_slide(page) == codes[1]
    expect(counter).to_have_text("2 / 3")
    assert page.url.endswith("#slide-2")
    page.keyboard.press("ArrowLeft")
    assert current_slide(page) == codes[0]
    page.keyboard.press("End")
    assert current_slide(page) == codes[2]
    page.keyboard.press("ArrowRight")  # the last slide stays
    assert current_slide(page) == codes[2]
    page.keyboard.press("Home")
    assert current_slide(page) == codes[0]
    # Clickers send Page Down / Page Up; Space moves on too.
    page.keyboard.press("PageDown")
    assert current_slide(page) == codes[1]
    page.keyboard.press("PageUp")
    assert current_slide(page) == codes[0]
    page.keyboard.press("Space")
    assert current_slide(page) == codes[1]
    # The slide carries the QR code of its public page.
    qr = page.locator("[data-slide]:visible").get_by_test_id("slide-qr")
    assert qr.get_attribute("data-url").endswith(f"/challenges/showcase/{codes[1]}/")
    expect(qr.locator("svg")).to_be_visible()

    # The timer: 2 minutes, counts down once started, pauses, turns red at zero.
    timer = page.get_by_test_id("timer")
    expect(timer).to_have_text("02:00")
    page.get_by_test_id("timer-toggle").click()
    page.clock.run_for(3_000)
    expect(timer).to_have_text("01:57")
    page.get_by_test_id("timer-toggle").click()  # pause
    page.clock.run_for(10_000)
    expect(timer).to_have_text("01:57")
    page.get_by_test_id("timer-toggle").click()  # go on
    page.clock.run_for(117_000)  # 3 + 117 seconds: zero
    expect(timer).to_have_text("00:00")
    expect(timer).to_have_class("timer-display timer-expired")
    expect(timer).to_have_css("background-color", "rgb(176, 42, 55)")
    page.clock.run_for(5_000)
    expect(timer).to_have_text("\u221200:05")  # overtime keeps counting (a minus sign)
    # A new slide, a new speaker: the timer is back to full and waits.
    page.keyboard.press("ArrowRight")
    expect(timer).to_have_text("02:00")
    expect(timer).not_to_have_class("timer-display timer-expired")
    page.clock.run_for(5_000)
    expect(timer).to_have_text("02:00")
    # Changing the minutes resets the timer; typing in the field does not change slides.
    page.get_by_test_id("timer-minutes").fill("3")
    page.get_by_test_id("timer-minutes").press("Tab")
    expect(timer).to_have_text("03:00")
    page.get_by_test_id("timer-minutes").press("ArrowLeft")
    assert current_slide(page) == codes[2]

    assert serious_accessibility_violations(page, targets=True) == []
    assert errors == []


def test_presentation_comes_back_to_the_slide_in_the_address(page, projects) -> None:
    goto(page, "/challenges/showcase/present/#slide-3")
    assert current_slide(page) == projects[2].code
    page.get_by_test_id("slide-prev").click()
    assert current_slide(page) == projects[1].code


PAGES = {
    "showcase": "/challenges/showcase/",
    "project": "/challenges/showcase/CMSP-PRY-2026-0002/",
    "print": "/challenges/showcase/CMSP-PRY-2026-0002/print/",
    "presentation": "/challenges/showcase/present/",
}


def test_showcase_pages_are_axe_clean_at_1280_and_320_px(page, projects) -> None:
    errors = record_console_errors(page)
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        for name, path in PAGES.items():
            goto(page, path)
            if name == "showcase":
                expect(page.get_by_test_id("showcase-card")).to_have_count(3)
                expect(page.get_by_test_id("showcase-totals")).to_contain_text("12")
            if found := serious_accessibility_violations(page, targets=True):
                problems.append(f"{path} at {size['width']}px: axe {found}")
            if not page.evaluate(OVERFLOW_JS):
                problems.append(f"{path}: wider than {size['width']}px")
            page.screenshot(
                path=str(ARTIFACTS / f"showcase-{name}-{size['width']}.png"), full_page=True
            )
    assert problems == [], "\n".join(problems)
    assert errors == []


def test_print_summary_hides_the_navigation_when_printed(page, projects) -> None:
    page.set_viewport_size({"width": 688, "height": 1000})  # A4's printable width at 96 dpi
    goto(page, PAGES["print"])
    expect(page.locator("body > header")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.locator("body > footer")).to_be_hidden()
    expect(page.get_by_test_id("print-button")).to_be_hidden()
    expect(page.get_by_test_id("print-sheet")).to_be_visible()
    # One A4 page: the sheet fits within A4's printable height (297 mm - 2 x 14 mm at 96 dpi).
    height = page.get_by_test_id("print-sheet").bounding_box()["height"]
    assert height < (297 - 28) / 25.4 * 96
