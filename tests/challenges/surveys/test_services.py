"""Services of the challenge survey and triage: each transition, its refusals (nothing changed),
notifications to the right people in their language, audit records, merge/unmerge round trip."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from challenges.models import Challenge
from challenges.services import surveys as services
from notifications.models import Notification
from tests.challenges.factories import ChallengeFactory, MiningCompanyFactory, SurveyRoundFactory
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory

from .conftest import submitted

pytestmark = pytest.mark.django_db
Status = Challenge.Status


def _data(**overrides):
    data = {
        "title": "Desgaste de polines en fajas",
        "problem": "Las fajas se detienen cada semana por polines trabados.",
        "operational_area": Challenge.OperationalArea.LOADING_HAULING,
        "region": "moquegua",
        "desired_outcome": "Menos paradas no programadas.",
        "confidentiality": Challenge.Confidentiality.MEMBERS,
    }
    data.update(overrides)
    return data


def _decisions(challenge) -> list[str]:
    return [
        e.additional_data.get("decision")
        for e in LogEntry.objects.get_for_object(challenge).order_by("pk")
        if e.additional_data
    ]


# --- Creating, editing, submitting ----------------------------------------------------------------


def test_create_a_draft_with_taxonomy_in_the_open_round(
    company, company_member, stage, service_area
):
    survey_round = SurveyRoundFactory()
    challenge = services.challenge_create(
        actor=company_member,
        organization=company,
        data=_data(value_chain_stages=[stage], service_areas=[service_area.pk]),
    )
    assert challenge.status == Status.DRAFT
    assert challenge.survey_round == survey_round
    assert challenge.submitted_by == company_member
    assert list(challenge.value_chain_stages.all()) == [stage]
    assert list(challenge.service_areas.all()) == [service_area]
    assert challenge.reference is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"problem": ""}, "problem"),
        ({"operational_area": "bogus"}, "operational_area"),
        ({"confidentiality": "secret"}, "confidentiality"),
        ({"value_chain_stages": [999999]}, "value_chain_stages"),
    ],
)
def test_create_refuses_bad_input_by_field(company, company_member, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.challenge_create(
            actor=company_member, organization=company, data=_data(**overrides)
        )
    assert field in error.value.message_dict
    assert not Challenge.objects.exists()


def test_service_area_term_is_refused_as_a_stage(company, company_member, service_area):
    with pytest.raises(ValidationError) as error:
        services.challenge_create(
            actor=company_member,
            organization=company,
            data=_data(value_chain_stages=[service_area]),
        )
    assert "value_chain_stages" in error.value.message_dict


def test_only_people_of_a_mining_company_create(company, company_member):
    supplier = OrganizationFactory()
    person = OrganizationMemberFactory(organization=supplier).user
    with pytest.raises(PermissionDenied):
        services.challenge_create(actor=person, organization=supplier, data=_data())
    with pytest.raises(PermissionDenied):
        services.challenge_create(actor=person, organization=company, data=_data())
    assert not Challenge.objects.exists()


def test_a_closed_round_is_refused(company, company_member):
    closed = SurveyRoundFactory(
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.challenge_create(
            actor=company_member, organization=company, data=_data(survey_round=closed)
        )
    assert "survey_round" in error.value.message_dict


def test_public_version_is_dropped_unless_restricted(company, company_member):
    challenge = services.challenge_create(
        actor=company_member,
        organization=company,
        data=_data(public_title="Una mina de cobre", public_summary="Algo"),
    )
    assert challenge.public_title == ""
    assert challenge.public_summary == ""


def test_submit_takes_a_reference_queues_and_notifies_call_managers(
    company, company_member, call_manager, django_capture_on_commit_callbacks
):
    challenge = services.challenge_create(actor=company_member, organization=company, data=_data())
    challenge = services.challenge_submit(actor=company_member, challenge=challenge)
    assert challenge.status == Status.SUBMITTED
    assert challenge.reference.startswith("CMSP-RET-")
    assert challenge.queued_at is not None
    assert challenge.submitted_at is not None
    note = Notification.objects.get(recipient=call_manager)
    assert "Desgaste de polines" in note.title
    assert _decisions(challenge) == ["challenge.submit"]


def test_submit_twice_is_refused(company, company_member):
    challenge = services.challenge_create(actor=company_member, organization=company, data=_data())
    services.challenge_submit(actor=company_member, challenge=challenge)
    with pytest.raises(ValidationError):
        services.challenge_submit(actor=company_member, challenge=challenge)


def test_only_author_or_admin_edits_and_only_while_editable(company, company_member, company_admin):
    challenge = services.challenge_create(actor=company_member, organization=company, data=_data())
    other = OrganizationMemberFactory(organization=company).user
    with pytest.raises(PermissionDenied):
        services.challenge_update(actor=other, challenge=challenge, data={"title": "Otro"})
    services.challenge_update(actor=company_admin, challenge=challenge, data={"title": "Nuevo"})
    challenge.refresh_from_db()
    assert challenge.title == "Nuevo"
    Challenge.objects.filter(pk=challenge.pk).update(status=Status.ACCEPTED)
    challenge.refresh_from_db()
    with pytest.raises(ValidationError):
        services.challenge_update(actor=company_admin, challenge=challenge, data={"title": "X"})
    challenge.refresh_from_db()
    assert challenge.title == "Nuevo"


# --- Triage ---------------------------------------------------------------------------------------


def test_accept_notifies_the_company_in_its_language(
    company, company_member, company_admin, call_manager
):
    challenge = submitted(company, author=company_member)
    services.challenge_accept(actor=call_manager, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == Status.ACCEPTED
    assert challenge.triaged_by == call_manager
    assert challenge.queued_at is None
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {company_member.pk, company_admin.pk}
    spanish = Notification.objects.get(recipient=company_admin)
    assert challenge.title in spanish.title
    assert _decisions(challenge) == ["challenge.accept"]


@pytest.mark.parametrize("who", ["company_admin", "auditor", "membership_officer"])
def test_only_call_managers_triage(request, company, who):
    actor = request.getfixturevalue(who)
    challenge = submitted(company)
    with pytest.raises(PermissionDenied):
        services.challenge_accept(actor=actor, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == Status.SUBMITTED


def test_request_detail_then_answer_goes_back_to_the_queue(company, company_member, call_manager):
    challenge = submitted(company, author=company_member)
    with pytest.raises(ValidationError):
        services.challenge_request_detail(actor=call_manager, challenge=challenge, checklist=[])
    with pytest.raises(ValidationError):
        services.challenge_request_detail(
            actor=call_manager, challenge=challenge, checklist=["bogus"]
        )
    services.challenge_request_detail(
        actor=call_manager,
        challenge=challenge,
        checklist=["site", "photos"],
        message="Necesitamos fotos.",
    )
    challenge.refresh_from_db()
    assert challenge.status == Status.DETAIL_REQUESTED
    assert challenge.detail_checklist == ["site", "photos"]
    assert challenge.queued_at is None
    body = Notification.objects.get(recipient=company_member).body
    assert "Photos or diagrams" in body or "Fotos" in body
    with pytest.raises(ValidationError):
        services.challenge_answer_detail(actor=company_member, challenge=challenge, answer=" ")
    later = timezone.now() + datetime.timedelta(hours=3)
    import time_machine

    with time_machine.travel(later, tick=False):
        services.challenge_answer_detail(
            actor=company_member,
            challenge=challenge,
            answer="Unidad Toquepala, 3 200 m.",
            data={"site": "Toquepala"},
        )
    challenge.refresh_from_db()
    assert challenge.status == Status.SUBMITTED
    assert challenge.site == "Toquepala"
    assert challenge.detail_answer == "Unidad Toquepala, 3 200 m."
    assert challenge.queued_at == later
    assert Notification.objects.filter(recipient=call_manager).exists()


def test_decline_needs_a_reason_and_reopen_requeues(company, company_member, call_manager):
    challenge = submitted(company, author=company_member)
    with pytest.raises(ValidationError):
        services.challenge_decline(actor=call_manager, challenge=challenge, reason="  ")
    challenge.refresh_from_db()
    assert challenge.status == Status.SUBMITTED
    services.challenge_decline(actor=call_manager, challenge=challenge, reason="Fuera de alcance")
    challenge.refresh_from_db()
    assert (challenge.status, challenge.decline_reason) == (Status.DECLINED, "Fuera de alcance")
    with pytest.raises(ValidationError):
        services.challenge_accept(actor=call_manager, challenge=challenge)
    services.challenge_reopen(actor=call_manager, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == Status.SUBMITTED
    assert challenge.queued_at is not None
    assert _decisions(challenge) == ["challenge.decline", "challenge.reopen"]


# --- Merge, share, public version -----------------------------------------------------------------


def test_merge_and_unmerge_round_trip_keeps_everything(company, company_member, call_manager):
    other_company = MiningCompanyFactory()
    other_author = OrganizationMemberFactory(organization=other_company, role="admin").user
    duplicate = submitted(company, author=company_member, title="Polines trabados")
    target = ChallengeFactory(
        organization=other_company,
        submitted_by=other_author,
        confidentiality=Challenge.Confidentiality.RESTRICTED,
        title="Secreto de Cuajone",
        public_title="Una mina de cobre en Moquegua",
    )
    before = {
        f: getattr(duplicate, f) for f in ("title", "problem", "submitted_by_id", "organization_id")
    }
    services.challenge_merge(actor=call_manager, challenge=duplicate, into=target)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == target
    assert duplicate.status_before_merge == Status.SUBMITTED
    # Each company hears of it; the restricted target's words never reach the other company.
    mine = Notification.objects.get(recipient=company_member)
    assert "Secreto de Cuajone" not in mine.title + mine.body
    assert "Una mina de cobre en Moquegua" in mine.title + mine.body
    theirs = Notification.objects.get(recipient=other_author)
    # The duplicate was never published: the other company learns no word of it.
    assert "Polines trabados" not in theirs.title + theirs.body
    # Rendered in the recipient's language (Spanish).
    assert "de otra empresa" in theirs.title
    services.challenge_unmerge(actor=call_manager, challenge=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED
    assert duplicate.merged_into is None
    assert duplicate.status_before_merge == ""
    assert {f: getattr(duplicate, f) for f in before} == before
    assert _decisions(duplicate) == ["challenge.merge", "challenge.unmerge"]
    assert Notification.objects.filter(recipient=other_author).count() == 2


def test_merge_refusals_change_nothing(company, call_manager):
    a = submitted(company)
    b = submitted(company)
    draft = ChallengeFactory(organization=company, status=Status.DRAFT)
    with pytest.raises(ValidationError):
        services.challenge_merge(actor=call_manager, challenge=a, into=a)
    with pytest.raises(ValidationError):
        services.challenge_merge(actor=call_manager, challenge=a, into=draft)
    services.challenge_merge(actor=call_manager, challenge=b, into=a)
    c = submitted(company)
    with pytest.raises(ValidationError):  # b is merged: not a target
        services.challenge_merge(actor=call_manager, challenge=c, into=b)
    with pytest.raises(ValidationError):  # a carries b: undo first
        services.challenge_merge(actor=call_manager, challenge=a, into=c)
    a.refresh_from_db()
    c.refresh_from_db()
    assert (a.status, c.status) == (Status.SUBMITTED, Status.SUBMITTED)


def test_share_only_with_other_companies_and_unshare(company, call_manager):
    mine = submitted(company)
    same_company = submitted(company)
    other = submitted(MiningCompanyFactory())
    with pytest.raises(ValidationError):
        services.challenge_share(actor=call_manager, challenge=mine, others=[same_company])
    services.challenge_share(actor=call_manager, challenge=mine, others=[other])
    assert list(other.shared_with.all()) == [mine]  # symmetric
    services.challenge_unshare(actor=call_manager, challenge=mine, other=other)
    assert not mine.shared_with.exists()
    assert _decisions(mine) == ["challenge.share", "challenge.unshare"]


def test_public_version_by_company_or_call_manager_only_for_restricted(
    company, company_admin, call_manager
):
    restricted = submitted(company, confidentiality=Challenge.Confidentiality.RESTRICTED)
    services.challenge_set_public_version(
        actor=company_admin, challenge=restricted, public_title=" Una mina ", public_summary="x"
    )
    restricted.refresh_from_db()
    assert restricted.public_title == "Una mina"
    services.challenge_set_public_version(
        actor=call_manager, challenge=restricted, public_title="Otra", public_summary=""
    )
    restricted.refresh_from_db()
    assert (restricted.public_title, restricted.public_version_by) == ("Otra", call_manager)
    outsider = OrganizationMemberFactory().user
    with pytest.raises(PermissionDenied):
        services.challenge_set_public_version(
            actor=outsider, challenge=restricted, public_title="Z", public_summary=""
        )
    members_only = submitted(company)
    with pytest.raises(ValidationError):
        services.challenge_set_public_version(
            actor=call_manager, challenge=members_only, public_title="Z", public_summary=""
        )


# --- Survey rounds --------------------------------------------------------------------------------


def test_survey_rounds_by_call_managers_with_dates_in_order(call_manager, company_admin):
    now = timezone.now()
    data = {"title": "Ronda 2026", "opens_at": now, "closes_at": now + datetime.timedelta(days=30)}
    with pytest.raises(PermissionDenied):
        services.survey_round_create(actor=company_admin, data=data)
    survey_round = services.survey_round_create(actor=call_manager, data=data)
    assert survey_round.created_by == call_manager
    with pytest.raises(ValidationError):
        services.survey_round_update(
            actor=call_manager,
            survey_round=survey_round,
            data={"closes_at": now - datetime.timedelta(days=1)},
        )
    survey_round.refresh_from_db()
    assert survey_round.closes_at > survey_round.opens_at
    services.survey_round_update(
        actor=call_manager, survey_round=survey_round, data={"title_en": "Round 2026"}
    )
    survey_round.refresh_from_db()
    assert survey_round.title_en == "Round 2026"
