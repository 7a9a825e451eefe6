"""The knowledge base in a real browser (issue 13, "What it must show"), by visible text.

- An administrator of a member organization signs in, opens a regulatory barrier from the
  register, endorses it with a statement and sees the organization (and the statement) among the
  endorsers; then opens a value-added opportunity and registers the organization's interest as a
  supplier, and sees it listed under suppliers.
- A visitor types "relaves" in the navigation's search box, sees highlighted results (and nothing
  of a members-only article), opens the tailings study and lands on its page.

The search index is kept by the signals (tasks run eagerly in tests) and rebuilt once after the
world is set up; on SQLite the search uses its fallback, on PostgreSQL the full-text engine: the
journey passes on both. Members read Spanish, the portal's default; texts are looked up in the
Spanish catalogue (``es``) so the test reads what a Spanish speaker reads.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from knowledge.models import (
    BarrierEndorsement,
    OpportunityInterest,
    RegulatoryBarrier,
    SearchDocument,
    Visibility,
)
from knowledge.search_sources import rebuild
from members.models import OrganizationMember
from tests.browser.helpers import (
    click_and_wait,
    goto,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.knowledge.factories import (
    ArticleFactory,
    RegulatoryBarrierFactory,
    ValueOpportunityFactory,
)
from tests.members.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    OrganizationMemberFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENT = "Nuestros expedientes de licencia de agua superan los 300 días; lo respaldamos."
BARRIER_TITLE = "Plazo excesivo para la licencia de uso de agua en proyectos de relaves"
PRODUCT = "Alambrón de cobre de 8 mm"
STUDY_TITLE = "Relaves filtrados en el sur del Perú: estado del arte"
SECRET_TITLE = "Relaves: acuerdo reservado de la mesa técnica"


def es(msgid: str) -> str:
    """``msgid`` as the Spanish page shows it (the English text until it is translated)."""
    with translation.override("es"):
        return gettext(msgid)


def axe(page: Any) -> list[str]:
    return serious_accessibility_violations(page, targets=True)


def sign_in(page: Any, user: Any, *, totp_secret: str | None = None) -> None:
    """``helpers.log_in`` scoped to the page's ``main``: since the navigation carries the
    search form, ``form [type=submit]`` also matches the navbar's search button."""
    if "/accounts/login/" not in page.url:
        goto(page, "/accounts/login/")
    main = page.locator("main")
    main.locator("input[name=login]").fill(user.email)
    main.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    click_and_wait(page, main.locator("form [type=submit]:not([name=language])"))
    if totp_secret and "/accounts/2fa/authenticate/" in page.url:
        main.locator("input[name=code]").fill(totp_code(totp_secret))
        click_and_wait(page, main.locator("form [type=submit]:not([name=language])").first)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A member organization with its admin; a public barrier being documented, already
    endorsed by another member; a published opportunity; a public tailings study, another
    public article and a members-only one that a visitor must not find."""
    organization: Any = OrganizationFactory(
        legal_name="Fundición y Laminación del Sur S.A.C.", trade_name="Fundisur"
    )
    admin: Any = OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN,
        user__full_name="Rosa Quispe Condori",
        user__email="rosa.quispe@fundisur.pe",
    )
    barrier: Any = RegulatoryBarrierFactory(
        title=BARRIER_TITLE, status=RegulatoryBarrier.Status.DOCUMENTED
    )
    other: Any = OrganizationFactory(legal_name="Ingeniería Chachani S.A.C.", trade_name="")
    BarrierEndorsement.objects.create(barrier=barrier, organization=other, statement="")
    opportunity = ValueOpportunityFactory(product=PRODUCT, product_en="8 mm copper wire rod")
    study = ArticleFactory(
        title=STUDY_TITLE,
        summary="Cómo filtrar y apilar relaves para recuperar agua en Moquegua y Tacna.",
        body="Los **relaves** filtrados reducen el consumo de agua fresca.",
    )
    ArticleFactory(
        title="Guía de chancado eficiente",
        summary="Energía en el chancado primario.",
        body="Circuitos de chancado y molienda.",
    )
    ArticleFactory(
        title=SECRET_TITLE,
        summary="Relaves: posición común reservada a los miembros.",
        visibility=Visibility.MEMBERS,
    )
    rebuild()
    return {
        "organization": organization,
        "admin": admin.user,
        "barrier": barrier,
        "opportunity": opportunity,
        "study": study,
    }


def test_a_member_admin_endorses_a_barrier_and_registers_interest_as_a_supplier(
    page: Any, world: dict[str, Any]
) -> None:
    errors = record_console_errors(page)
    organization = world["organization"]
    barrier: RegulatoryBarrier = world["barrier"]
    goto(page, "/")
    sign_in(page, world["admin"])
    goto(page, "/")

    # The knowledge base from the navigation, then the register and the barrier.
    click_and_wait(page, page.get_by_test_id("nav-knowledge"))
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Knowledge base"))
    click_and_wait(page, page.get_by_role("link", name=es("Regulatory barriers"), exact=True))
    click_and_wait(page, page.get_by_role("link", name=BARRIER_TITLE))
    expect(page).to_have_url(re.compile(rf"/knowledge/barriers/{barrier.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(BARRIER_TITLE)
    endorsements = page.get_by_test_id("endorsements")
    expect(endorsements.get_by_test_id("endorsement-count")).to_have_text("1")
    expect(endorsements.get_by_test_id("endorser")).to_have_count(1)
    assert axe(page) == []

    # Endorse with a statement (one organization: no choice to make).
    form = page.get_by_test_id("endorse-form")
    form.get_by_label(es("Statement (optional)")).fill(STATEMENT)
    click_and_wait(page, form.get_by_role("button", name=es("Endorse this barrier")))
    expect(page).to_have_url(re.compile(rf"/knowledge/barriers/{barrier.code}/$"))
    expect(page.get_by_role("alert")).to_contain_text(organization.display_name)
    expect(endorsements.get_by_test_id("endorsement-count")).to_have_text("2")
    mine = endorsements.get_by_test_id("endorser").filter(has_text=organization.display_name)
    expect(mine).to_have_count(1)
    expect(mine.get_by_test_id("endorser-statement")).to_have_text(STATEMENT)
    expect(page.get_by_test_id("endorse")).to_have_text(es("Update the statement"))
    expect(page.get_by_test_id("unendorse")).to_be_visible()
    assert axe(page) == []
    endorsement = BarrierEndorsement.objects.get(barrier=barrier, organization=organization)
    assert endorsement.statement == STATEMENT

    # Back to the knowledge base, the opportunities and the wire rod.
    click_and_wait(page, page.get_by_role("link", name=es("Knowledge base"), exact=True))
    click_and_wait(page, page.get_by_role("link", name=es("Value-added opportunities"), exact=True))
    click_and_wait(page, page.get_by_role("link", name=PRODUCT))
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    suppliers = page.get_by_test_id("interest-supplier")
    expect(suppliers).to_have_count(0)
    assert axe(page) == []

    form = page.get_by_test_id("interest-form")
    form.get_by_label(es("Supplier")).check()
    form.get_by_label(es("Note")).fill("Colada continua y trefilado en Ilo.")
    click_and_wait(page, form.get_by_role("button", name=es("Register interest")))
    expect(page).to_have_url(re.compile(r"/knowledge/opportunities/[\w-]+/#interest$"))
    row = suppliers.get_by_test_id("interest-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(organization.display_name)
    expect(row).to_contain_text("Colada continua y trefilado en Ilo.")
    assert axe(page) == []
    interest = OpportunityInterest.objects.get(opportunity=world["opportunity"])
    assert (interest.organization, interest.role) == (
        organization,
        OpportunityInterest.Role.SUPPLIER,
    )
    assert errors == []


def test_a_visitor_searches_from_the_navigation_and_opens_a_result(
    page: Any, world: dict[str, Any]
) -> None:
    errors = record_console_errors(page)
    assert SearchDocument.objects.filter(title=STUDY_TITLE).exists()
    # A wide screen: between the collapsed menu and 1,400 px the navbar shows an icon that
    # links to the search page instead of the box.
    page.set_viewport_size({"width": 1440, "height": 900})
    goto(page, "/")
    nav_search = page.get_by_test_id("nav-search")
    nav_search.get_by_role("searchbox", name=es("Search the portal")).fill("relaves")
    click_and_wait(page, nav_search.get_by_role("button", name=es("Search")))
    expect(page).to_have_url(re.compile(r"/search/\?q=relaves$"))
    expect(page.get_by_label(es("Words to find"))).to_have_value("relaves")

    hits = page.get_by_test_id("search-hit")
    expect(hits.first).to_be_visible()
    titles = hits.get_by_role("heading").all_inner_texts()
    assert STUDY_TITLE in titles
    assert BARRIER_TITLE in titles
    assert SECRET_TITLE not in titles
    assert "Guía de chancado eficiente" not in titles
    # The snippets carry the matches in <mark>, and the count shown is the visitor's own.
    marks = page.get_by_test_id("search-snippet").locator("mark")
    expect(marks.first).to_be_visible()
    assert all(re.match(r"(?i)relave", text) for text in marks.all_inner_texts())
    expect(page.get_by_test_id("count-all")).to_have_text(str(len(titles)))
    assert axe(page) == []

    study = hits.filter(has=page.get_by_role("link", name=STUDY_TITLE))
    click_and_wait(page, study.get_by_role("link", name=STUDY_TITLE))
    expect(page).to_have_url(re.compile(rf"/knowledge/articles/{world['study'].slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(STUDY_TITLE)
    expect(page.get_by_test_id("article-body")).to_contain_text("relaves filtrados")
    assert axe(page) == []
    assert errors == []
