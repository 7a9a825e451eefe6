"""The public mission pages: the list (published only, in order, filters, cards), a mission's
page (facts, Markdown objectives, eligibility, criteria and quotas in words, the agenda in
Perth's time and Lima's, the window's close in Lima time) and what each reader may do there:
apply, or why not. Drafts are 404 but for staff readers. Query counts at two sizes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cluster_portal.core import roles
from members.models import Organization
from missions.models import Application, Mission
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from tests.missions.factories import (
    AgendaItemFactory,
    ApplicationFactory,
    MissionFactory,
    MissionQuotaFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("missions:mission_list")


def page(mission: Mission) -> str:
    return reverse("missions:mission_detail", args=[mission.slug])


def client_for(user: Any = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def member_of(organization: Organization, role: str = "member") -> Any:
    return OrganizationMemberFactory(organization=organization, role=role).user


def coordinator() -> Any:
    return UserFactory(roles=[roles.MISSION_COORDINATOR], totp=True)


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The list ---------------------------------------------------------------------------------


def test_list_shows_published_missions_in_order_and_never_drafts() -> None:
    today = timezone.localdate()
    past = MissionFactory(
        title_en="Past mission",
        status=Mission.Status.COMPLETED,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=50),
        applications_open_at=timezone.now() - datetime.timedelta(days=120),
        applications_close_at=timezone.now() - datetime.timedelta(days=90),
    )
    confirmed = MissionFactory(
        title_en="Confirmed mission",
        status=Mission.Status.CONFIRMED,
        starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=27),
        applications_open_at=timezone.now() - datetime.timedelta(days=60),
        applications_close_at=timezone.now() - datetime.timedelta(days=30),
    )
    open_mission = MissionFactory(title_en="Open mission")
    MissionFactory(title_en="Secret draft", status=Mission.Status.DRAFT, published_at=None)

    html = body(client_for().get(LIST))

    assert "Secret draft" not in html
    positions = [html.index(m.title_en) for m in (open_mission, confirmed, past)]
    assert positions == sorted(positions), "open first, then upcoming, then past"
    assert "3 missions" in html


def test_a_card_shows_destination_dates_window_places_cost_and_co_funding() -> None:
    mission = MissionFactory(
        title_en="Mission to Australia",
        country="AU",
        cities="Perth, Brisbane",
        co_funding_note="PROINNÓVATE",
    )

    html = body(client_for().get(LIST))
    assert "Mission to Australia" in html
    assert "Australia · Perth, Brisbane" in html
    assert "(Lima time)" in html
    assert "2 organizations, 4 delegates" in html
    assert "18,000.00" in html
    assert "9,000.00" in html
    assert "PROINNÓVATE" in html
    assert mission.slug in html


def test_the_country_is_named_in_the_reader_s_language() -> None:
    MissionFactory(country="DE", cities="Freiberg")
    assert "Alemania" in body(Client(HTTP_ACCEPT_LANGUAGE="es").get(LIST))
    assert "Germany" in body(client_for().get(LIST))


def test_filters_by_status_and_country() -> None:
    MissionFactory(title_en="To Australia", country="AU")
    MissionFactory(
        title_en="To Chile",
        country="CL",
        cities="Antofagasta",
        status=Mission.Status.SELECTING,
    )
    client = client_for()

    html = body(client.get(LIST, {"country": "CL"}))
    assert "To Chile" in html
    assert "To Australia" not in html
    html = body(client.get(LIST, {"status": "open"}))
    assert "To Australia" in html
    assert "To Chile" not in html
    # The select offers only the countries of published missions.
    assert '<option value="CL">Chile</option>' in html
    assert 'value="DE"' not in html
    # A value the filter does not know lists nothing and says why.
    html = body(client.get(LIST, {"status": "draft"}))
    assert "To Australia" not in html
    assert "No missions match." in html


def test_the_list_runs_a_constant_number_of_queries(max_queries) -> None:
    client = client_for()
    for _ in range(2):
        MissionFactory()
    small = max_queries(3, client.get, LIST, expect=["2 missions"])
    for _ in range(18):
        MissionFactory(country="CL")
    large = max_queries(3, client.get, LIST, expect=["20 missions"])
    assert small.status_code == large.status_code == 200


# --- A mission's page -------------------------------------------------------------------------


@pytest.fixture
def mission() -> Mission:
    mission = MissionFactory(
        title_en="Mission to Australia",
        objectives="Conocer **relaves** <script>alert(1)</script>",
        objectives_en="Learn about **tailings** <script>alert(1)</script>",
        eligible_kinds=["mets", "mining"],
        eligible_regions=["arequipa", "tacna"],
    )
    MissionQuotaFactory(mission=mission, group="small_company", minimum=2)
    return mission


def test_the_page_shows_facts_rules_in_words_and_sanitized_markdown(mission: Mission) -> None:
    html = body(client_for().get(page(mission)))

    assert "Mission to Australia" in html
    assert "<strong>tailings</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Kinds of organization: METS supplier, Mining company." in html
    assert "From the regions: Arequipa, Tacna." in html
    assert "Small companies: at least 2 places." in html
    for criterion in mission.criteria.all():
        assert criterion.name_en in html
    assert "60 %" in html
    assert "40 %" in html
    assert "(Lima time)" in html
    assert reverse("missions:mission_calendar", args=[mission.slug]) in html


def test_the_window_closes_in_lima_time(mission: Mission) -> None:
    mission.applications_close_at = datetime.datetime(2031, 3, 2, 4, 59, tzinfo=datetime.UTC)
    mission.save(update_fields=["applications_close_at"])
    html = body(client_for().get(page(mission)))
    # 04:59 UTC is 23:59 the day before in Lima.
    assert "1 March 2031, 23:59 (Lima time)" in html


@pytest.mark.parametrize(
    ("month", "perth", "lima_date"),
    [
        (1, datetime.date(2031, 1, 15), "14 Jan 2031"),
        (7, datetime.date(2031, 7, 15), "14 Jul 2031"),
    ],
)
def test_an_item_at_nine_in_perth_shows_at_eight_pm_the_day_before_in_lima(
    month: int, perth: datetime.date, lima_date: str
) -> None:
    mission = MissionFactory(
        starts_on=perth, ends_on=perth + datetime.timedelta(days=5), title_en=f"Month {month}"
    )
    AgendaItemFactory(
        mission=mission,
        title_en="Workshop at METS Ignited",
        zone="Australia/Perth",
        starts_at=datetime.datetime(perth.year, perth.month, perth.day, 1, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(perth.year, perth.month, perth.day, 3, 0, tzinfo=datetime.UTC),
    )

    html = body(client_for().get(page(mission)))

    assert "Workshop at METS Ignited" in html
    assert "09:00" in html  # Perth (UTC+8 all year)
    assert "20:00" in html  # Lima (UTC-5 all year): the evening before
    assert "\u22121 day" in html
    assert lima_date in html
    assert "1 Mining St" not in html  # the premises' address is for the delegation only


def test_the_delegation_and_coordinators_see_the_addresses(mission: Mission) -> None:
    AgendaItemFactory(mission=mission, address="1 Mining St")
    application = ApplicationFactory(mission=mission, status=Application.Status.ACCEPTED)
    insider = member_of(application.organization)
    assert "1 Mining St" in body(client_for(insider).get(page(mission)))
    assert "1 Mining St" in body(client_for(coordinator()).get(page(mission)))
    assert "1 Mining St" not in body(
        client_for(member_of(OrganizationFactory())).get(page(mission))
    )


def test_drafts_are_404_except_for_staff_readers_with_a_banner() -> None:
    draft = MissionFactory(status=Mission.Status.DRAFT, published_at=None)
    admin = member_of(OrganizationFactory(), "admin")
    assert client_for().get(page(draft)).status_code == 404
    assert client_for(admin).get(page(draft)).status_code == 404
    assert client_for(UserFactory(is_staff=True, totp=True)).get(page(draft)).status_code == 404
    html = body(client_for(coordinator()).get(page(draft)))
    assert 'data-testid="draft-banner"' in html
    auditor = UserFactory(roles=[roles.AUDITOR], totp=True)
    assert 'data-testid="draft-banner"' in body(client_for(auditor).get(page(draft)))


def test_published_pages_have_no_draft_banner(mission: Mission) -> None:
    assert 'data-testid="draft-banner"' not in body(client_for(coordinator()).get(page(mission)))


def test_an_unknown_slug_is_404() -> None:
    assert client_for().get("/missions/no-such-mission/").status_code == 404


# --- Apply, or why not ------------------------------------------------------------------------

APPLY = 'data-testid="apply-button"'


def _reason(html: str) -> str:
    start = html.index('data-testid="cta-reason">') + len('data-testid="cta-reason">')
    return html[start : html.index("</p>", start)]


def test_a_visitor_is_asked_to_sign_in(mission: Mission) -> None:
    html = body(client_for().get(page(mission)))
    assert APPLY not in html
    assert _reason(html) == "Sign in to apply on behalf of your organization."
    assert 'data-testid="sign-in"' in html


def test_a_person_without_an_organization_is_told_to_join(mission: Mission) -> None:
    html = body(client_for(UserFactory()).get(page(mission)))
    assert APPLY not in html
    assert "Only member organizations of the cluster can apply" in _reason(html)


def test_a_member_who_is_not_an_admin_is_told_who_applies(mission: Mission) -> None:
    html = body(client_for(member_of(OrganizationFactory())).get(page(mission)))
    assert APPLY not in html
    assert _reason(html) == "Only an administrator of the organization can apply."


def test_the_admin_of_an_eligible_organization_may_apply(mission: Mission) -> None:
    html = body(client_for(member_of(OrganizationFactory(), "admin")).get(page(mission)))
    assert APPLY in html
    assert reverse("missions:application_create", args=[mission.slug]) in html
    assert 'data-testid="cta-reason"' not in html


def test_the_admin_of_an_ineligible_organization_is_told_why(mission: Mission) -> None:
    academia = OrganizationFactory(kind=Organization.Kind.ACADEMIA)
    html = body(client_for(member_of(academia, "admin")).get(page(mission)))
    assert APPLY not in html
    assert _reason(html) == "This mission is not open to organizations of this kind."
    lapsed = OrganizationFactory(membership_status=Organization.MembershipStatus.LAPSED)
    html = body(client_for(member_of(lapsed, "admin")).get(page(mission)))
    assert _reason(html) == "Only active member organizations can apply."


def test_a_closed_window_is_said_to_everyone(mission: Mission) -> None:
    mission.applications_close_at = timezone.now() - datetime.timedelta(minutes=1)
    mission.save(update_fields=["applications_close_at"])
    for user in (None, member_of(OrganizationFactory(), "admin"), coordinator()):
        html = body(client_for(user).get(page(mission)))
        assert APPLY not in html
        assert _reason(html) == "Applications are closed."


def test_an_organization_that_applied_sees_a_link_to_its_application(mission: Mission) -> None:
    application = ApplicationFactory(mission=mission)
    for role in ("admin", "member"):
        html = body(client_for(member_of(application.organization, role)).get(page(mission)))
        assert APPLY not in html
        assert 'data-testid="our-application"' in html
        assert reverse("missions:application_detail", args=[application.pk]) in html


def test_a_coordinator_cannot_apply_but_finds_the_staff_page(mission: Mission) -> None:
    html = body(client_for(coordinator()).get(page(mission)))
    assert APPLY not in html
    assert "Only member organizations of the cluster can apply" in _reason(html)


def test_spanish_readers_read_the_spanish_title_and_english_readers_the_english_one(
    mission: Mission,
) -> None:
    html = body(Client(HTTP_ACCEPT_LANGUAGE="es").get(page(mission)))
    assert mission.title in html
    assert "Mission to Australia" not in html
    with translation.override("en"):
        html = body(client_for().get(page(mission)))
    assert "Mission to Australia" in html


def test_the_page_runs_a_constant_number_of_queries(mission: Mission, max_queries) -> None:
    admin = member_of(OrganizationFactory(), "admin")
    client = client_for(admin)
    AgendaItemFactory(mission=mission, title_en="First item")
    small = max_queries(12, client.get, page(mission), expect=["First item"])
    for index in range(10):
        AgendaItemFactory(mission=mission, title_en=f"More item {index}")
        ApplicationFactory(mission=mission)
    for group in ("outside_arequipa", "academia", "mets_supplier"):
        MissionQuotaFactory(mission=mission, group=group)
    large = max_queries(12, client.get, page(mission), expect=["More item 9"])
    assert small.status_code == large.status_code == 200


def test_an_admin_of_two_organizations_sees_the_application_and_may_apply_for_the_other(
    mission: Mission,
) -> None:
    application = ApplicationFactory(mission=mission)
    admin = member_of(application.organization, "admin")
    OrganizationMemberFactory(organization=OrganizationFactory(), user=admin, role="admin")
    html = body(client_for(admin).get(page(mission)))
    assert reverse("missions:application_detail", args=[application.pk]) in html
    assert APPLY in html


def test_only_staff_readers_get_the_link_to_the_staff_page(mission: Mission) -> None:
    staff_url = reverse("missions_staff:mission_detail", args=[mission.pk])
    assert staff_url in body(client_for(coordinator()).get(page(mission)))
    assert staff_url not in body(
        client_for(member_of(OrganizationFactory(), "admin")).get(page(mission))
    )
    assert staff_url not in body(client_for().get(page(mission)))
