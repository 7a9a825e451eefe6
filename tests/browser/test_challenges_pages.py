"""Open-innovation pages as a browser lays them out and updates them: on a phone the call page
shows whether the person's organization may lead and the timeline right after the summary (on a
desktop they stay in the right-hand column); the proposal page's Submit stays disabled, with the
number of checklist items, until the autosaved draft is complete, and then enables itself."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from members.models import OrganizationMember
from tests.browser.helpers import (
    goto,
    log_in,
    record_console_errors,
    serious_accessibility_violations,
)
from tests.challenges.factories import (
    CallFactory,
    CallQuestionFactory,
    ProposalAnswerFactory,
    ProposalFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


def es(msgid: str) -> str:
    with translation.override("es"):
        return gettext(msgid)


def box(page, test_id: str) -> dict[str, float]:
    found = page.get_by_test_id(test_id).first.bounding_box()
    assert found, f"{test_id} is not laid out"
    return found


@pytest.fixture
def lead_admin(db) -> OrganizationMember:
    organization = OrganizationFactory(
        legal_name="Andes Sensores S.A.C.", trade_name="AndesTech", kind="mets"
    )
    return OrganizationMemberFactory(
        organization=organization,
        role=OrganizationMember.Role.ADMIN,
        user__email="jorge.huaman@andestech.pe",
    )


def test_call_page_puts_eligibility_and_timeline_after_the_summary_on_a_phone(
    page, lead_admin
) -> None:
    call = CallFactory(
        description="## Contexto\n\n" + "Las fajas de relaves se detienen a menudo. " * 40,
        required_partner_kinds=["academia"],
    )
    goto(page, "/")
    log_in(page, lead_admin.user)

    page.set_viewport_size(PHONE)
    goto(page, f"/challenges/calls/{call.code}/")
    buttons = box(page, "start-proposal")
    eligibility = box(page, "eligibility")
    timeline = box(page, "call-timeline")
    description = page.get_by_role("heading", name=es("About the call")).bounding_box()
    assert description
    assert buttons["y"] < eligibility["y"] < timeline["y"] < description["y"]
    assert serious_accessibility_violations(page) == []

    # On a desktop the side column stays on the right, eligibility below timeline and funding.
    page.set_viewport_size(DESKTOP)
    goto(page, f"/challenges/calls/{call.code}/")
    main, side = box(page, "call-main"), box(page, "call-side")
    assert main["x"] + main["width"] <= side["x"] + 1
    assert abs(main["y"] - side["y"]) < 1
    timeline, funding = box(page, "call-timeline"), box(page, "call-funding")
    eligibility = box(page, "eligibility")
    assert timeline["y"] < funding["y"] < eligibility["y"]
    assert timeline["x"] >= side["x"]


def test_submit_enables_itself_once_the_autosaved_draft_is_complete(page, lead_admin) -> None:
    console_errors = record_console_errors(page)
    call = CallFactory(required_partner_kinds=[])
    question = CallQuestionFactory(call=call, label="¿Cómo se valida?")
    proposal = ProposalFactory(call=call, lead_organization=lead_admin.organization)
    ProposalAnswerFactory(proposal=proposal, question=question, value="En la planta piloto.")
    proposal.team = ""
    proposal.save()
    goto(page, "/")
    log_in(page, lead_admin.user)
    goto(page, f"/challenges/proposals/{proposal.pk}/")

    submit = page.get_by_test_id("submit")
    expect(submit).to_be_disabled()
    reason = page.get_by_test_id("submit-reason")
    with translation.override("es"):
        expected = ngettext(
            "Complete the %(count)s item of the checklist first.",
            "Complete the %(count)s items of the checklist first.",
            1,
        ) % {"count": 1}
    expect(reason.get_by_role("link", name=expected)).to_have_attribute("href", "#checklist")
    expect(submit).to_have_accessible_description(expected)
    assert serious_accessibility_violations(page) == []

    page.get_by_test_id("proposal-form").get_by_role("textbox", name=capfirst(es("team"))).fill(
        "Ing. Huamán"
    )
    expect(page.get_by_test_id("ready")).to_be_visible()
    expect(submit).to_be_enabled()
    expect(page.get_by_test_id("submit-reason")).to_have_count(0)
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
