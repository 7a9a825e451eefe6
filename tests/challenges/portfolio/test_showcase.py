"""The public showcase (challenges.views.showcase): what visitors see and never see, the filters,
the totals strip, bounded queries, the QR codes and the demo-day slides."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
import segno
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from challenges.models import ImpactEntry, Milestone, Project, ProjectOrganization
from challenges.progress import progress_percent
from challenges.selectors import showcase as selectors
from challenges.views import showcase as views
from cluster_portal.core.roles import AUDITOR, PORTFOLIO_MANAGER
from members.models import Capability, Organization
from tests.challenges.factories import (
    CallFactory,
    ImpactEntryFactory,
    MilestoneFactory,
    ProjectFundingFactory,
    ProjectOrganizationFactory,
    project_with_roles,
)
from tests.members.factories import (
    CapabilityFactory,
    OrganizationMemberFactory,
    UserFactory,
)
from tests.queries import run_counted

pytestmark = pytest.mark.django_db

SITE_URL = "https://portal.cmsp.example.pe"
SECRET_SITE = "Tajo Norte, banco 3120 (confidencial)"
OPEN_SITE = "Planta de Ilo, área de relaves"
Status = ImpactEntry.Status
Kind = ImpactEntry.Kind


@dataclass
class World:
    quiet: Project  # public; amounts and site private
    open: Project  # public; amounts and site public
    hidden: Project  # not in the showcase
    quiet_lead: Organization
    quiet_sponsor: Organization
    open_sponsor: Organization
    copper: Capability
    gold: Capability
    water: Capability
    energy: Capability


def verified(project: Project, **kwargs: object) -> ImpactEntry:
    return ImpactEntryFactory(project=project, status=Status.VERIFIED, **kwargs)


@pytest.fixture
def world(settings) -> World:
    settings.SITE_URL = SITE_URL
    copper = CapabilityFactory(dimension=Capability.Dimension.COMMODITY, slug="cobre-test")
    gold = CapabilityFactory(dimension=Capability.Dimension.COMMODITY, slug="oro-test")
    water = CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="agua-test")
    energy = CapabilityFactory(dimension=Capability.Dimension.SERVICE_AREA, slug="energia-test")

    quiet, quiet_lead, _partner, quiet_sponsor = project_with_roles(
        title="Espesador con control en línea",
        is_public=True,
        site=SECRET_SITE,
        budget=Money(Decimal("987654.00"), "PEN"),
        region="moquegua",
        trl_start=4,
        trl_now=6,
        trl_target=7,
        status=Project.Status.ACTIVE,
    )
    quiet.commodities.set([copper])
    quiet.service_areas.set([water])
    ProjectFundingFactory(project=quiet, amount=Money(Decimal("555444.00"), "PEN"))
    # Progress: 3 accepted of 4 live (the cancelled 5 drop out) = 75 %.
    MilestoneFactory(project=quiet, weight=3, status=Milestone.Status.ACCEPTED)
    MilestoneFactory(project=quiet, weight=1, status=Milestone.Status.SUBMITTED)
    MilestoneFactory(project=quiet, weight=5, status=Milestone.Status.CANCELLED)
    verified(quiet, kind=Kind.CONTRACT, amount=Money(Decimal("85123.00"), "USD"))
    verified(quiet, kind=Kind.JOBS, amount=None, count=12)
    ImpactEntryFactory(project=quiet, kind=Kind.JOBS, amount=None, count=99)  # only claimed
    # A verified sale corrected by a verified one: only the correction counts.
    sale = verified(quiet, kind=Kind.SALES, amount=Money(Decimal("1000.00"), "PEN"))
    verified(quiet, kind=Kind.SALES, amount=Money(Decimal("900.00"), "PEN"), corrects=sale)

    open_project, _lead, _partner, open_sponsor = project_with_roles(
        title="Sensores de vibración para chancadoras",
        is_public=True,
        public_amounts=True,
        public_site=True,
        site=OPEN_SITE,
        budget=Money(Decimal("240000.00"), "USD"),
        region="arequipa",
        trl_start=5,
        trl_now=8,
        trl_target=9,
        status=Project.Status.COMPLETED,
    )
    open_project.commodities.set([gold])
    open_project.service_areas.set([energy])
    ProjectFundingFactory(project=open_project, amount=Money(Decimal("123321.00"), "PEN"))
    verified(open_project, kind=Kind.CONTRACT, amount=Money(Decimal("40000.00"), "PEN"))
    verified(open_project, kind=Kind.JOBS, amount=None, count=3)

    hidden, *_rest = project_with_roles(
        title="Proyecto reservado de lixiviación",
        is_public=False,
        public_amounts=True,
        public_site=True,
        site="Sitio del proyecto reservado",
        region="moquegua",
    )
    hidden.commodities.set([copper])
    verified(hidden, kind=Kind.JOBS, amount=None, count=1000)
    verified(hidden, kind=Kind.CONTRACT, amount=Money(Decimal("777777.00"), "PEN"))
    return World(
        quiet,
        open_project,
        hidden,
        quiet_lead,
        quiet_sponsor,
        open_sponsor,
        copper,
        gold,
        water,
        energy,
    )


def visitor() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def login(user: object) -> Client:
    client = visitor()
    client.force_login(user)
    return client


def portfolio_manager() -> object:
    return UserFactory(is_staff=True, totp=True, roles=[PORTFOLIO_MANAGER])


def list_url(**params: str) -> str:
    url = reverse("challenges:showcase")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def codes_on(html: str) -> list[str]:
    import re

    return re.findall(r'data-testid="(?:showcase-card|slide)" data-code="([^"]+)"', html)


# --- What a visitor sees -------------------------------------------------------------------


def test_showcase_lists_public_projects_only(world: World) -> None:
    html = visitor().get(list_url()).content.decode()
    assert sorted(codes_on(html)) == sorted([world.quiet.code, world.open.code])
    assert "Proyecto reservado" not in html
    assert world.hidden.code not in html


@pytest.mark.parametrize(
    "secret",
    [
        SECRET_SITE,  # site without consent
        "987,654",  # budget without consent
        "555,444",  # funding without consent
        "85,123",  # verified contract amount without consent
        "777,777",  # a non-public project's money
        "Sitio del proyecto reservado",  # a non-public project's (consented) site
    ],
)
@pytest.mark.parametrize("page", ["list", "quiet", "quiet_print", "present"])
def test_private_fields_never_reach_a_visitor(world: World, secret: str, page: str) -> None:
    url = {
        "list": list_url(),
        "quiet": reverse("challenges:showcase_project", args=[world.quiet.code]),
        "quiet_print": reverse("challenges:showcase_print", args=[world.quiet.code]),
        "present": reverse("challenges:showcase_present"),
    }[page]
    response = visitor().get(url)
    assert response.status_code == 200
    assert secret not in response.content.decode()


def test_consented_site_and_amounts_are_shown(world: World) -> None:
    html = visitor().get(list_url()).content.decode()
    assert OPEN_SITE in html
    assert "US$\xa0240,000.00" in html  # the open project's budget
    detail = (
        visitor()
        .get(reverse("challenges:showcase_project", args=[world.open.code]))
        .content.decode()
    )
    assert OPEN_SITE in detail
    assert "S/\xa0123,321.00" in detail  # its funding source
    assert "S/\xa040,000.00" in detail  # its verified contract


def test_totals_count_public_verified_impact_and_consented_money_only(world: World) -> None:
    lines = {line.kind: line for line in selectors.showcase_totals(selectors.public_projects())}
    assert lines[Kind.JOBS].quantity == 15  # 12 + 3: not the claim (99), not the hidden (1000)
    assert lines[Kind.CONTRACT].quantity == 2  # entries: both public projects' contracts
    assert lines[Kind.CONTRACT].amounts == [Money(Decimal("40000.00"), "PEN")]  # not US$ 85,123
    assert lines[Kind.SALES].quantity == 1  # the correction replaced the sale
    assert lines[Kind.SALES].amounts == []  # the quiet project's amounts are private
    html = visitor().get(list_url()).content.decode()
    totals = html[html.index('data-testid="showcase-totals"') : html.index("showcase-filters")]
    assert 'data-testid="total-quantity">15<' in totals
    assert "S/\xa040,000.00" in totals
    assert "1,015" not in totals
    assert "1015" not in totals


def test_totals_follow_the_filters(world: World) -> None:
    html = visitor().get(list_url(region="arequipa")).content.decode()
    assert codes_on(html) == [world.open.code]
    totals = html[html.index('data-testid="showcase-totals"') : html.index("showcase-filters")]
    assert 'data-testid="total-quantity">3<' in totals


def test_card_shows_status_organizations_trl_progress_and_impact(world: World) -> None:
    html = visitor().get(list_url(region="moquegua")).content.decode()
    assert codes_on(html) == [world.quiet.code]
    assert "Active" in html  # the status badge (PROJECT workflow)
    assert world.quiet_lead.display_name in html
    assert world.quiet_sponsor.display_name in html
    assert 'value="75.0"' in html  # progress: 3 of 4 live weight
    assert "75 %" in html
    assert 'data-testid="impact-jobs"><strong>12</strong>' in html


def test_progress_in_sql_agrees_with_the_pure_module(world: World) -> None:
    project = world.open
    for weight, status in [
        (1, Milestone.Status.ACCEPTED),
        (2, Milestone.Status.PENDING),
        (3, Milestone.Status.SUBMITTED),
        (7, Milestone.Status.CANCELLED),
    ]:
        MilestoneFactory(project=project, weight=weight, status=status)
    loaded = selectors.with_progress(Project.objects.filter(pk=project.pk)).get()
    (card,) = selectors.showcase_cards([loaded])
    assert card.progress == progress_percent(1, 6) == Decimal("16.7")
    empty = selectors.with_progress(Project.objects.filter(pk=world.hidden.pk)).get()
    assert selectors.showcase_cards([empty])[0].progress is None


# --- Project page and printed summary ------------------------------------------------------


def test_non_public_project_page_is_a_404_for_visitors_and_members(world: World) -> None:
    for client in (visitor(), login(UserFactory())):
        for name in ("challenges:showcase_project", "challenges:showcase_print"):
            assert client.get(reverse(name, args=[world.hidden.code])).status_code == 404


def test_project_team_and_staff_preview_a_non_public_project(world: World) -> None:
    hidden_lead = world.hidden.participants.get(role=ProjectOrganization.Role.LEAD)
    member = OrganizationMemberFactory(organization=hidden_lead.organization).user
    for user in (member, UserFactory(is_staff=True, totp=True, roles=[AUDITOR])):
        response = login(user).get(reverse("challenges:showcase_project", args=[world.hidden.code]))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="not-public"' in html
        assert 'data-testid="project-qr"' not in html  # its public address would be a 404


def test_print_page_is_one_a4_sheet_without_navigation(world: World) -> None:
    from django.contrib.staticfiles import finders

    response = visitor().get(reverse("challenges:showcase_print", args=[world.open.code]))
    html = response.content.decode()
    assert 'data-testid="print-sheet"' in html
    assert "css/showcase.css" in html
    with open(finders.find("css/showcase.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert "@page { size: A4;" in css
    print_rules = css[css.index("@media print") :]
    assert "body > header, body > footer" in print_rules


# --- QR codes -------------------------------------------------------------------------------


def test_qr_code_encodes_the_absolute_public_url(world: World, monkeypatch) -> None:
    given: list[str] = []
    real_make = segno.make

    def spy(content: str, **kwargs: object) -> segno.QRCode:
        given.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(views.segno, "make", spy)
    url = f"{SITE_URL}/challenges/showcase/{world.open.code}/"
    html = visitor().get(reverse("challenges:showcase_project", args=[world.open.code]))
    assert given == [url]
    assert str(views.qr_svg(url)) in html.content.decode()
    assert 'aria-label="QR code of ' + url + '"' in html.content.decode()
    given.clear()
    cache.clear()
    visitor().get(reverse("challenges:showcase_present"))
    assert sorted(given) == sorted(
        f"{SITE_URL}/challenges/showcase/{p.code}/" for p in (world.quiet, world.open)
    )
    # A code never changes for its URL: the next request takes them from the cache.
    given.clear()
    html = visitor().get(reverse("challenges:showcase_present")).content.decode()
    assert given == []
    assert str(views.qr_svg(url)) in html


def test_qr_svg_is_segnos_own_output() -> None:
    url = f"{SITE_URL}/challenges/showcase/CMSP-PRY-2026-0001/"
    svg = str(views.qr_svg(url))
    expected = segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff", omitsize=True
    )
    assert svg == expected.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


# --- Filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "agua-test"}, ["quiet"]),
        ({"area": "energia-test"}, ["open"]),
        ({"commodity": "cobre-test"}, ["quiet"]),  # not the hidden one (also copper)
        ({"commodity": "oro-test"}, ["open"]),
        ({"status": "completed"}, ["open"]),
        ({"status": "active"}, ["quiet"]),
        ({"region": "moquegua"}, ["quiet"]),
        ({"trl": "7"}, ["open"]),
        ({"trl": "6"}, ["quiet", "open"]),
        ({"area": "unknown-term"}, []),
    ],
)
def test_filters(world: World, params: dict[str, str], expected: list[str]) -> None:
    html = visitor().get(list_url(**params)).content.decode()
    assert sorted(codes_on(html)) == sorted(getattr(world, name).code for name in expected)


def test_sponsor_filter_offers_sponsors_of_public_projects_only(world: World) -> None:
    html = visitor().get(list_url(sponsor=str(world.open_sponsor.pk))).content.decode()
    assert codes_on(html) == [world.open.code]
    hidden_sponsor = world.hidden.participants.get(role=ProjectOrganization.Role.SPONSOR)
    select = html[
        html.index('name="sponsor"') : html.index("</select>", html.index('name="sponsor"'))
    ]
    assert f'value="{world.quiet_sponsor.pk}"' in select
    assert f'value="{hidden_sponsor.organization_id}"' not in select
    invalid = visitor().get(list_url(sponsor=str(hidden_sponsor.organization_id)))
    assert invalid.status_code == 200
    assert codes_on(invalid.content.decode()) == []


def test_an_invalid_filter_shows_no_projects(world: World) -> None:
    html = visitor().get(list_url(trl="12")).content.decode()
    assert codes_on(html) == []
    assert 'data-testid="no-projects"' in html


# --- Queries --------------------------------------------------------------------------------


def _add_public_projects(n: int, sponsor: Organization, copper: Capability) -> None:
    for i in range(n):
        project, *_ = project_with_roles(title=f"Proyecto de escala {i}", is_public=True)
        ProjectOrganizationFactory(
            project=project, organization=sponsor, role=ProjectOrganization.Role.SPONSOR
        )
        project.commodities.set([copper])
        MilestoneFactory(project=project, weight=2, status=Milestone.Status.ACCEPTED)
        MilestoneFactory(project=project)
        verified(project, kind=Kind.JOBS, amount=None, count=2)
        verified(project, kind=Kind.CONTRACT)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("list", list_url()),
        ("filtered", list_url(commodity="cobre-test")),
        ("present", reverse("challenges:showcase_present")),
    ],
)
def test_queries_do_not_grow_with_projects(world: World, name: str, url: str) -> None:
    client = visitor()
    _few_response, few = run_counted(14, client.get, url, expect=[world.quiet.code])
    _add_public_projects(14, world.quiet_sponsor, world.copper)  # more than a page (12)
    response, many = run_counted(14, client.get, url, expect=["Proyecto de escala 13"])
    assert many == few
    shown = codes_on(response.content.decode())
    assert len(shown) == (16 if name == "present" else 12)  # every slide; a page of cards


def test_project_page_queries_are_bounded(world: World, max_queries) -> None:
    url = reverse("challenges:showcase_project", args=[world.open.code])
    max_queries(8, visitor().get, url, expect=[world.open.display_title()])


# --- Demo-day presentation ------------------------------------------------------------------


def test_presentation_has_every_public_project_as_a_slide(world: World) -> None:
    html = visitor().get(reverse("challenges:showcase_present")).content.decode()
    assert codes_on(html) == sorted([world.quiet.code, world.open.code])  # by code
    assert html.count('data-testid="slide-qr"') == 2
    assert "js/presentation.js" in html
    assert "https://" not in html.replace(SITE_URL, "")  # nothing from another host


def test_presentation_private_projects_only_for_portfolio_managers(world: World) -> None:
    url = reverse("challenges:showcase_present") + "?private=1"
    for client in (visitor(), login(UserFactory(is_staff=True, totp=True, roles=[AUDITOR]))):
        assert world.hidden.code not in client.get(url).content.decode()
    html = login(portfolio_manager()).get(url).content.decode()
    assert sorted(codes_on(html)) == sorted(p.code for p in (world.quiet, world.open, world.hidden))
    assert 'data-testid="slide-not-public"' in html
    assert html.count('data-testid="slide-qr"') == 2  # none for the project without a public page


def test_presentation_selection_by_status_and_call(world: World) -> None:
    call = CallFactory()
    Project.objects.filter(pk__in=[world.open.pk, world.hidden.pk]).update(call=call)
    manager = login(portfolio_manager())
    base = reverse("challenges:showcase_present")
    html = manager.get(f"{base}?private=1&call={call.pk}").content.decode()
    assert sorted(codes_on(html)) == sorted([world.open.code, world.hidden.code])
    html = manager.get(f"{base}?status=active").content.decode()
    assert codes_on(html) == [world.quiet.code]
    html = visitor().get(f"{base}?call={call.pk}").content.decode()
    assert codes_on(html) == [world.open.code]


def test_presentation_minutes(world: World) -> None:
    base = reverse("challenges:showcase_present")
    assert 'data-minutes="5"' in visitor().get(base).content.decode()
    assert 'data-minutes="8"' in visitor().get(f"{base}?minutes=8").content.decode()
    assert 'data-minutes="60"' in visitor().get(f"{base}?minutes=600").content.decode()
    assert 'data-minutes="5"' in visitor().get(f"{base}?minutes=x").content.decode()


# --- Navigation -----------------------------------------------------------------------------


def test_navigation_links_to_the_showcase(db) -> None:
    html = visitor().get(reverse("home")).content.decode()
    assert f'href="{reverse("challenges:showcase")}" data-testid="nav-showcase"' in html
