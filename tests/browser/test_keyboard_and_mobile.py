"""Keyboard and small-screen use in a real browser: the skip link comes first and moves focus to
the main content; on a phone the navigation opens from the keyboard and its language switch and
login link can be reached and used with it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def focused_name(page) -> str:
    """What the focused element says (its text, else its aria-label)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return (e.innerText || e.getAttribute('aria-label') || '').trim(); }"
    )


def tab_until(page, name: str, *, limit: int = 20) -> list[str]:
    """Press Tab until the element named ``name`` has focus; return the names passed by."""
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        passed.append(focused_name(page))
        if passed[-1] == name:
            return passed
    raise AssertionError(f"{name!r} not reached with Tab; focus went through {passed}")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(english_page) -> None:
    page = english_page
    console_errors = record_console_errors(page)
    goto(page, "/")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # visually hidden until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/#main$"))
    # The next Tab continues inside the main content, not back in the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_phone_navigation_opens_and_is_usable_with_the_keyboard(english_page) -> None:
    page = english_page
    console_errors = record_console_errors(page)
    page.set_viewport_size(PHONE)
    goto(page, "/")

    nav = page.get_by_role("navigation", name="Main navigation")
    toggler = nav.get_by_role("button", name="Toggle navigation")
    login_link = nav.get_by_role("link", name="Log in")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(login_link).to_be_hidden()
    expect(nav.get_by_role("button", name="EN")).to_be_hidden()
    assert serious_accessibility_violations(page) == []

    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(login_link).to_be_visible()
    expect(nav.get_by_role("button", name="ES")).to_be_visible()
    expect(nav.get_by_role("button", name="EN")).to_be_visible()

    # Tab walks from the toggler through the menu: the links, the search box, the language
    # switch, Log in.
    passed = tab_until(page, "Log in")
    assert passed[: passed.index("Log in")] == [
        "Home",
        "Directory",
        "Governance",
        "Calls",
        "Challenges",
        "Projects",
        "Missions",
        "Knowledge",
        "",  # the search box (named by its label, which innerText does not read)
        "Search",
        "ES",
        "EN",
    ]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    # The language switch works from the keyboard too.
    toggler = page.get_by_role("button", name="Toggle navigation")
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    tab_until(page, "ES")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert console_errors == []


def test_phone_menu_closes_again_with_the_keyboard(english_page) -> None:
    page = english_page
    page.set_viewport_size(PHONE)
    goto(page, "/")
    toggler = page.get_by_role("button", name="Toggle navigation")
    toggler.focus()
    page.keyboard.press("Enter")
    # Bootstrap ignores a toggle while the menu is still sliding open.
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bcollapse show\b"))
    page.keyboard.press("Space")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#mainNav")).to_be_hidden()
    # Wide again, the navigation shows without the toggler.
    page.set_viewport_size({"width": 1280, "height": 720})
    expect(toggler).to_be_hidden()
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Directory"))
    expect(page).to_have_url(re.compile(r"/members/directory/$"))
