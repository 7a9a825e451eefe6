"""The open-innovation funnel in a real browser, end to end (issue 9, "What it must show").

A person of a mining company reports an operational challenge and submits it; the call manager
accepts it in the triage queue and builds a call around it (texts, the challenge, criteria
60 + 40, dates), publishes it, and the periodic job opens it; an admin of a METS supplier reads
the call, sees why it matches and whether the supplier may lead, starts a proposal, fills it
(autosave), invites a university; the university's admin confirms with a commitment letter; the
supplier submits, and the receipt arrives in the in-app inbox and by email, and its PDF downloads.

The applicants browse in Spanish, the portal's default language. Visible texts are looked up in
the Spanish catalogue (``es``): the test reads what a Spanish speaker reads whether or not a
string has been translated yet, so it does not break when the translations land.
"""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import expect

from challenges.models import Call, Challenge, Proposal, ProposalPartner
from cluster_portal.core.workflows import run_time_transitions
from members.models import Capability, Organization, OrganizationMember
from notifications.models import OutboxEmail
from tests.browser.helpers import (
    AXE,
    accept_confirmations,
    click_and_wait,
    goto,
    log_in,
    record_console_errors,
)
from tests.challenges.factories import MiningCompanyFactory, SurveyRoundFactory
from tests.language import informal_spanish
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIMA = datetime.timezone(datetime.timedelta(hours=-5))
LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def es(msgid: str, context: str | None = None) -> str:
    """``msgid`` as the Spanish page shows it (the English text until it is translated)."""
    with translation.override("es"):
        return pgettext(context, msgid) if context else gettext(msgid)


def label(msgid: str) -> re.Pattern[str]:
    """A form field's label (a model's verbose name is shown capitalised), matched whole."""
    return re.compile(rf"^{re.escape(capfirst(es(msgid)))}(\s\*)?$")


