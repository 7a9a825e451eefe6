"""Services of the barrier register: recording with the first history row, editing, the
lifecycle under the table (notes, case numbers, notifications), links among visible records,
and endorsements (one click, idempotent, withdrawn). Refusals change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from djmoney.money import Money

from challenges.models import Challenge
from cluster_portal.files.models import Attachment
from knowledge.models import BarrierEndorsement, BarrierStatusChange, RegulatoryBarrier
from knowledge.services import barriers as services
from members.models import Organization
from notifications.models import Notification
from tests.challenges.factories import ChallengeFactory, ProjectFactory
from tests.files.samples import EXE_BYTES
from tests.knowledge.barriers.world import BarrierFactory, EndorsementFactory, admin_of, editor, pdf
from tests.members.factories import CapabilityFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = RegulatoryBarrier.Status


def data(**overrides: object) -> dict[str, object]:
    return {
        "title": "Plazo de la licencia de uso de agua",
        "description": "La ANA resuelve en más de 300 días.",
        "rule": "Ley 29338, Ley de Recursos Hídricos",
        "rule_article": "Art. 81",
        "authority": "Autoridad Nacional del Agua",
        "estimated_cost": Money(Decimal("120000.00"), "PEN"),
        "estimated_delay_days": 240,
        **overrides,
    }


def decisions(barrier: RegulatoryBarrier) -> list[str]:
    return [
        (e.additional_data or {}).get("decision", "")
        for e in LogEntry.objects.get_for_object(barrier).order_by("pk")
    ]


# --- Recording ---------------------------------------------------------------------------------


def test_an_editor_records_a_barrier_with_code_history_and_evidence() -> None:
    actor = editor()
    stage = CapabilityFactory(dimension="value_chain", slug="fundicion-k2")
    barrier = services.barrier_create(
        actor=actor, data=data(value_chain_stage=stage), files=[pdf()]
    )
    assert barrier.code.startswith("CMSP-BAR-")
    assert barrier.status == Status.IDENTIFIED
    assert barrier.value_chain_stage == stage
    assert barrier.created_by == actor
    [first] = BarrierStatusChange.objects.filter(barrier=barrier)
    assert (first.from_status, first.to_status, first.actor) == ("", Status.IDENTIFIED, actor)
    assert Attachment.objects.filter(object_id=barrier.pk, purpose="evidence").count() == 1
    assert decisions(barrier) == ["barrier.create"]


@pytest.mark.parametrize("who", ["member_admin", "auditor", "outsider"])
def test_only_editors_record_barriers(who: str) -> None:
    from tests.knowledge.barriers.world import person

    user, _org = person(who)
    with pytest.raises(PermissionDenied):
        services.barrier_create(actor=user, data=data())  # type: ignore[arg-type]
    assert not RegulatoryBarrier.objects.exists()


def test_a_barrier_without_its_rule_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValidationError) as error:
        services.barrier_create(actor=editor(), data=data(rule="  ", authority=""))
    assert {"rule", "authority"} <= set(error.value.message_dict)
    assert not RegulatoryBarrier.objects.exists()
    assert not BarrierStatusChange.objects.exists()


def test_a_bad_evidence_file_refuses_the_whole_barrier() -> None:
    bad = SimpleUploadedFile("virus.pdf", EXE_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.barrier_create(actor=editor(), data=data(), files=[bad])
    assert not RegulatoryBarrier.objects.exists()
    assert not Attachment.objects.exists()


def test_a_stage_outside_the_value_chain_is_refused() -> None:
    area = CapabilityFactory(dimension="service_area", slug="mantenimiento-k2")
    with pytest.raises(ValidationError) as error:
        services.barrier_create(actor=editor(), data=data(value_chain_stage=area))
    assert "value_chain_stage" in error.value.message_dict


def test_unknown_fields_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="status"):
        services.barrier_create(actor=editor(), data=data(status=Status.RESOLVED))


def test_an_update_is_audited_with_old_and_new_values_and_skips_no_change() -> None:
    barrier = BarrierFactory()
    actor = editor()
    services.barrier_update(actor=actor, barrier=barrier, data={"authority": "MINEM"})
    barrier.refresh_from_db()
    assert barrier.authority == "MINEM"
    entry = LogEntry.objects.get_for_object(barrier).get()
    assert entry.changes["authority"][1] == "MINEM"
    services.barrier_update(actor=actor, barrier=barrier, data={"authority": "MINEM"})
    assert LogEntry.objects.get_for_object(barrier).count() == 1


def test_a_member_admin_cannot_update() -> None:
    barrier = BarrierFactory()
    with pytest.raises(PermissionDenied):
        services.barrier_update(actor=admin_of().user, barrier=barrier, data={"title": "X"})
    barrier.refresh_from_db()
    assert barrier.title != "X"


# --- Lifecycle ---------------------------------------------------------------------------------


def test_each_transition_writes_a_history_row_and_the_case_number() -> None:
    actor = editor()
    barrier = BarrierFactory()
    services.barrier_transition(actor=actor, barrier=barrier, transition="document")
    services.barrier_transition(
        actor=actor, barrier=barrier, transition="propose", note="Propuesta enviada."
    )
    services.barrier_transition(
        actor=actor, barrier=barrier, transition="open_dialogue", case_number="Exp. 0123-2026"
    )
    services.barrier_transition(
        actor=actor, barrier=barrier, transition="resolve", note="Res. 0456-2026/CEB-INDECOPI"
    )
    barrier.refresh_from_db()
    assert barrier.status == Status.RESOLVED
    assert barrier.case_number == "Exp. 0123-2026"
    steps = list(
        BarrierStatusChange.objects.filter(barrier=barrier).values_list(
            "from_status", "to_status", "note"
        )
    )
    assert steps == [
        ("identified", "documented", ""),
        ("documented", "proposed", "Propuesta enviada."),
        ("proposed", "in_dialogue", ""),
        ("in_dialogue", "resolved", "Res. 0456-2026/CEB-INDECOPI"),
    ]
    assert decisions(barrier)[-1] == "barrier.resolve"


@pytest.mark.parametrize("transition", ["drop", "resolve"])
def test_drop_and_resolve_need_a_note(transition: str) -> None:
    barrier = BarrierFactory(status=Status.PROPOSED)
    with pytest.raises(ValidationError) as error:
        services.barrier_transition(
            actor=editor(), barrier=barrier, transition=transition, note="  "
        )
    assert "note" in error.value.message_dict
    barrier.refresh_from_db()
    assert barrier.status == Status.PROPOSED
    assert not BarrierStatusChange.objects.exists()


def test_a_case_number_only_goes_with_the_dialogue_or_the_resolution() -> None:
    barrier = BarrierFactory()
    with pytest.raises(ValidationError) as error:
        services.barrier_transition(
            actor=editor(), barrier=barrier, transition="document", case_number="Exp. 1"
        )
    assert "case_number" in error.value.message_dict
    barrier.refresh_from_db()
    assert (barrier.status, barrier.case_number) == (Status.IDENTIFIED, "")


def test_a_transition_the_state_does_not_allow_is_refused() -> None:
    barrier = BarrierFactory()
    with pytest.raises(ValidationError) as error:
        services.barrier_transition(
            actor=editor(), barrier=barrier, transition="resolve", note="Hecho."
        )
    assert error.value.code == "invalid_transition"
    barrier.refresh_from_db()
    assert barrier.status == Status.IDENTIFIED


def test_a_member_admin_cannot_move_a_barrier() -> None:
    barrier = BarrierFactory()
    with pytest.raises(PermissionDenied):
        services.barrier_transition(actor=admin_of().user, barrier=barrier, transition="document")
    barrier.refresh_from_db()
    assert barrier.status == Status.IDENTIFIED


def test_the_admins_of_endorsing_organizations_are_told_of_a_status_change() -> None:
    barrier = BarrierFactory(status=Status.PROPOSED)
    endorser = admin_of()
    EndorsementFactory(barrier=barrier, organization=endorser.organization)
    plain_member = UserFactory()
    from members.models import OrganizationMember

    OrganizationMember.objects.create(
        organization=endorser.organization, user=plain_member, role="member"
    )
    bystander = admin_of()  # admin of an organization that does not endorse
    services.barrier_transition(
        actor=editor(), barrier=barrier, transition="drop", note="La norma fue derogada."
    )
    notes = Notification.objects.filter(event="knowledge.barrier_status")
    assert list(notes.values_list("recipient", flat=True)) == [endorser.user.pk]
    note = notes.get()
    assert barrier.code in note.title
    assert "La norma fue derogada." in note.body
    assert not Notification.objects.filter(recipient__in=[plain_member, bystander.user]).exists()


# --- Links -------------------------------------------------------------------------------------


def test_an_editor_links_challenges_and_projects() -> None:
    barrier = BarrierFactory()
    challenge = ChallengeFactory(confidentiality=Challenge.Confidentiality.RESTRICTED)
    project = ProjectFactory(is_public=False)
    services.barrier_link(
        actor=editor(), barrier=barrier, challenge_ids=[challenge.pk], project_ids=[project.pk]
    )
    assert list(barrier.challenges.all()) == [challenge]
    assert list(barrier.projects.all()) == [project]
    assert decisions(barrier) == ["barrier.link"]
    services.barrier_link(actor=editor(), barrier=barrier, challenge_ids=[], project_ids=[])
    assert not barrier.challenges.exists()
    assert not barrier.projects.exists()


def test_an_unknown_challenge_id_refuses_the_links() -> None:
    barrier = BarrierFactory()
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.barrier_link(
            actor=editor(), barrier=barrier, challenge_ids=[999999], project_ids=[project.pk]
        )
    assert "challenges" in error.value.message_dict
    assert not barrier.projects.exists()


def test_a_member_admin_cannot_link() -> None:
    barrier = BarrierFactory()
    with pytest.raises(PermissionDenied):
        services.barrier_link(
            actor=admin_of().user,
            barrier=barrier,
            challenge_ids=[ChallengeFactory().pk],
            project_ids=[],
        )
    assert not barrier.challenges.exists()


# --- Endorsements ------------------------------------------------------------------------------


def test_endorsing_is_one_click_and_again_updates_the_statement() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    first = services.barrier_endorse(
        actor=admin.user, barrier=barrier, organization=admin.organization
    )
    assert first.statement == ""
    assert first.endorsed_by == admin.user
    again = services.barrier_endorse(
        actor=admin.user,
        barrier=barrier,
        organization=admin.organization,
        statement="Nos cuesta seis meses por proyecto.",
    )
    assert again.pk == first.pk
    assert BarrierEndorsement.objects.get().statement == "Nos cuesta seis meses por proyecto."
    services.barrier_endorse(
        actor=admin.user,
        barrier=barrier,
        organization=admin.organization,
        statement="Nos cuesta seis meses por proyecto.",
    )
    assert BarrierEndorsement.objects.count() == 1
    assert decisions(barrier) == ["barrier.endorse", "barrier.endorsement_update"]


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("plain_member", PermissionDenied),
        ("applicant", PermissionDenied),
        ("closed", PermissionDenied),
    ],
)
def test_who_may_not_endorse(case: str, error: type[Exception]) -> None:
    from members.models import OrganizationMember

    barrier = BarrierFactory(status=Status.RESOLVED if case == "closed" else Status.IDENTIFIED)
    if case == "applicant":
        membership = admin_of(
            OrganizationFactory(membership_status=Organization.MembershipStatus.APPLICANT)
        )
    elif case == "plain_member":
        membership = admin_of()
        membership.role = OrganizationMember.Role.MEMBER
        membership.save()
    else:
        membership = admin_of()
    with pytest.raises(error):
        services.barrier_endorse(
            actor=membership.user, barrier=barrier, organization=membership.organization
        )
    assert not BarrierEndorsement.objects.exists()


def test_a_too_long_statement_is_refused() -> None:
    barrier = BarrierFactory()
    admin = admin_of()
    with pytest.raises(ValidationError) as error:
        services.barrier_endorse(
            actor=admin.user, barrier=barrier, organization=admin.organization, statement="x" * 1001
        )
    assert "statement" in error.value.message_dict
    assert not BarrierEndorsement.objects.exists()


def test_an_admin_withdraws_the_endorsement_and_withdrawing_twice_changes_nothing() -> None:
    barrier = BarrierFactory(status=Status.RESOLVED)
    admin = admin_of()
    EndorsementFactory(barrier=barrier, organization=admin.organization)
    assert services.barrier_unendorse(
        actor=admin.user, barrier=barrier, organization=admin.organization
    )
    assert not BarrierEndorsement.objects.exists()
    assert not services.barrier_unendorse(
        actor=admin.user, barrier=barrier, organization=admin.organization
    )
    assert decisions(barrier) == ["barrier.unendorse"]


def test_someone_else_cannot_withdraw_an_organizations_endorsement() -> None:
    endorsement = EndorsementFactory()
    with pytest.raises(PermissionDenied):
        services.barrier_unendorse(
            actor=admin_of().user,
            barrier=endorsement.barrier,
            organization=endorsement.organization,
        )
    assert BarrierEndorsement.objects.count() == 1


def test_evidence_is_added_and_removed_by_editors() -> None:
    barrier = BarrierFactory()
    actor = editor()
    [attachment] = services.barrier_evidence_add(actor=actor, barrier=barrier, files=[pdf()])
    with pytest.raises(PermissionDenied):
        services.barrier_evidence_remove(
            actor=admin_of().user, barrier=barrier, attachment=attachment
        )
    services.barrier_evidence_remove(actor=actor, barrier=barrier, attachment=attachment)
    assert not Attachment.objects.exists()
    assert decisions(barrier) == ["barrier.evidence_add", "barrier.evidence_remove"]
