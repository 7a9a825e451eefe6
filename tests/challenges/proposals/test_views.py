"""Proposal pages: my proposals, start, edit with htmx autosave (versions and conflicts),
consortium, partner answer, submit, receipt page and PDF; nothing changes after the deadline
whatever sends it; the staff list of a call with 2,000 proposals; query counts."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from challenges.models import Proposal, ProposalPartner
from challenges.services import proposals as services
from tests.challenges.factories import CallFactory, ProposalFactory, ProposalPartnerFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory
from tests.permission_matrix import staff_user

from .conftest import login, pdf_file

pytestmark = pytest.mark.django_db


def detail(proposal: Proposal) -> str:
    return reverse("challenges:proposal_detail", kwargs={"proposal_id": proposal.pk})


def save_url(proposal: Proposal) -> str:
    return reverse("challenges:proposal_save", kwargs={"proposal_id": proposal.pk})


def form_data(world, **changes) -> dict:
    data = {
        "version": world.proposal.version,
        "title": world.proposal.title,
        "challenge": world.proposal.challenge_id,
        "summary": "Resumen",
        "technical_approach": "Enfoque",
        "trl_start": 4,
        "trl_end": 7,
        "budget_0": "1000.00",
        "budget_1": "PEN",
        "co_funding_0": "",
        "co_funding_1": "PEN",
        "duration_months": 12,
        "team": "Equipo",
        f"q_{world.question.pk}": "Respuesta",
    }
    data.update(changes)
    return data


def test_my_proposals_lists_lead_and_partner_proposals(world, max_queries) -> None:
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    for _ in range(3):
        ProposalFactory(call=world.call, lead_organization=world.lead)
    ProposalFactory(call=world.call, title="Ajena")  # another organization's
    client = login(world.partner_admin)
    response = max_queries(
        12,
        client.get,
        reverse("challenges:proposal_list"),
        expect=["Polines inteligentes", "Confirm or decline the partnership.", "left"],
    )
    assert "Ajena" not in response.content.decode()
    lead_client = login(world.lead_member)
    body = max_queries(12, lead_client.get, reverse("challenges:proposal_list")).content.decode()
    assert body.count('data-testid="proposal-row"') == 4


def test_start_page_shows_rules_and_creates_the_draft(world) -> None:
    call = CallFactory(code="relaves-2026", eligible_regions=["arequipa"])
    client = login(world.lead_admin)
    url = reverse("challenges:proposal_create", kwargs={"code": call.code})
    body = client.get(url).content.decode()
    assert "AndesTech" in body
    assert "Based in" in body
    response = client.post(url, {"organization": world.lead.pk})
    proposal = Proposal.objects.get(call=call)
    assert response.status_code == 302
    assert response["Location"] == detail(proposal)
    assert proposal.created_by == world.lead_admin


def test_start_page_refuses_an_organization_that_is_not_eligible(world) -> None:
    call = CallFactory(eligible_regions=["puno"])
    client = login(world.lead_admin)
    url = reverse("challenges:proposal_create", kwargs={"code": call.code})
    assert "Start the proposal" not in client.get(url).content.decode()
    client.post(url, {"organization": world.lead.pk})
    assert not Proposal.objects.filter(call=call).exists()


def test_detail_page_renders_with_bounded_queries(world, max_queries) -> None:
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    client = login(world.lead_admin)
    max_queries(
        30,
        client.get,
        detail(world.proposal),
        expect=["Polines inteligentes", "UNSUR", "How validated?", "hx-post", "Before submitting"],
    )


def test_htmx_autosave_updates_status_and_version(world) -> None:
    client = login(world.lead_member)
    response = client.post(
        save_url(world.proposal), form_data(world, title="Nuevo título"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in body
    assert 'name="version" value="2"' in body
    assert 'hx-swap-oob="true"' in body
    world.proposal.refresh_from_db()
    assert (world.proposal.title, world.proposal.version) == ("Nuevo título", 2)


def test_htmx_autosave_with_a_stale_version_names_who_saved_and_overwrites_nothing(world) -> None:
    login(world.lead_admin).post(
        save_url(world.proposal), form_data(world, title="De Ana"), HTTP_HX_REQUEST="true"
    )
    response = login(world.lead_member).post(
        save_url(world.proposal),
        form_data(world, title="Del otro", version=1),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Ana Quispe saved a newer version at" in body
    assert "reload to see it" in body
    world.proposal.refresh_from_db()
    assert (world.proposal.title, world.proposal.version) == ("De Ana", 2)


def _closing_soon(world) -> datetime.datetime:
    """The call closes in 10 minutes (a far jump would also end the test session)."""
    world.call.closes_at = timezone.now() + datetime.timedelta(minutes=10)
    world.call.save(update_fields=["closes_at"])
    return world.call.closes_at


def _assert_unchanged(world) -> None:
    world.proposal.refresh_from_db()
    assert world.proposal.title == "Polines inteligentes"
    assert world.proposal.version == 1
    assert world.proposal.status == Proposal.Status.DRAFT


def test_nothing_changes_after_the_deadline_through_form_htmx_or_a_replay(world) -> None:
    client = login(world.lead_admin)
    data = form_data(world, title="Tarde")
    late = _closing_soon(world) + datetime.timedelta(minutes=5)
    with time_machine.travel(late):
        page = client.get(detail(world.proposal)).content.decode()
        assert "hx-post" not in page  # the form is read-only
        client.post(save_url(world.proposal), data)  # the form's POST
        htmx = client.post(save_url(world.proposal), data, HTTP_HX_REQUEST="true")
        assert "deadline has passed" in htmx.content.decode()
        client.post(reverse("challenges:proposal_submit", args=[world.proposal.pk]))
        client.post(reverse("challenges:proposal_withdraw", args=[world.proposal.pk]))
        client.post(
            reverse("challenges:proposal_file_add", args=[world.proposal.pk]),
            {"file": pdf_file()},
        )
    _assert_unchanged(world)
    assert not world.proposal.submissions.exists()


def test_a_request_replayed_after_the_deadline_is_refused(world) -> None:
    client = login(world.lead_admin)
    data = form_data(world, title="Antes")
    assert client.post(save_url(world.proposal), data).status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.version == 2
    # The same request, with a fresh version too, replayed once the deadline passed.
    replay = dict(data, version=2, title="Reenviado")
    with time_machine.travel(_closing_soon(world) + datetime.timedelta(seconds=1)):
        client.post(save_url(world.proposal), replay)
        client.post(save_url(world.proposal), replay, HTTP_HX_REQUEST="true")
    world.proposal.refresh_from_db()
    assert (world.proposal.title, world.proposal.version) == ("Antes", 2)


def test_invite_confirm_submit_receipt_and_pdf(world, mailoutbox) -> None:
    lead = login(world.lead_admin)
    response = lead.post(
        reverse("challenges:proposal_partner_invite", args=[world.proposal.pk]),
        {
            "organization": world.partner_org.pk,
            "role": "Laboratorio",
            "budget_share_0": "5000.00",
            "budget_share_1": "PEN",
            "message": "Gracias",
        },
    )
    assert response.status_code == 302
    partner = ProposalPartner.objects.get(proposal=world.proposal)
    # The checklist shows the unconfirmed partner, linking to the consortium.
    page = lead.get(detail(world.proposal)).content.decode()
    assert f'data-testid="missing-partner_{partner.pk}"' in page
    answer = login(world.partner_admin)
    url = reverse("challenges:partner_answer", args=[partner.pk])
    assert "Confirm the partnership" in answer.get(url).content.decode()
    answer.post(url, {"answer": "confirm", "commitment_letter": pdf_file()})
    partner.refresh_from_db()
    assert partner.status == ProposalPartner.Status.CONFIRMED
    response = lead.post(reverse("challenges:proposal_submit", args=[world.proposal.pk]))
    receipt_url = reverse("challenges:proposal_receipt", args=[world.proposal.pk])
    assert response["Location"] == receipt_url
    world.proposal.refresh_from_db()
    receipt = lead.get(receipt_url).content.decode()
    assert world.proposal.reference in receipt
    assert world.proposal.submissions.get().sha256 in receipt
    pdf = answer.get(reverse("challenges:proposal_receipt_pdf", args=[world.proposal.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert world.proposal.reference in pdf["Content-Disposition"]


def test_submit_page_lists_missing_items_as_a_checklist(world) -> None:
    world.proposal.team = ""
    world.proposal.save()
    client = login(world.lead_admin)
    page = client.get(detail(world.proposal)).content.decode()
    assert 'href="#id_team"' in page
    response = client.post(
        reverse("challenges:proposal_submit", args=[world.proposal.pk]), follow=True
    )
    assert "Fill in “Team”." in response.content.decode()
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.DRAFT


SUBMIT_ENABLED = '<button type="submit" class="btn btn-success" data-testid="submit">'
SUBMIT_DISABLED = (
    '<button type="button" class="btn btn-success" disabled aria-describedby="submit-reason" '
    'data-testid="submit">'
)


def _submit_reason(page: str) -> str:
    match = re.search(r'<p id="submit-reason"[^>]*>(.*?)</p>', page, re.S)
    assert match, "no reason next to a disabled Submit"
    return match.group(1)


def test_submit_is_disabled_with_the_checklist_count_until_the_checklist_is_empty(world) -> None:
    client = login(world.lead_admin)
    page = client.get(detail(world.proposal)).content.decode()
    assert SUBMIT_ENABLED in page  # complete: Submit is a button that posts
    assert SUBMIT_DISABLED not in page
    world.proposal.team = ""
    world.proposal.save()
    page = client.get(detail(world.proposal)).content.decode()
    assert SUBMIT_ENABLED not in page
    assert SUBMIT_DISABLED in page
    assert _submit_reason(page) == (
        '<a href="#checklist">Complete the 1 item of the checklist first.</a>'
    )
    world.proposal.summary = ""
    world.proposal.save()
    page = client.get(detail(world.proposal)).content.decode()
    assert _submit_reason(page) == (
        '<a href="#checklist">Complete the 2 items of the checklist first.</a>'
    )
    # The server still refuses, whatever the page showed.
    client.post(reverse("challenges:proposal_submit", args=[world.proposal.pk]))
    world.proposal.refresh_from_db()
    assert world.proposal.status == Proposal.Status.DRAFT


def test_a_lead_member_sees_the_guard_reason_not_the_checklist_count(world) -> None:
    world.proposal.team = ""
    world.proposal.save()
    page = login(world.lead_member).get(detail(world.proposal)).content.decode()
    assert SUBMIT_DISABLED in page
    reason = _submit_reason(page)
    assert "checklist" not in reason
    assert "<a " not in reason


def test_autosave_sends_the_checklist_and_submit_out_of_band(world) -> None:
    world.proposal.team = ""
    world.proposal.save()
    client = login(world.lead_admin)
    body = client.post(
        save_url(world.proposal), form_data(world), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert (
        '<section id="checklist" class="card mb-3" aria-labelledby="checklist-heading" '
        'hx-swap-oob="true">' in body
    )
    assert '<div id="lead-actions" hx-swap-oob="true">' in body
    assert 'data-testid="ready"' in body
    assert SUBMIT_ENABLED in body
    # Emptying two fields: the checklist and the reason follow.
    body = client.post(
        save_url(world.proposal),
        form_data(world, version=2, team="", summary=""),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="missing-field_team"' in body
    assert 'data-testid="missing-field_summary"' in body
    assert SUBMIT_DISABLED in body
    assert "Complete the 2 items of the checklist first." in _submit_reason(body)
    # A refused save sends nothing out of band.
    body = client.post(
        save_url(world.proposal), form_data(world, version=1), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-swap-oob" not in body


def test_eligibility_marks_say_in_words_whether_each_rule_passes(world) -> None:
    world.call.eligible_regions = ["puno"]  # the lead is in Arequipa: fails
    world.call.required_partner_kinds = ["academia"]  # needed before submitting
    world.call.save()  # members only (the lead is an active member): passes
    page = login(world.lead_admin).get(detail(world.proposal)).content.decode()
    items = {
        code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
        for code, html in re.findall(
            r'<li class="[^"]*" data-testid="rule-([a-z_]+)">(.*?)</li>', page, re.S
        )
    }
    assert items["members_only"].startswith("✓ Passes: Led by an active member")
    assert items["region"].startswith("✗ Fails: Based in")
    assert items["partner_academia"].startswith("… Needed before submitting: At least one")
    for code in ("members_only", "region", "partner_academia"):
        assert re.search(
            rf'data-testid="rule-{code}">\s*<span aria-hidden="true">[✓✗…]</span>\s*'
            r'<span class="visually-hidden">',
            page,
        )


def test_receipt_is_404_before_submission(world) -> None:
    client = login(world.lead_admin)
    assert (
        client.get(reverse("challenges:proposal_receipt", args=[world.proposal.pk])).status_code
        == 404
    )


# --- Staff -----------------------------------------------------------------------------------


def test_staff_list_of_a_call_with_2000_proposals(world, max_queries) -> None:
    organizations = [OrganizationFactory() for _ in range(5)]
    now = timezone.now()
    Proposal.objects.bulk_create(
        [
            Proposal(
                call=world.call,
                lead_organization=organizations[i % 5],
                title=f"Propuesta masiva {i:04d}",
                status=Proposal.Status.SUBMITTED if i % 2 else Proposal.Status.DRAFT,
                reference=f"CMSP-2026-{i + 1000:05d}" if i % 2 else None,
                submitted_at=now - datetime.timedelta(minutes=i) if i % 2 else None,
                created_at=now,
                updated_at=now,
            )
            for i in range(2000)
        ]
    )
    client = login(staff_user("call_manager"))
    url = reverse("challenges_staff:call_proposal_list", args=[world.call.pk])
    response = max_queries(10, client.get, url, expect=["Propuesta masiva 0001", "2001"])
    assert response.content.decode().count('data-testid="proposal-row"') == 25
    page = max_queries(10, client.get, url + "?status=draft&q=masiva&page=3")
    assert page.content.decode().count('data-testid="proposal-row"') == 25


def test_staff_detail_is_read_only(world) -> None:
    services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    client = login(staff_user("auditor"))
    url = reverse("challenges_staff:call_proposal_detail", args=[world.call.pk, world.proposal.pk])
    body = client.get(url).content.decode()
    assert world.proposal.submissions.get().sha256 in body
    assert 'action="/challenges/' not in body  # no form acts on the proposal


def test_dashboard_panel_shows_drafts_and_invitations(world) -> None:
    other = OrganizationFactory(trade_name="Socio Invitado")
    admin = OrganizationMemberFactory(organization=other, role="admin").user
    ProposalPartnerFactory(proposal=world.proposal, organization=other)
    from challenges.selectors.proposals import proposals_panel
    from members.viewer import viewer_for

    lead_panel = proposals_panel(viewer_for(world.lead_admin))
    assert [r.proposal for r in lead_panel["drafts"]] == [world.proposal]
    partner_panel = proposals_panel(viewer_for(admin))
    assert [i.organization for i in partner_panel["invitations"]] == [other]
