"""Proposal services: every rule and refusal, versions, consortium, submission (reference,
snapshot, receipt), unsubmit/resubmit, withdraw, deadlines and extensions, reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from djmoney.money import Money

from challenges.models import Proposal, ProposalPartner, ProposalReminder, ProposalSubmission
from challenges.receipts import receipt_pdf
from challenges.services import proposals as services
from members.models import Organization
from notifications.models import Notification, OutboxEmail
from tests.challenges.factories import (
    CallFactory,
    CallQuestionFactory,
    DeadlineExtensionFactory,
    ProposalAnswerFactory,
    ProposalFactory,
    ProposalPartnerFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .conftest import pdf_file

pytestmark = pytest.mark.django_db


def invite_and_confirm(world, organization=None):
    partner = services.partner_invite(
        actor=world.lead_admin,
        proposal=world.proposal,
        organization=organization or world.partner_org,
        role="Validación",
        budget_share=Money(Decimal("10000.00"), "PEN"),
        message="Únase, por favor.",
    )
    return services.partner_confirm(
        actor=world.partner_admin, partner=partner, commitment_letter=pdf_file()
    )


def snapshot_of(proposal: Proposal) -> tuple[str, dict]:
    row = proposal.submissions.order_by("-number").first()
    return row.sha256, row.snapshot


# --- Create ----------------------------------------------------------------------------------


def test_a_member_of_the_organization_starts_a_draft(world) -> None:
    proposal = services.proposal_create(
        actor=world.lead_member, call=world.call, lead_organization=world.lead
    )
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.version == 1
    assert proposal.challenge == world.call.challenges.get()  # the only challenge, preselected
    assert proposal.reference is None


def test_someone_outside_the_organization_cannot_start_its_proposal(world) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=world.partner_admin, call=world.call, lead_organization=world.lead
        )
    assert Proposal.objects.filter(lead_organization=world.lead).count() == 1


def test_failing_rules_are_itemized_and_nothing_is_created(world) -> None:
    call = CallFactory(eligible_kinds=["academia"], eligible_regions=["puno"])
    with pytest.raises(ValidationError) as raised:
        services.proposal_create(actor=world.lead_admin, call=call, lead_organization=world.lead)
    codes = {e.code for e in raised.value.error_list}
    assert codes == {"rule_kind", "rule_region"}
    assert not Proposal.objects.filter(call=call).exists()


def test_the_limit_of_proposals_per_organization_counts_drafts_not_withdrawn(world) -> None:
    call = CallFactory(max_proposals_per_organization=1)
    ProposalFactory(call=call, lead_organization=world.lead, status=Proposal.Status.WITHDRAWN)
    services.proposal_create(actor=world.lead_admin, call=call, lead_organization=world.lead)
    with pytest.raises(ValidationError) as raised:
        services.proposal_create(actor=world.lead_admin, call=call, lead_organization=world.lead)
    assert raised.value.error_list[0].code == "rule_max_proposals"


@pytest.mark.parametrize("status", ["draft", "scheduled", "in_evaluation"])
def test_a_call_that_does_not_take_proposals_refuses(world, status) -> None:
    call = CallFactory(status=status)
    with pytest.raises(ValidationError) as raised:
        services.proposal_create(actor=world.lead_admin, call=call, lead_organization=world.lead)
    assert raised.value.code == "call_closed"


def test_an_open_call_past_its_closing_time_refuses(world) -> None:
    late = world.call.closes_at + datetime.timedelta(minutes=1)
    with time_machine.travel(late), pytest.raises(ValidationError):
        services.proposal_create(
            actor=world.lead_admin, call=world.call, lead_organization=world.lead
        )


# --- Edit ------------------------------------------------------------------------------------


def test_update_saves_fields_and_answers_and_bumps_the_version(world) -> None:
    proposal = services.proposal_update(
        actor=world.lead_member,
        proposal=world.proposal,
        data={"title": "  Polines v2 ", "budget": Money(Decimal("99.50"), "USD")},
        answers={world.question.pk: "En Cerro Verde."},
        expected_version=1,
    )
    proposal.refresh_from_db()
    assert proposal.title == "Polines v2"
    assert proposal.budget == Money(Decimal("99.50"), "USD")
    assert proposal.version == 2
    assert proposal.updated_by == world.lead_member
    assert proposal.answers.get().value == "En Cerro Verde."


def test_a_stale_version_is_refused_naming_who_saved_and_nothing_changes(world) -> None:
    services.proposal_update(
        actor=world.lead_admin, proposal=world.proposal, data={"title": "A"}, expected_version=1
    )
    with pytest.raises(services.ProposalConflict) as raised:
        services.proposal_update(
            actor=world.lead_member,
            proposal=world.proposal,
            data={"title": "B"},
            answers={world.question.pk: "overwritten?"},
            expected_version=1,
        )
    assert "Ana Quispe saved a newer version at" in raised.value.messages[0]
    world.proposal.refresh_from_db()
    assert (world.proposal.title, world.proposal.version) == ("A", 2)
    assert world.proposal.answers.get().value == "En la planta piloto."


def test_partners_and_others_cannot_edit(world) -> None:
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    with pytest.raises(PermissionDenied):
        services.proposal_update(
            actor=world.partner_admin,
            proposal=world.proposal,
            data={"title": "X"},
            expected_version=1,
        )


def test_invalid_values_are_refused_by_field(world) -> None:
    number = CallQuestionFactory(call=world.call, kind="number")
    with pytest.raises(ValidationError) as raised:
        services.proposal_update(
            actor=world.lead_admin,
            proposal=world.proposal,
            data={"trl_start": 8, "trl_end": 3},
            answers={number.pk: "muchos"},
            expected_version=1,
        )
    assert f"q_{number.pk}" in raised.value.message_dict
    world.proposal.refresh_from_db()
    assert world.proposal.version == 1


def test_nothing_changes_after_the_deadline(world) -> None:
    with time_machine.travel(world.call.closes_at + datetime.timedelta(seconds=1)):
        with pytest.raises((ValidationError, PermissionDenied)):
            services.proposal_update(
                actor=world.lead_admin,
                proposal=world.proposal,
                data={"title": "Tarde"},
                expected_version=1,
            )
        with pytest.raises((ValidationError, PermissionDenied)):
            services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
        with pytest.raises((ValidationError, PermissionDenied)):
            services.proposal_withdraw(actor=world.lead_admin, proposal=world.proposal)
        with pytest.raises((ValidationError, PermissionDenied)):
            services.proposal_file_add(
                actor=world.lead_admin, proposal=world.proposal, uploaded_file=pdf_file()
            )
    world.proposal.refresh_from_db()
    assert (world.proposal.title, world.proposal.status, world.proposal.version) == (
        "Polines inteligentes",
        Proposal.Status.DRAFT,
        1,
    )


# --- Consortium ------------------------------------------------------------------------------


def test_invite_notifies_the_partner_admins_only(world) -> None:
    partner = services.partner_invite(
        actor=world.lead_admin,
        proposal=world.proposal,
        organization=world.partner_org,
        role="Laboratorio",
        budget_share=None,
        message="",
    )
    assert partner.status == ProposalPartner.Status.INVITED
    notified = set(
        Notification.objects.filter(event="challenges.proposal_partner_invited").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {world.partner_admin.pk}
    assert OutboxEmail.objects.filter(
        event="challenges.proposal_partner_invited", recipient=world.partner_admin
    ).exists()


def test_only_lead_admins_invite(world) -> None:
    with pytest.raises(PermissionDenied):
        services.partner_invite(
            actor=world.lead_member,
            proposal=world.proposal,
            organization=world.partner_org,
            role="x",
        )


@pytest.mark.parametrize("case", ["lead", "twice", "no_admin", "no_role"])
def test_invite_refusals(world, case) -> None:
    organization = world.partner_org
    role = "Laboratorio"
    if case == "lead":
        organization = world.lead
    elif case == "twice":
        services.partner_invite(
            actor=world.lead_admin, proposal=world.proposal, organization=organization, role=role
        )
    elif case == "no_admin":
        organization = OrganizationFactory()
    elif case == "no_role":
        role = "  "
    with pytest.raises(ValidationError):
        services.partner_invite(
            actor=world.lead_admin, proposal=world.proposal, organization=organization, role=role
        )


def test_confirm_needs_the_letter_and_a_partner_admin(world) -> None:
    partner = services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="x"
    )
    with pytest.raises(PermissionDenied):
        services.partner_confirm(
            actor=world.partner_member, partner=partner, commitment_letter=pdf_file()
        )
    with pytest.raises(PermissionDenied):
        services.partner_confirm(
            actor=world.lead_admin, partner=partner, commitment_letter=pdf_file()
        )
    with pytest.raises(ValidationError):
        services.partner_confirm(actor=world.partner_admin, partner=partner, commitment_letter=None)
    partner.refresh_from_db()
    assert partner.status == ProposalPartner.Status.INVITED
    services.partner_confirm(
        actor=world.partner_admin, partner=partner, commitment_letter=pdf_file()
    )
    partner.refresh_from_db()
    assert partner.status == ProposalPartner.Status.CONFIRMED
    assert partner.responded_by == world.partner_admin
    assert Notification.objects.filter(
        event="challenges.proposal_partner_confirmed", recipient=world.lead_admin
    ).exists()


def test_decline_leave_remove_and_invite_again(world) -> None:
    partner = services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="x"
    )
    services.partner_decline(actor=world.partner_admin, partner=partner, reason="Sin tiempo")
    partner.refresh_from_db()
    assert (partner.status, partner.decline_reason) == ("declined", "Sin tiempo")
    again = services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="y"
    )
    assert again.pk == partner.pk
    assert again.status == "invited"
    assert again.decline_reason == ""
    services.partner_confirm(actor=world.partner_admin, partner=again, commitment_letter=pdf_file())
    services.partner_leave(actor=world.partner_admin, partner=again)
    again.refresh_from_db()
    assert again.status == "declined"
    third = services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="z"
    )
    with pytest.raises(PermissionDenied):
        services.partner_remove(actor=world.lead_member, partner=third)
    services.partner_remove(actor=world.lead_admin, partner=third)
    third.refresh_from_db()
    assert third.status == "removed"
    assert Notification.objects.filter(
        event="challenges.proposal_partner_removed", recipient=world.partner_admin
    ).exists()


# --- Submission ------------------------------------------------------------------------------


def test_submit_lists_every_missing_item(world) -> None:
    world.proposal.summary = ""
    world.proposal.save()
    world.proposal.answers.all().delete()
    CallQuestionFactory(call=world.call, kind="file", label_en="Budget sheet")
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    with pytest.raises(ValidationError) as raised:
        services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    text = " ".join(raised.value.messages)
    assert "Summary" in text
    assert "How validated?" in text
    assert "Budget sheet" in text
    assert "UNSUR has not confirmed" in text
    world.proposal.refresh_from_db()
    assert world.proposal.status == "draft"
    assert world.proposal.reference is None
    assert not ProposalSubmission.objects.exists()


def test_required_partner_kind_counts_only_confirmed_partners(world) -> None:
    world.call.required_partner_kinds = ["academia"]
    world.call.save()
    partner = services.partner_invite(
        actor=world.lead_admin, proposal=world.proposal, organization=world.partner_org, role="x"
    )
    with pytest.raises(ValidationError) as raised:
        services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    assert any("Academia" in m or "academia" in m.lower() for m in raised.value.messages)
    services.partner_confirm(
        actor=world.partner_admin, partner=partner, commitment_letter=pdf_file()
    )
    submission = services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    assert submission.snapshot["partners"][0]["name"] == "Universidad del Sur"
    assert submission.snapshot["partners"][0]["commitment_letter_sha256"]


def test_a_lead_member_who_is_not_admin_cannot_submit(world) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_submit(actor=world.lead_member, proposal=world.proposal)


def test_submit_gives_reference_snapshot_and_receipt(world) -> None:
    invite_and_confirm(world)
    submission = services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    world.proposal.refresh_from_db()
    year = timezone.localdate().year
    assert world.proposal.reference == f"CMSP-{year}-0001"
    assert world.proposal.status == "submitted"
    assert submission.number == 1
    assert submission.sha256 == services.snapshot_sha256(submission.snapshot)
    assert submission.snapshot["fields"]["title"] == "Polines inteligentes"
    assert submission.snapshot["answers"][0]["value"] == "En la planta piloto."
    receipts = Notification.objects.filter(event="challenges.proposal_submitted")
    assert set(receipts.values_list("recipient_id", flat=True)) == {
        world.lead_admin.pk,
        world.partner_admin.pk,
    }
    assert world.proposal.reference in receipts.first().title
    email = OutboxEmail.objects.get(
        event="challenges.proposal_submitted", recipient=world.lead_admin
    )
    assert world.proposal.reference in email.subject
    assert submission.sha256 in email.body_text


def test_unsubmit_keeps_the_reference_and_the_first_snapshot_is_immutable(world) -> None:
    first = services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    reference = Proposal.objects.get(pk=world.proposal.pk).reference
    services.proposal_unsubmit(actor=world.lead_admin, proposal=world.proposal)
    proposal = Proposal.objects.get(pk=world.proposal.pk)
    assert proposal.status == "draft"
    assert proposal.reference == reference
    services.proposal_update(
        actor=world.lead_admin,
        proposal=proposal,
        data={"title": "Segunda versión"},
        expected_version=proposal.version,
    )
    # Another proposal takes the next number meanwhile: the resubmission does not.
    other = ProposalFactory(call=world.call, lead_organization=world.lead)
    ProposalAnswerFactory(proposal=other, question=world.question)
    services.proposal_submit(actor=world.lead_admin, proposal=other)
    second = services.proposal_submit(actor=world.lead_admin, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.reference == reference
    assert Proposal.objects.get(pk=other.pk).reference.endswith("-0002")
    assert second.number == 2
    assert second.sha256 != first.sha256
    first.refresh_from_db()
    assert first.snapshot["fields"]["title"] == "Polines inteligentes"
    assert first.sha256 == services.snapshot_sha256(first.snapshot)


def test_the_snapshot_hash_is_stable_for_the_same_content(world) -> None:
    proposal = Proposal.objects.get(pk=world.proposal.pk)
    from challenges.selectors.proposals import proposal_attachments, proposal_detail_queryset

    loaded = proposal_detail_queryset().get(pk=proposal.pk)
    a = services.build_snapshot(loaded, proposal_attachments(loaded))
    b = services.build_snapshot(
        proposal_detail_queryset().get(pk=proposal.pk), proposal_attachments(loaded)
    )
    assert services.snapshot_sha256(a) == services.snapshot_sha256(dict(reversed(b.items())))


def test_withdraw_notifies_and_is_final(world) -> None:
    ProposalPartnerFactory(proposal=world.proposal, organization=world.partner_org)
    services.proposal_withdraw(actor=world.lead_admin, proposal=world.proposal, reason="x")
    world.proposal.refresh_from_db()
    assert world.proposal.status == "withdrawn"
    assert world.proposal.withdrawn_at
    assert Notification.objects.filter(
        event="challenges.proposal_withdrawn", recipient=world.partner_admin
    ).exists()
    with pytest.raises(ValidationError):
        services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)


# --- Extensions ------------------------------------------------------------------------------


def test_an_extension_lets_that_organization_submit_late_and_nobody_else(world) -> None:
    DeadlineExtensionFactory(call=world.call, organization=world.lead)
    other = ProposalFactory(call=world.call)
    other_admin = OrganizationMemberFactory(organization=other.lead_organization, role="admin").user
    with time_machine.travel(world.call.closes_at + datetime.timedelta(hours=1)):
        services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
        with pytest.raises((ValidationError, PermissionDenied)):
            services.proposal_submit(actor=other_admin, proposal=other)
    assert Proposal.objects.get(pk=world.proposal.pk).status == "submitted"
    assert Proposal.objects.get(pk=other.pk).status == "draft"


# --- Files -----------------------------------------------------------------------------------


def test_file_answer_replaces_the_previous_file(world) -> None:
    question = CallQuestionFactory(call=world.call, kind="file")
    first = services.proposal_file_add(
        actor=world.lead_member,
        proposal=world.proposal,
        uploaded_file=pdf_file("a.pdf"),
        question=question,
    )
    second = services.proposal_file_add(
        actor=world.lead_member,
        proposal=world.proposal,
        uploaded_file=pdf_file("b.pdf"),
        question=question,
    )
    from challenges.selectors.proposals import proposal_attachments

    names = [a.original_name for a in proposal_attachments(world.proposal)]
    assert names == ["b.pdf"]
    assert world.proposal.answers.get(question=question).value == str(second.pk)
    assert first.pk != second.pk


# --- Reminders -------------------------------------------------------------------------------


def test_reminders_are_sent_once_each_even_when_run_twice(world) -> None:
    submitted = ProposalFactory(call=world.call, status=Proposal.Status.SUBMITTED)
    closes = world.call.closes_at
    with time_machine.travel(closes - datetime.timedelta(days=6)):
        assert services.proposal_reminders_send() == 1
        assert services.proposal_reminders_send() == 0
    with time_machine.travel(closes - datetime.timedelta(hours=20)):
        assert services.proposal_reminders_send() == 1
        assert services.proposal_reminders_send() == 0
    rows = ProposalReminder.objects.filter(proposal=world.proposal)
    assert sorted(rows.values_list("days_before", flat=True)) == [1, 7]
    assert not ProposalReminder.objects.filter(proposal=submitted).exists()
    reminders = Notification.objects.filter(event="challenges.proposal_deadline_reminder")
    assert reminders.count() == 2
    assert set(reminders.values_list("recipient_id", flat=True)) == {world.lead_admin.pk}


def test_no_reminder_far_from_the_deadline(world) -> None:
    with time_machine.travel(world.call.closes_at - datetime.timedelta(days=8)):
        assert services.proposal_reminders_send() == 0


def test_receipt_pdf_is_a_pdf_with_spanish_text(world) -> None:
    world.proposal.title = "Diseño de polines ¿más años? ¡Sí! — señal"
    world.proposal.save()
    services.proposal_submit(actor=world.lead_admin, proposal=world.proposal)
    data = receipt_pdf(Proposal.objects.get(pk=world.proposal.pk), language="es")
    assert data.startswith(b"%PDF-")
    assert len(data) > 1000


def test_organization_kinds_for_partners_exist() -> None:
    assert Organization.Kind.ACADEMIA == "academia"
