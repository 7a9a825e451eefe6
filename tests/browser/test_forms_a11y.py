"""The directory and the forms for keyboard and screen-reader users, in a real browser: paging
moves focus to the results heading, only the count is announced, filters fold on a phone, a form
that comes back with errors starts with a focused error summary linked to the fields, a bare
domain is accepted as a website, and the reference clients are a filterable checkbox list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.models import Organization
from tests.browser.helpers import (
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
    switch_to_english,
)
from tests.members.factories import (
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 320, "height": 640}


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_directory_paging_moves_focus_to_the_results_heading_and_announces_the_count(
    english_page,
) -> None:
    page = english_page
    OrganizationFactory.create_batch(25)
    console_errors = record_console_errors(page)
    goto(page, "/members/directory/")
    results = page.locator("#directory-results")
    # Only a small status region is live, not the whole list.
    assert results.get_attribute("aria-live") is None
    assert (
        page.locator("[aria-live], [role=status]").filter(has=page.locator("article")).count() == 0
    )
    status = page.get_by_test_id("directory-status")
    expect(status).to_have_attribute("role", "status")

    page.get_by_role("navigation", name="Directory pages").get_by_role("link", name="Next").click()
    heading = page.get_by_role("heading", name=re.compile(r"^25 organizations\W+page 2 of 2"))
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_test_id("organization-card")).to_have_count(5)
    expect(status).to_have_text("25 organizations found")

    # Typing a search announces the new count but leaves focus in the search box.
    page.get_by_role("textbox", name="Search").fill(
        Organization.objects.order_by("pk").first().trade_name
    )
    expect(status).to_have_text(re.compile(r"^\d+ organizations? found$"))
    expect(page.get_by_role("textbox", name="Search")).to_be_focused()
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_directory_filters_fold_on_a_phone_so_the_first_result_is_in_view(english_page) -> None:
    page = english_page
    OrganizationFactory.create_batch(3)
    page.set_viewport_size(PHONE)
    goto(page, "/members/directory/")
    expect(page.get_by_role("textbox", name="Search")).to_be_visible()
    expect(page.get_by_label("Kind")).to_be_hidden()
    expect(page.get_by_test_id("organization-card").first).to_be_in_viewport()
    page.get_by_test_id("more-filters").locator("summary").click()
    expect(page.get_by_label("Kind")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_accessibility_violations(page) == []

    # On a wide screen the filters are simply there.
    page.set_viewport_size({"width": 1280, "height": 800})
    goto(page, "/members/directory/")
    expect(page.get_by_label("Kind")).to_be_visible()
    expect(page.get_by_test_id("more-filters").locator("summary")).to_be_hidden()


def test_a_form_with_errors_starts_with_a_focused_summary_linked_to_the_fields(
    english_page,
) -> None:
    page = english_page
    applicant = UserFactory(email="rosa.mamani@example.pe", full_name="Rosa Mamani")
    console_errors = record_console_errors(page)
    goto(page, "/")
    switch_to_english(page)
    log_in(page, applicant)
    goto(page, "/members/apply/organization/")
    form = page.get_by_test_id("organization-form")
    # Explicit empty choices, nothing silently preselected.
    expect(form.get_by_label("Kind")).to_have_value("")
    expect(form.get_by_label("Kind").locator("option").first).to_have_text("Select the kind…")
    expect(form.get_by_label("Region")).to_have_value("")
    # A bare domain is not refused by the browser.
    expect(form.get_by_label("Website")).to_have_attribute("type", "text")
    expect(form.get_by_label("Website")).to_have_attribute("inputmode", "url")
    form.get_by_label("Website").fill("www.metalsur.pe")
    click_and_wait(page, page.get_by_test_id("submit-application"))

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please correct the errors below")
    links = summary.get_by_role("link")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"#id_legal_name", "#id_ruc", "#id_kind", "#id_region", "#id_motivation"} <= set(targets)
    for target in targets:
        assert page.locator(target).count() == 1, target
    summary.get_by_role("link", name=re.compile(r"^Region:")).click()
    expect(form.get_by_label("Region")).to_be_focused()
    expect(form.get_by_label("Region")).to_have_attribute("aria-invalid", "true")
    # The website typed without a scheme was not the problem.
    assert "#id_website" not in targets
    assert serious_accessibility_violations(page) == []

    # Correcting the fields sends the application, with the website normalised.
    form.get_by_label("Legal name").fill("Metalsur Ingenieros S.A.C.")
    form.get_by_label("RUC").fill(make_ruc(7302))
    form.get_by_label("Kind").select_option("mets")
    form.get_by_label("Region").select_option("arequipa")
    form.get_by_label("Why does your organization want to join the cluster?").fill(
        "Fabricamos repuestos para la gran minería del sur."
    )
    click_and_wait(page, page.get_by_test_id("submit-application"))
    expect(page.get_by_text("has been sent to the secretariat")).to_be_visible()
    assert Organization.objects.get(ruc=make_ruc(7302)).website == "https://www.metalsur.pe"
    assert console_errors == []


def test_reference_clients_are_a_checkbox_list_with_a_filter_box(english_page) -> None:
    page = english_page
    organization = OrganizationFactory(trade_name="Andes Tech")
    admin = OrganizationMemberFactory(organization=organization, role="admin").user
    OrganizationFactory(trade_name="Minera Chachani")
    OrganizationFactory(trade_name="Southern Perú")
    OrganizationFactory(trade_name="Privada Andina", is_public=False)
    goto(page, "/")
    switch_to_english(page)
    log_in(page, admin)
    goto(page, f"/members/organizations/{organization.pk}/edit/")
    clients = page.get_by_role("group", name="Reference clients").last
    expect(clients.get_by_role("checkbox")).to_have_count(3)  # a member also sees private ones
    clients.get_by_label("Filter the list").fill("chach")
    expect(clients.get_by_role("checkbox", name="Minera Chachani")).to_be_visible()
    expect(clients.get_by_role("checkbox", name="Southern Perú")).to_be_hidden()
    clients.get_by_role("checkbox", name="Minera Chachani").check()
    clients.get_by_label("Filter the list").fill("peru")  # accents do not matter
    expect(clients.get_by_role("checkbox", name="Southern Perú")).to_be_visible()
    expect(clients.get_by_role("checkbox", name="Minera Chachani")).to_be_visible()  # checked
    assert serious_accessibility_violations(page) == []
    click_and_wait(page, page.get_by_role("button", name="Save profile"))
    assert list(organization.reference_clients.values_list("trade_name", flat=True)) == [
        "Minera Chachani"
    ]
