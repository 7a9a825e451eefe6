"""Services of challenge calls: building, publishing (each itemized refusal), criteria frozen
once open, opening and closing on time (the periodic job, twice), cloning, extensions,
clarifications and subscriptions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from djmoney.money import Money

from challenges.models import Call, CallClarification, CallCriterion, CallQuestion, Challenge
from challenges.services import calls as services
from cluster_portal.core.workflows import run_time_transitions
from notifications.models import Notification, NotificationBroadcast
from notifications.services import broadcast_expand_chunk
from tests.challenges.factories import (
    CallClarificationFactory,
    CallCriterionFactory,
    CallFactory,
    CallQuestionFactory,
    ChallengeFactory,
    MiningCompanyFactory,
)
from tests.members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _decisions(call: Call) -> list[str]:
    return [
        e.additional_data["decision"]
        for e in LogEntry.objects.get_for_object(call).order_by("pk")
        if e.additional_data
    ]


def _draft(**kwargs) -> Call:
    now = timezone.now()
    defaults = {
        "status": Call.Status.DRAFT,
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=20),
        "evaluation_ends_at": now + datetime.timedelta(days=40),
        "results_at": now + datetime.timedelta(days=45),
        "published_at": None,
    }
    return CallFactory(**{**defaults, **kwargs})


# --- Building -------------------------------------------------------------------------------


def test_create_suggests_the_companies_of_shared_challenges_as_sponsors(call_manager) -> None:
    challenge = ChallengeFactory()
    partner_company = MiningCompanyFactory()
    shared = ChallengeFactory(organization=partner_company)
    challenge.shared_with.add(shared)
    call = services.call_create(
        actor=call_manager,
        data={"code": "Relaves 2026", "title": "Relaves", "summary": "Resumen"},
        challenges=[challenge],
    )
    assert call.status == Call.Status.DRAFT
    assert call.code == "relaves-2026"
    assert set(call.sponsors.all()) == {challenge.organization, partner_company}
    assert _decisions(call) == ["call.create"]


def test_create_refuses_challenges_not_accepted_and_non_managers(call_manager) -> None:
    submitted = ChallengeFactory(status=Challenge.Status.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.call_create(
            actor=call_manager,
            data={"code": "x", "title": "X", "summary": "S"},
            challenges=[submitted],
        )
    assert "challenges" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.call_create(actor=UserFactory(), data={"code": "y", "title": "Y", "summary": "S"})
    assert not Call.objects.exists()


def test_update_checks_dates_and_funding(call_manager) -> None:
    call = _draft()
    with pytest.raises(ValidationError) as error:
        services.call_update(
            actor=call_manager,
            call=call,
            data={"closes_at": call.opens_at - datetime.timedelta(hours=1)},
        )
    assert "closes_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.call_update(
            actor=call_manager,
            call=call,
            data={
                "funding_per_project": Money(Decimal("500"), "PEN"),
                "total_funding": Money(Decimal("100"), "PEN"),
            },
        )
    assert "total_funding" in error.value.message_dict
    services.call_update(actor=call_manager, call=call, data={"title": "Nuevo título"})
    call.refresh_from_db()
    assert call.title == "Nuevo título"
    assert _decisions(call) == ["call.update"]


def test_open_call_keeps_its_rules_but_texts_may_change(call_manager) -> None:
    call = CallFactory()  # open
    with pytest.raises(ValidationError):
        services.call_update(actor=call_manager, call=call, data={"members_only": False})
    services.call_update(actor=call_manager, call=call, data={"summary_en": "Better summary"})
    call.refresh_from_db()
    assert call.members_only is True
    assert call.summary_en == "Better summary"


# --- Publishing -------------------------------------------------------------------------------


def test_publish_lists_every_reason(call_manager) -> None:
    call = _draft(challenges=[], criteria=[70], closes_at=None)
    # Each reason is written in the language active when the service runs.
    with translation.override("es"), pytest.raises(ValidationError) as error:
        services.call_schedule(actor=call_manager, call=call)
    codes = [e.code for e in error.value.error_list]
    assert codes == ["no_challenge", "weights", "dates_missing"]
    assert "suman 70" in " ".join(error.value.messages)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"criteria": []}, "no_criteria"),
        ({"criteria": [60, 50]}, "weights"),
        ({"opens_at_days": 30}, "opens"),
        ({"evaluation_days": 10}, "evaluation"),
        ({"results_days": 30}, "results"),
    ],
)
def test_publish_refuses_each_reason(call_manager, changes, code) -> None:
    now = timezone.now()
    kwargs = {}
    if "criteria" in changes:
        kwargs["criteria"] = changes["criteria"]
    if "opens_at_days" in changes:
        kwargs["opens_at"] = now + datetime.timedelta(days=changes["opens_at_days"])
    if "evaluation_days" in changes:
        kwargs["evaluation_ends_at"] = now + datetime.timedelta(days=changes["evaluation_days"])
    if "results_days" in changes:
        kwargs["results_at"] = now + datetime.timedelta(days=changes["results_days"])
    call = _draft(**kwargs)
    with pytest.raises(ValidationError) as error:
        services.call_schedule(actor=call_manager, call=call)
    assert [e.code for e in error.value.error_list] == [code]


def test_publish_refuses_a_closing_time_in_the_past(call_manager) -> None:
    now = timezone.now()
    call = _draft(
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.call_schedule(actor=call_manager, call=call)
    assert [e.code for e in error.value.error_list] == ["closed"]


def test_publish_then_back_to_draft(call_manager, auditor) -> None:
    call = _draft()
    with pytest.raises(PermissionDenied):
        services.call_schedule(actor=auditor, call=call)
    services.call_schedule(actor=call_manager, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.SCHEDULED
    assert call.published_at is not None
    services.call_unschedule(actor=call_manager, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert call.published_at is None
    assert _decisions(call) == ["call.schedule", "call.unschedule"]


# --- Questions and criteria ---------------------------------------------------------------------


def test_questions_and_criteria_change_while_scheduled(call_manager) -> None:
    call = _draft(status=Call.Status.SCHEDULED)
    first = services.call_question_add(
        actor=call_manager, call=call, data={"kind": "text", "label": "¿Experiencia?"}
    )
    choice = services.call_question_add(
        actor=call_manager,
        call=call,
        data={"kind": "single_choice", "label": "¿Tamaño?", "options": ["Pequeña", "Grande"]},
    )
    assert [o["value"] for o in choice.options] == ["pequena", "grande"]
    services.call_questions_reorder(actor=call_manager, call=call, order=[choice.pk, first.pk])
    assert list(call.questions.values_list("pk", flat=True)) == [choice.pk, first.pk]
    criterion = services.call_criterion_add(
        actor=call_manager, call=call, data={"name": "Impacto", "weight": 10}
    )
    services.call_criterion_update(actor=call_manager, criterion=criterion, data={"weight": 20})
    criterion.refresh_from_db()
    assert criterion.weight == 20
    services.call_criterion_delete(actor=call_manager, criterion=criterion)
    assert not CallCriterion.objects.filter(pk=criterion.pk).exists()


def test_choice_question_needs_two_options(call_manager) -> None:
    call = _draft()
    with pytest.raises(ValidationError) as error:
        services.call_question_add(
            actor=call_manager,
            call=call,
            data={"kind": "multiple_choice", "label": "¿Cuál?", "options": ["Solo una"]},
        )
    assert "options" in error.value.message_dict


def test_criteria_and_questions_are_frozen_once_open(call_manager) -> None:
    call = CallFactory()  # open
    criterion = call.criteria.first()
    question = CallQuestionFactory(call=call)
    attempts = [
        lambda: services.call_criterion_add(
            actor=call_manager, call=call, data={"name": "Otro", "weight": 5}
        ),
        lambda: services.call_criterion_update(
            actor=call_manager, criterion=criterion, data={"weight": 99}
        ),
        lambda: services.call_criterion_delete(actor=call_manager, criterion=criterion),
        lambda: services.call_question_add(
            actor=call_manager, call=call, data={"kind": "text", "label": "Nueva"}
        ),
        lambda: services.call_question_update(
            actor=call_manager, question=question, data={"label": "Cambiada"}
        ),
        lambda: services.call_question_delete(actor=call_manager, question=question),
        lambda: services.call_questions_reorder(actor=call_manager, call=call, order=[question.pk]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.code == "invalid_transition"
    criterion.refresh_from_db()
    question.refresh_from_db()
    assert criterion.weight == 60
    assert question.label != "Cambiada"
    assert call.criteria.count() == 2
    assert CallQuestion.objects.filter(call=call).count() == 1


# --- On time ------------------------------------------------------------------------------------


def test_a_call_opens_and_closes_by_itself_once(call_manager, stage) -> None:
    supplier = OrganizationFactory()
    supplier.capabilities.add(stage)
    person = OrganizationMemberFactory(organization=supplier).user
    other = OrganizationMemberFactory().user  # an organization without the capability
    challenge = ChallengeFactory()
    challenge.value_chain_stages.add(stage)
    with time_machine.travel(NOW, tick=False):
        call = CallFactory(
            status=Call.Status.SCHEDULED,
            challenges=[challenge],
            opens_at=NOW + datetime.timedelta(days=1),
            closes_at=NOW + datetime.timedelta(days=10),
        )
    with time_machine.travel(NOW + datetime.timedelta(days=1, minutes=1), tick=False):
        first = run_time_transitions()
        second = run_time_transitions()
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    assert first["challenges.call.open"] == 1
    assert second["challenges.call.open"] == 0
    assert _decisions(call) == ["call.open"]
    entry = LogEntry.objects.get_for_object(call).get(additional_data__decision="call.open")
    assert entry.actor is None
    broadcast = NotificationBroadcast.objects.get()
    assert broadcast.event == "challenges.call_opened_match"
    for _ in range(2):
        broadcast_expand_chunk(broadcast=broadcast, chunk_size=100)
    notified = Notification.objects.filter(event="challenges.call_opened_match")
    assert [n.recipient for n in notified] == [person]
    assert other not in [n.recipient for n in notified]
    assert call.title in notified.get().title

    with time_machine.travel(NOW + datetime.timedelta(days=10, minutes=1), tick=False):
        run_time_transitions()
        run_time_transitions()
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert _decisions(call) == ["call.open", "call.close"]
    assert NotificationBroadcast.objects.count() == 1


def test_nobody_opens_a_call_by_hand(call_manager) -> None:
    call = CallFactory(status=Call.Status.SCHEDULED)
    with pytest.raises(PermissionDenied):
        services.call_open(actor=call_manager, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.SCHEDULED


def test_after_closing_evaluation_decision_archive(call_manager) -> None:
    call = CallFactory(status=Call.Status.CLOSED)
    services.call_start_evaluation(actor=call_manager, call=call)
    services.call_decide(actor=call_manager, call=call)
    services.call_archive(actor=call_manager, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.ARCHIVED
    with pytest.raises(ValidationError):
        services.call_update(actor=call_manager, call=call, data={"title": "Tarde"})


# --- Cloning ------------------------------------------------------------------------------------


def test_clone_copies_the_call_without_dates(call_manager) -> None:
    source = CallFactory(eligible_kinds=["mets"], code="relaves")
    CallQuestionFactory(call=source, kind="single_choice", options=[{"value": "a", "label": "A"}])
    clone = services.call_clone(actor=call_manager, call=source)
    again = services.call_clone(actor=call_manager, call=source)
    assert clone.code == "relaves-copia"
    assert again.code == "relaves-copia-2"
    assert clone.status == Call.Status.DRAFT
    assert clone.cloned_from == source
    assert (clone.opens_at, clone.closes_at, clone.results_at) == (None, None, None)
    assert clone.title == source.title
    assert clone.eligible_kinds == ["mets"]
    assert clone.funding_per_project == source.funding_per_project
    assert list(clone.criteria.values_list("weight", flat=True)) == [60, 40]
    assert clone.questions.get().options == [{"value": "a", "label": "A"}]
    assert set(clone.challenges.all()) == set(source.challenges.all())
    assert set(clone.sponsors.all()) == set(source.sponsors.all())
    assert _decisions(clone) == ["call.clone"]


# --- Extensions --------------------------------------------------------------------------------


def test_extension_is_later_logged_audited_and_notified(call_manager) -> None:
    call = CallFactory()
    organization = OrganizationFactory()
    person = OrganizationMemberFactory(organization=organization).user
    with pytest.raises(ValidationError) as error:
        services.extension_grant(
            actor=call_manager,
            call=call,
            organization=organization,
            closes_at=call.closes_at - datetime.timedelta(hours=1),
            reason="",
        )
    assert set(error.value.message_dict) == {"closes_at", "reason"}
    later = call.closes_at + datetime.timedelta(days=2)
    extension = services.extension_grant(
        actor=call_manager,
        call=call,
        organization=organization,
        closes_at=later,
        reason="Corte de energía",
    )
    assert extension.closes_at == later
    assert _decisions(call) == ["call.extension_grant"]
    notification = Notification.objects.get(event="challenges.call_extension_granted")
    assert notification.recipient == person
    assert "Corte de energía" in notification.body
    from challenges.selectors.calls import deadline_for

    assert deadline_for(call, organization.pk) == later


def test_extension_refused_for_a_draft(call_manager) -> None:
    call = _draft()
    with pytest.raises(ValidationError):
        services.extension_grant(
            actor=call_manager,
            call=call,
            organization=OrganizationFactory(),
            closes_at=call.closes_at + datetime.timedelta(days=1),
            reason="x",
        )


# --- Clarifications ------------------------------------------------------------------------------


def test_ask_publish_and_notify_subscribers(call_manager, django_capture_on_commit_callbacks):
    call = CallFactory()
    member = OrganizationMemberFactory()
    subscriber = UserFactory()
    services.call_subscribe(actor=subscriber, call=call)
    services.call_subscribe(actor=subscriber, call=call)  # idempotent
    clarification = services.clarification_ask(
        actor=member.user,
        call=call,
        organization=member.organization,
        question="¿Nuestra empresa, Demo SAC, puede liderar?",
    )
    assert clarification.status == CallClarification.Status.PENDING
    assert Notification.objects.filter(
        event="challenges.call_clarification_asked", recipient=call_manager
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.clarification_publish(
            actor=call_manager,
            clarification=clarification,
            public_question="¿Puede liderar una empresa proveedora?",
            answer="Sí.",
        )
    clarification.refresh_from_db()
    assert clarification.status == CallClarification.Status.PUBLISHED
    published = Notification.objects.get(event="challenges.call_clarification_published")
    assert published.recipient == subscriber
    assert "Demo SAC" not in published.body
    assert Notification.objects.filter(
        event="challenges.call_clarification_answered", recipient=member.user
    ).exists()
    with pytest.raises(ValidationError):
        services.clarification_dismiss(actor=call_manager, clarification=clarification)


def test_ask_refused_for_others_and_when_closed() -> None:
    call = CallFactory(status=Call.Status.CLOSED)
    member = OrganizationMemberFactory()
    with pytest.raises(PermissionDenied):
        services.clarification_ask(
            actor=UserFactory(), call=call, organization=member.organization, question="?"
        )
    with pytest.raises(ValidationError):
        services.clarification_ask(
            actor=member.user, call=call, organization=member.organization, question="¿Y?"
        )
    assert not CallClarification.objects.exists()


def test_answer_privately_and_dismiss(call_manager) -> None:
    clarification = CallClarificationFactory()
    services.clarification_answer_privately(
        actor=call_manager, clarification=clarification, answer="Revise las bases."
    )
    clarification.refresh_from_db()
    assert clarification.status == CallClarification.Status.ANSWERED_PRIVATELY
    other = CallClarificationFactory()
    services.clarification_dismiss(actor=call_manager, clarification=other, reason="Duplicada")
    other.refresh_from_db()
    assert other.status == CallClarification.Status.DISMISSED
    with pytest.raises(PermissionDenied):
        services.clarification_dismiss(
            actor=UserFactory(), clarification=CallClarificationFactory()
        )


def test_unsubscribe(call_manager) -> None:
    call = CallFactory()
    person = UserFactory()
    services.call_subscribe(actor=person, call=call)
    services.call_unsubscribe(actor=person, call=call)
    assert not call.subscriptions.exists()
    draft = _draft()
    with pytest.raises(PermissionDenied):
        services.call_subscribe(actor=person, call=draft)


def test_criterion_factory_is_used() -> None:
    # The weights of a call's criteria are validated one by one by the model (1..100).
    with pytest.raises(ValidationError):
        CallCriterionFactory.build(call=CallFactory(), weight=0).full_clean()
