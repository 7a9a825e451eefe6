"""A visitor filters the member directory by region and commodity and opens a profile, with
JavaScript (HTMX partial updates, pushed URL) and without it (plain GET form)."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import serious_accessibility_violations
from tests.members.factories import CapabilityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory_data(db) -> dict[str, object]:
    # Transactional tests flush the database, so the migration-seeded taxonomy may be gone:
    # get or create the terms with their real names.
    copper = CapabilityFactory(
        dimension="commodity", slug="copper", name_es="Cobre", name_en="Copper"
    )
    gold = CapabilityFactory(dimension="commodity", slug="gold", name_es="Oro", name_en="Gold")
    water = CapabilityFactory(
        dimension="service_area", slug="water", name_es="Gestión del agua", name_en="Water"
    )
    return {
        "target": OrganizationFactory(
            legal_name="Hidroandina Ingeniería S.A.C.",
            trade_name="Hidroandina",
            region="moquegua",
            city="Ilo",
            description="Tratamiento de **agua** de proceso.",
            capabilities=[copper, water],
        ),
        "same_region_other_metal": OrganizationFactory(
            trade_name="Aurífera Moqueguana",
            kind="mining",
            mining_scale="small",
            region="moquegua",
            capabilities=[gold],
        ),
        "other_region": OrganizationFactory(
            trade_name="Minera Chachani",
            kind="mining",
            mining_scale="large",
            region="arequipa",
            capabilities=[copper],
        ),
        "private": OrganizationFactory(
            trade_name="Cobre Privado", region="moquegua", is_public=False, capabilities=[copper]
        ),
    }


def _card_names(page) -> set[str]:
    return set(page.locator("[data-testid=organization-card] h3 a").all_inner_texts())


def test_visitor_filters_by_region_and_commodity_then_opens_profile(page, directory_data) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.goto("/")
    # The navigation's link (located by address: the page is in Spanish).
    page.locator("header nav a[href='/members/directory/']").click()
    page.wait_for_url(re.compile(r"/members/directory/$"))
    assert _card_names(page) == {"Hidroandina", "Aurífera Moqueguana", "Minera Chachani"}

    # Typing searches as you type (HTMX, debounced); clearing the box brings everyone back.
    page.fill("main input[name=q]", "hidro")
    page.wait_for_url(re.compile(r"q=hidro"))
    page.locator("[data-testid=organization-card]").filter(has_text="Minera Chachani").wait_for(
        state="detached"
    )
    assert _card_names(page) == {"Hidroandina"}
    page.fill("main input[name=q]", "")
    page.locator("[data-testid=organization-card]").filter(has_text="Minera Chachani").wait_for()

    page.select_option("select[name=region]", "moquegua")
    page.wait_for_url(re.compile(r"region=moquegua"))
    page.locator("[data-testid=organization-card]").filter(has_text="Minera Chachani").wait_for(
        state="detached"
    )
    assert _card_names(page) == {"Hidroandina", "Aurífera Moqueguana"}

    page.select_option("select[name=commodity]", "copper")
    page.wait_for_url(re.compile(r"commodity=copper"))
    page.locator("[data-testid=organization-card]").filter(has_text="Aurífera Moqueguana").wait_for(
        state="detached"
    )
    assert _card_names(page) == {"Hidroandina"}
    assert "Cobre Privado" not in page.content()

    # The pushed URL is a real page: reloading it shows the same filtered results.
    page.reload()
    assert page.locator("select[name=region]").input_value() == "moquegua"
    assert _card_names(page) == {"Hidroandina"}

    page.get_by_role("link", name="Hidroandina").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Hidroandina"
    assert page.locator("[data-testid=description] strong").inner_text() == "agua"
    assert page.get_by_text("Cobre").first.is_visible()
    assert page.locator("[data-testid=member-details]").count() == 0

    serious = serious_accessibility_violations(page)
    assert serious == []
    assert console_errors == []


def test_directory_works_without_javascript(chromium, live_server, directory_data) -> None:
    context = chromium.new_context(
        base_url=live_server.url, locale="es-PE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/members/directory/")
        page.select_option("select[name=region]", "moquegua")
        page.select_option("select[name=commodity]", "copper")
        page.locator("[data-testid=directory-filters] button[type=submit]").click()
        page.wait_for_url(re.compile(r"region=moquegua.*commodity=copper|commodity=copper"))
        assert _card_names(page) == {"Hidroandina"}
        page.get_by_role("link", name="Hidroandina").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Hidroandina"
    finally:
        context.close()


def test_directory_page_is_accessible(page, directory_data) -> None:
    page.goto("/members/directory/")
    serious = serious_accessibility_violations(page)
    assert serious == []