def axe(page) -> list[str]:
    """axe-core's serious and critical findings on the page, with the elements to blame."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def lima(moment: datetime.datetime) -> str:
    """A ``datetime-local`` input's value, in Lima time."""
    return moment.astimezone(LIMA).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def partner_page(chromium, live_server):
    """A third browser (own cookies, Spanish) for the partner's admin."""
    context = chromium.new_context(
        base_url=live_server.url, locale="es-PE", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def people(db: None) -> dict[str, object]:
    # Transactional tests flush the database: put back the taxonomy its migration seeds.
    importlib.import_module("members.migrations.0004_seed_capabilities").seed_taxonomy(apps, None)
    maintenance = Capability.objects.filter(dimension="service_area").order_by("position").first()
    assert maintenance is not None
    SurveyRoundFactory(title="Encuesta de desafíos 2026", title_en="Challenge survey 2026")
    mine = MiningCompanyFactory(legal_name="Minera Chachani S.A.A.", trade_name="Minera Chachani")
    engineer = OrganizationMemberFactory(
        organization=mine,
        role=OrganizationMember.Role.MEMBER,
        user__email="rosa.mamani@chachani.pe",
        user__full_name="Rosa Mamani",
    ).user
    supplier = OrganizationFactory(
        legal_name="Andes Sensores S.A.C.", trade_name="AndesTech", kind="mets"
    )
    supplier.capabilities.add(maintenance)
    supplier_admin = OrganizationMemberFactory(
        organization=supplier,
        role=OrganizationMember.Role.ADMIN,
        user__email="jorge.huaman@andestech.pe",
        user__full_name="Jorge Huamán",
    ).user
    university = OrganizationFactory(
        legal_name="Universidad Nacional de San Agustín",
        trade_name="UNSA",
        kind=Organization.Kind.ACADEMIA,
    )
    university_admin = OrganizationMemberFactory(
        organization=university,
        role=OrganizationMember.Role.ADMIN,
        user__email="lucia.condori@unsa.edu.pe",
        user__full_name="Lucía Condori",
    ).user
    manager = UserFactory(
        email="convocatorias@cmsp.pe", full_name="Carmen Vela", totp=True, roles=["call_manager"]
    )
    return {
        "maintenance": maintenance,
        "mine": mine,
        "engineer": engineer,
        "supplier": supplier,
        "supplier_admin": supplier_admin,
        "university": university,
        "university_admin": university_admin,
        "manager": manager,
    }


def report_challenge(page, people) -> Challenge:
    """The mining company's engineer reports a challenge and submits it (in Spanish)."""
    goto(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    log_in(page, people["engineer"])
    goto(page, "/challenges/mine/")
    click_and_wait(page, page.get_by_role("link", name=es("Report a challenge")))
    expect(page.get_by_test_id("survey-round")).to_contain_text("Encuesta de desafíos 2026")
    assert axe(page) == []
    form = page.get_by_test_id("challenge-form")
    form.get_by_label(label("title")).fill("Desgaste prematuro de polines en fajas de relaves")
    form.get_by_label(label("problem")).fill(
        "Las fajas de relaves se detienen dos veces al mes por polines desgastados."
    )
    form.get_by_label(label("operational area")).select_option(label=es("Tailings and mine waste"))
    form.get_by_label(label("impact on cost")).select_option(label=es("High"))
    form.get_by_label(label("site")).fill("Planta concentradora, Arequipa")
    form.get_by_label(label("desired outcome")).fill(
        "Detectar el desgaste antes de la falla y reducir las paradas en 30 %."
    )
    form.get_by_label(people["maintenance"].name_es).check()
    click_and_wait(page, form.get_by_role("button", name=es("Save the draft")))
    expect(page.get_by_test_id("challenge-status")).to_have_text(es("Draft", "challenge status"))
    click_and_wait(page, page.get_by_test_id("submit"))
    expect(page.get_by_test_id("challenge-status")).not_to_have_text(
        es("Draft", "challenge status")
    )
    challenge = Challenge.objects.get(title__startswith="Desgaste prematuro")
    assert challenge.status == Challenge.Status.SUBMITTED
    assert re.fullmatch(r"CMSP-RET-\d{4}-\d{4}", challenge.reference), challenge.reference
    expect(page.get_by_test_id("challenge-reference")).to_have_text(challenge.reference)
    return challenge


def staff_signs_in(staff_page, staff, url: str) -> None:
    """The call manager opens ``url``, logs in and answers the authenticator step."""
    goto(staff_page, url)
    expect(staff_page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in(staff_page, staff, totp_secret=staff.totp_secret)
    expect(staff_page).to_have_url(re.compile(re.escape(url) + "$"))


def accept_in_triage(staff_page, manager, challenge: Challenge) -> None:
    """The call manager finds the challenge in the triage queue and accepts it (in English)."""
    staff_signs_in(staff_page, manager, "/staff/challenges/triage/")
    row = staff_page.get_by_test_id("triage-row").filter(has_text=challenge.title)
    expect(row.get_by_test_id("waiting")).to_have_text("since today")
    assert axe(staff_page) == []
    click_and_wait(staff_page, row.get_by_role("link", name=challenge.title))
    expect(staff_page.get_by_test_id("challenge-title")).to_have_text(challenge.title)
    assert axe(staff_page) == []
    click_and_wait(staff_page, staff_page.get_by_test_id("accept"))
    expect(staff_page.get_by_text(f"Challenge {challenge.reference} accepted")).to_be_visible()
    expect(staff_page.get_by_test_id("challenge-status")).to_have_text("Accepted")


def build_call(staff_page, challenge: Challenge) -> Call:
    """The call manager builds a call around the challenge, section by section, and publishes
    it; it opens at its opening time through the periodic job."""
    goto(staff_page, "/staff/challenges/calls/")
    click_and_wait(staff_page, staff_page.get_by_role("link", name="New call"))
    form = staff_page.get_by_test_id("call-form")
    form.get_by_label(re.compile(r"^Code( \*)?$")).fill("relaves-2026")
    form.get_by_label(re.compile(r"^Title( \*)?$")).fill("Monitoreo de polines en fajas de relaves")
    form.get_by_label(re.compile(r"^Title \(English\)")).fill("Idler monitoring on tailings belts")
    form.get_by_label(re.compile(r"^Summary( \*)?$")).fill(
        "Sensores y analítica para anticipar fallas de polines en fajas de relaves."
    )
    click_and_wait(staff_page, form.get_by_role("button", name="Create the draft"))
    expect(staff_page.get_by_test_id("call-status")).to_have_text("Draft")
    call = Call.objects.get(code="relaves-2026")
    expect(staff_page.get_by_test_id("publication-errors")).to_be_visible()
    assert axe(staff_page) == []
    sections = staff_page.get_by_test_id("call-sections")

    click_and_wait(staff_page, sections.get_by_role("link", name="Challenges and sponsors"))
    section = staff_page.get_by_test_id("section-form")
    section.get_by_label(re.compile(re.escape(challenge.title))).check()
    click_and_wait(staff_page, section.get_by_role("button", name="Save"))
    assert list(call.challenges.all()) == [challenge]

    click_and_wait(staff_page, sections.get_by_role("link", name="Eligibility"))
    section = staff_page.get_by_test_id("section-form")
    section.get_by_role("group", name="Required partner kinds").get_by_label("Academia").check()
    click_and_wait(staff_page, section.get_by_role("button", name="Save"))

    # Publishing needs dates in order and the closing time ahead; the call opened a minute ago.
    now = timezone.now()
    click_and_wait(staff_page, sections.get_by_role("link", name="Timeline and funding"))
    section = staff_page.get_by_test_id("section-form")
    section.get_by_label("Opens").fill(lima(now - datetime.timedelta(minutes=1)))
    section.get_by_label("Closes").fill(lima(now + datetime.timedelta(days=20)))
    section.get_by_label("Evaluation ends").fill(lima(now + datetime.timedelta(days=40)))
    section.get_by_label("Results announced").fill(lima(now + datetime.timedelta(days=45)))
    section.get_by_label("Funding per project", exact=True).fill("150000")
    section.get_by_label("Total funding", exact=True).fill("300000")
    section.get_by_label("Maximum awards").fill("2")
    click_and_wait(staff_page, section.get_by_role("button", name="Save"))
    call.refresh_from_db()
    assert call.opens_at is not None
    assert call.closes_at is not None
    assert str(call.funding_per_project.amount) == "150000.00"

    click_and_wait(staff_page, sections.get_by_role("link", name="Criteria"))
    for name, weight in (("Impacto operativo", "60"), ("Viabilidad técnica", "40")):
        criterion = staff_page.get_by_test_id("criterion-form")
        criterion.get_by_label(re.compile(r"^Name( \*)?$")).fill(name)
        criterion.get_by_label(re.compile(r"^Weight \(%\)")).fill(weight)
        click_and_wait(staff_page, criterion.get_by_role("button", name="Add the criterion"))
    expect(staff_page.get_by_test_id("criterion-row")).to_have_count(2)
    expect(staff_page.get_by_test_id("weights-sum")).to_have_text("Weights: 100 / 100")
    assert axe(staff_page) == []

    click_and_wait(staff_page, sections.get_by_role("link", name="Overview"))
    expect(staff_page.get_by_test_id("publication-errors")).to_have_count(0)
    questions = accept_confirmations(staff_page)
    click_and_wait(staff_page, staff_page.get_by_test_id("schedule"))
    assert questions
    assert questions[0].startswith("Publish this call?")
    expect(staff_page.get_by_test_id("call-status")).to_have_text("Scheduled")

    # What the beat job runs: the call opens by itself (and a second run changes nothing).
    run_time_transitions()
    run_time_transitions()
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    goto(staff_page, f"/staff/challenges/calls/{call.pk}/")
    expect(staff_page.get_by_test_id("call-status")).to_have_text("Open")
    return call


def saved_prefix() -> str:
    """The start of the autosave status ("Saved at 10:42")."""
    return es("Saved at %(time)s").split("%(")[0].strip()


def start_proposal(page, people, call: Call) -> Proposal:
    """The supplier's admin finds the call, reads why it matches and whether the supplier may
    lead, starts a proposal and fills it in; the draft saves as they type."""
    page.context.clear_cookies()
    goto(page, "/")
    log_in(page, people["supplier_admin"])
    goto(page, "/challenges/calls/")
    card = page.get_by_test_id("call-card").filter(has_text=call.title)
    expect(card.get_by_test_id("call-status")).to_have_text(es("Open", "call status"))
    click_and_wait(page, card.get_by_role("link", name=call.title))
    expect(page.get_by_test_id("call-title")).to_have_text(call.title)
    expect(page.get_by_test_id("call-countdown")).to_be_visible()
    expect(page.get_by_test_id("call-challenges")).to_contain_text(
        "Desgaste prematuro de polines en fajas de relaves"
    )
    eligibility = page.get_by_test_id("eligibility")
    expect(eligibility).to_contain_text("AndesTech")
    expect(eligibility.get_by_test_id("match-reasons")).to_contain_text(
        people["maintenance"].name_es
    )
    # The university partner the call requires is needed before submitting, not a failure.
    partner_rule = eligibility.get_by_test_id("rule-partner_academia")
    expect(partner_rule).to_contain_text(es("Before submitting"))
    expect(partner_rule).not_to_contain_text(es("Fails"))
    assert axe(page) == []

    click_and_wait(page, page.get_by_test_id("start-proposal"))
    expect(page.get_by_test_id("lead-option")).to_contain_text("AndesTech")
    assert axe(page) == []
    page.get_by_role("radio", name="AndesTech").check()
    click_and_wait(page, page.get_by_test_id("start-proposal"))
    proposal = Proposal.objects.get(call=call, lead_organization=people["supplier"])
    expect(page.get_by_test_id("proposal-status")).to_have_text(es("Draft", "proposal status"))

    form = page.get_by_test_id("proposal-form")
    form.get_by_label(label("title")).fill("Polines con sensores de vibración para relaves")
    form.get_by_label(label("challenge addressed")).select_option(
        label="Desgaste prematuro de polines en fajas de relaves"
    )
    form.get_by_label(label("summary")).fill(
        "Sensores inalámbricos en los polines y un modelo que anticipa la falla."
    )
    form.get_by_label(label("technical approach")).fill(
        "Piloto de seis meses en la faja 3 con validación en el laboratorio de la UNSA."
    )
    form.get_by_label(label("TRL now")).fill("4")
    form.get_by_label(label("TRL at the end")).fill("7")
    form.get_by_label(label("budget")).fill("140000")
    form.get_by_label(label("duration (months)")).fill("12")
    form.get_by_label(label("team")).fill("Ing. Jorge Huamán (líder), Dra. Lucía Condori (UNSA).")
    status = page.get_by_test_id("save-status")
    expect(status).to_contain_text(saved_prefix())
    proposal.refresh_from_db()
    assert proposal.title == "Polines con sensores de vibración para relaves"
    assert proposal.team.startswith("Ing. Jorge Huamán")
    assert proposal.version > 1
    assert axe(page) == []
    return proposal


def invite_partner(page, people, proposal: Proposal) -> None:
    """The supplier's admin looks the university up and invites it to the consortium."""
    search = page.get_by_role("search").filter(has=page.get_by_role("searchbox"))
    search.get_by_role("searchbox").fill("UNSA")
    click_and_wait(page, search.get_by_role("button", name=es("Search")))
    page.get_by_label(label("Partner organization")).select_option(label="UNSA")
    page.get_by_label(label("Role in the consortium")).fill("Validación en laboratorio")
    page.get_by_label(label("Budget share")).fill("30000")
    page.get_by_label(label("Message to the partner")).fill("Gracias por acompañarnos.")
    click_and_wait(page, page.get_by_test_id("invite-partner"))
    partner = page.get_by_test_id("partner-row").filter(has_text="UNSA")
    expect(partner).to_contain_text("Validación en laboratorio")
    invited = ProposalPartner.objects.get(proposal=proposal)
    assert invited.status == ProposalPartner.Status.INVITED
    # Until the university confirms, the checklist names it and Submit is disabled, its reason
    # linking to the checklist (the server refuses too: tests/challenges/proposals).
    expect(page.get_by_test_id(f"missing-partner_{invited.pk}")).to_contain_text("UNSA")
    expect(page.get_by_test_id("submit")).to_be_disabled()
    items = page.get_by_test_id("checklist").get_by_role("listitem").count()
    with translation.override("es"):
        reason = ngettext(
            "Complete the %(count)s item of the checklist first.",
            "Complete the %(count)s items of the checklist first.",
            items,
        ) % {"count": items}
    expect(page.get_by_test_id("submit-reason").get_by_role("link", name=reason)).to_have_attribute(
        "href", "#checklist"
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert not proposal.reference


def partner_confirms(partner_page, people, proposal: Proposal) -> None:
    """The university's admin opens the invitation from the inbox and confirms with a letter."""
    goto(partner_page, "/")
    log_in(partner_page, people["university_admin"])
    click_and_wait(partner_page, partner_page.get_by_test_id("notifications-bell"))
    notification = partner_page.get_by_test_id("notification").filter(has_text="AndesTech")
    expect(notification).to_contain_text("UNSA")
    click_and_wait(partner_page, notification.get_by_role("link").first)
    expect(partner_page.get_by_test_id("partner-status")).to_have_text(
        es("Invited", "partner status")
    )
    assert axe(partner_page) == []
    confirm = partner_page.get_by_test_id("confirm-form")
    confirm.get_by_label(label("Commitment letter")).set_input_files(
        {"name": "carta-compromiso-unsa.pdf", "mimeType": "application/pdf", "buffer": LETTER}
    )
    click_and_wait(partner_page, confirm.get_by_test_id("confirm"))
    expect(partner_page.get_by_test_id("partner-status")).to_have_text(
        es("Confirmed", "partner status")
    )
    expect(partner_page.get_by_role("link", name="carta-compromiso-unsa.pdf")).to_be_visible()


def submit_and_get_the_receipt(page, proposal: Proposal) -> str:
    """The supplier submits; the receipt is in the inbox, on its page and as a PDF."""
    goto(page, f"/challenges/proposals/{proposal.pk}/")
    expect(page.get_by_test_id("ready")).to_be_visible()
    click_and_wait(page, page.get_by_test_id("submit"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    reference = proposal.reference
    assert re.fullmatch(rf"CMSP-{timezone.localdate().year}-\d{{4}}", reference), reference
    expect(page.get_by_test_id("receipt-reference")).to_have_text(reference)
    assert axe(page) == []

    with page.expect_download() as download_info:
        page.get_by_test_id("receipt-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}.pdf"
    pdf = open(download.path(), "rb").read()  # noqa: SIM115
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"example.com" not in pdf
    assert b"Traceback" not in pdf
    assert b"{{" not in pdf  # no template left unrendered
    assert b"%(" not in pdf  # no placeholder left unfilled
    assert reference.encode() in pdf

    click_and_wait(page, page.get_by_test_id("notifications-bell"))
    receipt = page.get_by_test_id("notification").filter(has_text=reference)
    expect(receipt).to_have_count(1)
    expect(receipt).to_contain_text("Polines con sensores de vibración para relaves")
    assert axe(page) == []
    return reference


def test_challenge_to_call_to_consortium_proposal_to_receipt(
    page, english_page, partner_page, people
) -> None:
    console_errors = record_console_errors(page)
    staff_errors = record_console_errors(english_page)
    questions = accept_confirmations(page)
    challenge = report_challenge(page, people)
    accept_in_triage(english_page, people["manager"], challenge)
    call = build_call(english_page, challenge)
    proposal = start_proposal(page, people, call)
    invite_partner(page, people, proposal)
    partner_confirms(partner_page, people, proposal)
    reference = submit_and_get_the_receipt(page, proposal)

    # The receipt email, in Spanish: formal, names rather than addresses, nothing of a test.
    email = OutboxEmail.objects.get(
        event="challenges.proposal_submitted", to_email=people["supplier_admin"].email
    )
    assert email.language == "es"
    text = f"{email.subject}\n{email.body_text}"
    assert reference in email.subject
    assert "Polines con sensores de vibración para relaves" in text
    assert "AndesTech" in text or "Andes Sensores" in text
    assert "@" not in email.body_text.replace(people["supplier_admin"].email, "")
    assert "example.com" not in text
    assert informal_spanish(text) == []
    assert es("Submit this proposal? You receive a receipt with its reference.") in questions
    assert console_errors == []
    assert staff_errors == []
