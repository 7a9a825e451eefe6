"""The evaluator pool (issue 10): coordinators add people and invite outside experts (a plain
account, an email with a password link), edit and deactivate them; the pool list with load and
bounded queries; redacted texts for blind review; the permission matrix of the staff pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from challenges.models import Assignment, Evaluator, RedactedText
from challenges.services import evaluation as services
from members.models import Capability, OrganizationMember
from notifications.models import OutboxEmail
from tests.challenges.factories import AssignmentFactory, EvaluatorFactory
from tests.members.factories import UserFactory
from tests.permission_matrix import STAFF_ROLES, client_for

from .evaluator_world import coordinator_user, login, make_world

POOL_READERS = {"evaluation_coordinator", "administrator", "auditor"}
POOL_WRITERS = {"evaluation_coordinator", "administrator"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def capability(db) -> Capability:
    return Capability.objects.create(
        dimension=Capability.Dimension.VALUE_CHAIN,
        slug="eval-chancado",
        name_es="Chancado de evaluación",
        name_en="Evaluation crushing",
    )


def _profile(capability: Capability) -> dict[str, object]:
    return {
        "expertise": [capability.pk],
        "languages": ["es", "en"],
        "sector": "academia",
        "max_load": 5,
    }


# --- Services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_invite_an_outside_expert_creates_a_plain_account_and_emails_a_password_link(capability):
    coordinator = coordinator_user()
    invited = services.evaluator_invite(
        actor=coordinator,
        email="  Experta@Consultora.pe ",
        full_name="María  Experta",
        expertise=[capability],
        languages=["en"],
        sector=Evaluator.Sector.ACADEMIA,
        max_load=4,
        language="es",
    )
    user = invited.evaluator.user
    assert user.email == "experta@consultora.pe"
    assert user.full_name == "María Experta"
    assert not user.is_staff
    assert not user.groups.exists()
    assert not user.has_usable_password()
    assert not OrganizationMember.objects.filter(user=user).exists()
    assert user.emailaddress_set.get().verified
    assert list(invited.evaluator.expertise.all()) == [capability]
    assert invited.evaluator.languages == ["en"]
    email = OutboxEmail.objects.get(event="challenges.evaluator_invited")
    assert email.to_email == "experta@consultora.pe"
    assert invited.path in email.body_text
    assert email.language == "es"
    assert email.body_text.startswith("Hola")
    assert LogEntry.objects.filter(additional_data__decision="evaluator.invite").exists()
    # The link lets the expert choose a password, and then sign in.
    client = login(None)
    response = client.get(invited.path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    done = client.post(
        form_url, {"password1": "Evaluar-2026-sur!", "password2": "Evaluar-2026-sur!"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Evaluar-2026-sur!")
    # Used once.
    assert "password1" not in login(None).get(invited.path, follow=True).content.decode()


@pytest.mark.django_db
def test_invite_refuses_an_email_that_has_an_account():
    existing = UserFactory(email="ya@existe.pe")
    with pytest.raises(ValidationError) as error:
        services.evaluator_invite(actor=coordinator_user(), email="YA@existe.pe", full_name="X")
    assert "add that person" in str(error.value)
    assert not Evaluator.objects.filter(user=existing).exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_add_update_deactivate(capability):
    coordinator = coordinator_user()
    person = UserFactory()
    evaluator = services.evaluator_add(actor=coordinator, user=person, expertise=[capability])
    with pytest.raises(ValidationError):
        services.evaluator_add(actor=coordinator, user=person)
    services.evaluator_update(
        actor=coordinator,
        evaluator=evaluator,
        expertise=[],
        languages=["es"],
        sector=Evaluator.Sector.INDUSTRY,
        max_load=2,
    )
    evaluator.refresh_from_db()
    assert (evaluator.sector, evaluator.max_load, evaluator.expertise.count()) == ("industry", 2, 0)
    with pytest.raises(ValidationError):
        services.evaluator_update(
            actor=coordinator,
            evaluator=evaluator,
            expertise=[],
            languages=[],
            sector="industry",
            max_load=2,
        )
    services.evaluator_set_active(actor=coordinator, evaluator=evaluator, active=False)
    evaluator.refresh_from_db()
    assert not evaluator.is_active
    decisions = set(
        LogEntry.objects.filter(additional_data__decision__startswith="evaluator.").values_list(
            "additional_data__decision", flat=True
        )
    )
    assert decisions == {"evaluator.add", "evaluator.update", "evaluator.deactivate"}


@pytest.mark.django_db
def test_only_coordinators_change_the_pool():
    call_manager = UserFactory(is_staff=True, totp=True, roles=["call_manager"])
    with pytest.raises(PermissionDenied):
        services.evaluator_add(actor=call_manager, user=UserFactory())
    with pytest.raises(PermissionDenied):
        services.evaluator_invite(actor=call_manager, email="a@b.pe", full_name="A B")
    assert not Evaluator.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pool_list_shows_expertise_languages_sector_and_load(max_queries, capability):
    coordinator = coordinator_user()
    for index in range(12):
        evaluator = EvaluatorFactory(
            user__full_name=f"Evaluador Número {index:02d}", sector="industry"
        )
        evaluator.expertise.add(capability)
        AssignmentFactory(evaluator=evaluator)
    busy = Evaluator.objects.order_by("pk").first()
    AssignmentFactory(evaluator=busy, status=Assignment.Status.ACCEPTED)
    AssignmentFactory(evaluator=busy, status=Assignment.Status.CONFLICT)  # not load
    client = login(coordinator)
    response = max_queries(
        10,
        client.get,
        reverse("challenges_staff:evaluator_list"),
        expect=["Evaluador Número 00", "Evaluador Número 11", "Evaluation crushing", "Industry"],
    )
    page = response.content.decode()
    assert page.count('data-testid="evaluator-row"') == 12
    row = re.search(r"Evaluador Número 00.*?</tr>", page, re.S)
    assert row is not None
    assert re.search(r"<td[^>]*>2</td>", row.group(0))  # two active assignments
    filtered = client.get(reverse("challenges_staff:evaluator_list"), {"q": "Número 07"})
    assert filtered.content.decode().count('data-testid="evaluator-row"') == 1


@pytest.mark.django_db
def test_invite_and_add_through_the_pages(capability):
    client = login(coordinator_user())
    response = client.post(
        reverse("challenges_staff:evaluator_invite"),
        {
            "full_name": "Experto Externo",
            "email": "experto@afuera.pe",
            "language": "en",
            **_profile(capability),
        },
    )
    assert response.status_code == 302
    assert Evaluator.objects.filter(user__email="experto@afuera.pe").exists()
    assert OutboxEmail.objects.get().language == "en"
    person = UserFactory(email="socio@miembro.pe")
    missing = client.post(
        reverse("challenges_staff:evaluator_add"), {"email": "nadie@x.pe", **_profile(capability)}
    )
    assert missing.status_code == 400
    ok = client.post(
        reverse("challenges_staff:evaluator_add"),
        {"email": "SOCIO@miembro.pe", **_profile(capability)},
    )
    assert ok.status_code == 302
    assert Evaluator.objects.get(user=person).sector == "academia"


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_pool_permission_matrix(role, capability):
    evaluator = EvaluatorFactory()
    world = make_world(blind=True)
    client = client_for(role)
    read = 200 if role in POOL_READERS else 403
    assert client.get(reverse("challenges_staff:evaluator_list")).status_code == read
    assert (
        client.get(reverse("challenges_staff:evaluator_edit", args=[evaluator.pk])).status_code
        == read
    )
    redact_url = reverse("challenges_staff:proposal_redact", args=[world.proposal.pk])
    assert client.get(redact_url).status_code == read
    write = 302 if role in POOL_WRITERS else 403
    person = UserFactory()
    add = client.post(
        reverse("challenges_staff:evaluator_add"), {"email": person.email, **_profile(capability)}
    )
    assert add.status_code == write
    assert Evaluator.objects.filter(user=person).exists() == (role in POOL_WRITERS)
    deactivate = client.post(
        reverse("challenges_staff:evaluator_active", args=[evaluator.pk]), {"active": "0"}
    )
    assert deactivate.status_code == write
    evaluator.refresh_from_db()
    assert evaluator.is_active == (role not in POOL_WRITERS)
    redact = client.post(redact_url, {"title": "Monitoreo de fajas (versión ciega)"})
    assert redact.status_code == write
    assert RedactedText.objects.filter(proposal=world.proposal).exists() == (role in POOL_WRITERS)


@pytest.mark.django_db
def test_evaluators_and_members_get_no_staff_pages():
    world = make_world()
    for person in (world.evaluator.user, world.lead_admin):
        client = login(person)
        for url in (
            reverse("challenges_staff:evaluator_list"),
            reverse("challenges_staff:proposal_redact", args=[world.proposal.pk]),
        ):
            assert client.get(url).status_code in (302, 403, 404), url


@pytest.mark.django_db
def test_redacted_texts_are_saved_and_removed():
    world = make_world(blind=True)
    client = login(world.coordinator)
    url = reverse("challenges_staff:proposal_redact", args=[world.proposal.pk])
    page = client.get(url).content.decode()
    assert world.proposal.team in page  # the coordinator reads the original beside the form
    response = client.post(
        url, {"summary": "Una empresa instala polines en una mina.", "team": "Dos ingenieros."}
    )
    assert response.status_code == 302
    texts = dict(RedactedText.objects.values_list("field", "text"))
    assert texts == {
        "summary": "Una empresa instala polines en una mina.",
        "team": "Dos ingenieros.",
    }
    client.post(url, {"summary": "", "team": "Dos ingenieros."})
    assert set(RedactedText.objects.values_list("field", flat=True)) == {"team"}
    assert LogEntry.objects.filter(additional_data__decision="proposal.redact").count() == 2


@pytest.mark.django_db
def test_staff_home_links_the_pool_for_coordinators_only():
    pool = reverse("challenges_staff:evaluator_list")
    assert pool in login(coordinator_user()).get(reverse("staff_home")).content.decode()
    manager = UserFactory(is_staff=True, totp=True, roles=["call_manager"])
    assert pool not in login(manager).get(reverse("staff_home")).content.decode()
