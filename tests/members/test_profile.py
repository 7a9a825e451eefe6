"""People have names: sign-up asks for the name, the position and consent to the privacy notice
(Ley 29733); every person edits their name, position, phone and language on a profile page."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core.legal import PRIVACY_NOTICE_VERSION
from cluster_portal.core.phones import normalize_phone
from members.models import User
from members.services.accounts import user_profile_update
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Quellaveco-Tailings-2026"
PROFILE_URL = "/accounts/profile/"


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "  Rosa   Paredes Huamán ",
        "position": "Gerenta de logística",
        "email": "rosa.paredes@example.pe",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Sign-up ------------------------------------------------------------------------------------


def test_signup_page_asks_for_name_position_and_consent_with_a_link(client_en: Client) -> None:
    body = client_en.get(reverse("account_signup")).content.decode()
    for name in ("full_name", "position", "email", "password1", "password2", "privacy_consent"):
        assert f'name="{name}"' in body
    assert '<label class="form-label" for="id_full_name">Full name' in body
    assert "I have read and accept the privacy notice." in body
    assert f'href="{reverse("privacy")}"' in body
    # The consent box is never ticked in advance (consent must be express).
    checkbox = re.search(r"<input[^>]*name=\"privacy_consent\"[^>]*>", body)
    assert checkbox is not None
    assert "checked" not in checkbox.group(0)
    # The name comes first, the consent last.
    assert body.index('name="full_name"') < body.index('name="email"')
    assert body.index('name="password2"') < body.index('name="privacy_consent"')


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": None}, "full_name", "Enter your full name."),
        ({"full_name": "   "}, "full_name", "Enter your full name."),
        ({"privacy_consent": None}, "privacy_consent", "To create an account, accept the"),
    ],
)
def test_signup_without_name_or_consent_is_refused(
    client_en: Client, overrides: dict[str, str | None], field: str, message: str
) -> None:
    response = client_en.post(reverse("account_signup"), signup_data(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert message in body
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_records_name_position_language_and_consent(client_en: Client) -> None:
    before = timezone.now()
    response = client_en.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="rosa.paredes@example.pe")
    assert user.full_name == "Rosa Paredes Huamán"
    assert user.position == "Gerenta de logística"
    assert user.language == "en"  # the language the person signed up in
    assert user.privacy_consent_version == PRIVACY_NOTICE_VERSION
    assert user.privacy_consent_at is not None
    assert before <= user.privacy_consent_at <= timezone.now()
    assert user.check_password(PASSWORD)

    # The confirmation email greets the person by name, not by the email's local part.
    assert len(mail.outbox) == 1
    assert "Rosa Paredes Huamán" in mail.outbox[0].body
    assert "rosa.paredes," not in mail.outbox[0].body


def test_signup_without_position_is_fine_and_spanish_is_recorded(client: Client) -> None:
    response = client.post(
        reverse("account_signup"), signup_data(position="", email="luis@example.pe")
    )
    assert response.status_code == 302
    user = User.objects.get(email="luis@example.pe")
    assert user.position == ""
    assert user.language == "es"
    assert user.full_name == "Rosa Paredes Huamán"


def test_signup_with_a_name_too_long_is_refused(client_en: Client) -> None:
    response = client_en.post(reverse("account_signup"), signup_data(full_name="A" * 151))
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in response.content.decode()
    assert not User.objects.exists()


# --- Profile page -------------------------------------------------------------------------------


def test_profile_needs_login(client: Client) -> None:
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE_URL}"
    response = client.post(PROFILE_URL, {"full_name": "Intruso", "language": "es"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_the_person_and_their_consent(client_en: Client) -> None:
    person = UserFactory(
        full_name="Rosa Paredes",
        position="Gerenta",
        phone="+51987654321",
        privacy_consent_at=timezone.now(),
        privacy_consent_version=PRIVACY_NOTICE_VERSION,
    )
    client_en.force_login(person)
    response = client_en.get(PROFILE_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Rosa Paredes"' in body
    assert 'value="Gerenta"' in body
    assert 'value="+51987654321"' in body
    assert person.email in body
    assert f"You accepted version {PRIVACY_NOTICE_VERSION} of the privacy notice" in body
    assert "account-menu" in body  # inside the account settings layout


def test_profile_update_changes_only_the_signed_in_person(client_en: Client) -> None:
    person = UserFactory(full_name="Rosa Paredes", language="en")
    other = UserFactory(full_name="Otra Persona")
    client_en.force_login(person)
    response = client_en.post(
        PROFILE_URL,
        {
            "full_name": " Rosa  Paredes Huamán ",
            "position": "Gerenta de logística",
            "phone": "987 654 321",
            "language": "en",
            # A forged id changes nothing: the page edits the signed-in person only.
            "user": str(other.pk),
            "id": str(other.pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    person.refresh_from_db()
    other.refresh_from_db()
    assert person.full_name == "Rosa Paredes Huamán"
    assert person.position == "Gerenta de logística"
    assert person.phone == "+51987654321"
    assert other.full_name == "Otra Persona"
    page = client_en.get(PROFILE_URL).content.decode()
    assert "Your profile is saved." in page
    # Recorded in the audit log by the field tracking of members.User, with the actor.
    entry = LogEntry.objects.get_for_object(person).order_by("-timestamp").first()
    assert entry is not None
    assert entry.actor == person
    assert entry.changes_dict["full_name"] == ["Rosa Paredes", "Rosa Paredes Huamán"]


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("12345", "Enter a phone number with its country code"),
        ("+51 98765432a", "Enter a phone number with its country code"),
        ("٩٨٧٦٥٤٣٢١", "Enter a phone number with its country code"),  # Arabic-Indic digits
        ("+1234567890123456", "Enter a phone number with its country code"),  # > 15 digits
    ],
)
def test_bad_phone_is_refused_and_nothing_changes(client_en: Client, phone: str, message) -> None:
    person = UserFactory(full_name="Rosa Paredes", position="Gerenta", phone="+51987654321")
    client_en.force_login(person)
    response = client_en.post(
        PROFILE_URL,
        {"full_name": "Nombre Nuevo", "position": "Otro", "phone": phone, "language": "en"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_phone_error"' in body
    assert message in body
    person.refresh_from_db()
    assert (person.full_name, person.position, person.phone) == (
        "Rosa Paredes",
        "Gerenta",
        "+51987654321",
    )
    # The menu still shows the stored name, not the refused one.
    assert "Nombre" not in body.split('id="userMenu"')[1].split("</button>")[0]


def test_blank_name_is_refused(client_en: Client) -> None:
    person = UserFactory(full_name="Rosa Paredes")
    client_en.force_login(person)
    response = client_en.post(PROFILE_URL, {"full_name": "  ", "language": "en"})
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Rosa Paredes"


def test_unknown_language_is_refused(client_en: Client) -> None:
    person = UserFactory(full_name="Rosa Paredes", language="es")
    client_en.force_login(person)
    response = client_en.post(PROFILE_URL, {"full_name": "Rosa Paredes", "language": "qu"})
    assert response.status_code == 200
    assert 'id="id_language_error"' in response.content.decode()
    person.refresh_from_db()
    assert person.language == "es"


def test_switching_language_switches_the_interface_and_the_emails(client: Client) -> None:
    person = UserFactory(full_name="Rosa Paredes", language="es")
    client.force_login(person)
    assert '<html lang="es"' in client.get(PROFILE_URL).content.decode()

    response = client.post(PROFILE_URL, {"full_name": "Rosa Paredes", "language": "en"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    person.refresh_from_db()
    assert person.language == "en"
    page = client.get(PROFILE_URL).content.decode()
    assert '<html lang="en"' in page
    assert "Your profile is saved." in page  # the confirmation is already in English

    client.post(PROFILE_URL, {"full_name": "Rosa Paredes", "language": "es"})
    assert '<html lang="es"' in client.get(PROFILE_URL).content.decode()


def test_service_refuses_to_edit_someone_else() -> None:
    person = UserFactory(full_name="Rosa Paredes")
    intruder = UserFactory(full_name="Intruso", is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        user_profile_update(
            actor=intruder, user=person, full_name="Cambiado", language="es", phone=""
        )
    person.refresh_from_db()
    assert person.full_name == "Rosa Paredes"


def test_service_normalizes_and_validates() -> None:
    person = UserFactory(full_name="Rosa Paredes", phone="")
    user_profile_update(
        actor=person, user=person, full_name="Rosa P.", phone="(01) 611-2222", language="en"
    )
    person.refresh_from_db()
    assert person.phone == "+5116112222"
    assert person.language == "en"
    with pytest.raises(ValidationError) as excinfo:
        user_profile_update(actor=person, user=person, full_name="", language="en")
    assert "full_name" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        user_profile_update(actor=person, user=person, full_name="R", phone="x", language="en")
    assert "phone" in excinfo.value.error_dict
    person.refresh_from_db()
    assert person.full_name == "Rosa P."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("+51 987 654 321", "+51987654321"),
        ("987654321", "+51987654321"),
        ("987-654-321", "+51987654321"),
        ("(01) 611-2222", "+5116112222"),
        ("054 201234", "+5154201234"),
        ("0051 987 654 321", "+51987654321"),
        ("+1 (202) 555-0143", "+12025550143"),
        ("+56 2 2345 6789", "+56223456789"),
    ],
)
def test_phone_normalization(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "abc",
        "+0 123 4567",
        "98765432",
        "+51 \uff19\uff18\uff17 \uff16\uff15\uff14 \uff13\uff12\uff11",  # fullwidth digits
        "+51 98765432\u00b2",  # a superscript two
    ],
)
def test_phone_normalization_refuses(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalize_phone(typed)


# --- Names shown ---------------------------------------------------------------------------------


def test_menu_shows_the_first_name_and_falls_back_to_the_email(client: Client) -> None:
    person = UserFactory(full_name="Rosa Paredes", email="rosa.paredes@example.pe")
    client.force_login(person)
    menu = client.get("/").content.decode().split('id="userMenu"')[1].split("</button>")[0]
    assert "Rosa" in menu
    assert "rosa.paredes" not in menu
    nameless = UserFactory(full_name="", email="sin.nombre@example.pe")
    assert nameless.get_short_name() == "sin.nombre"
    assert str(nameless) == "sin.nombre@example.pe"
    assert str(person) == "Rosa Paredes"


def test_menu_links_to_the_profile(client: Client) -> None:
    client.force_login(UserFactory())
    assert f'href="{PROFILE_URL}"' in client.get("/").content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_team_page_shows_names_and_each_email_once(client_en: Client) -> None:
    from tests.members.factories import OrganizationMemberFactory

    admin = OrganizationMemberFactory(
        role="admin",
        user__full_name="Ana Torres Valdivia",
        user__email="ana.torres@example.pe",
        user__position="Gerenta de innovación",
    )
    OrganizationMemberFactory(
        organization=admin.organization, user__full_name="", user__email="sin.nombre@example.pe"
    )
    client_en.force_login(admin.user)
    body = client_en.get(reverse("members:team", args=[admin.organization.pk])).content.decode()
    text = _text(body)
    assert "Ana Torres Valdivia" in text
    assert "Gerenta de innovación" in text  # the person's own position when the team has none
    # The person cell shows the name with the address under it; an account without a name
    # shows its address once, not twice.
    cells = {
        email: _text(cell)
        for email, cell in re.findall(
            r'<tr data-testid="team-member" data-email="([^"]+)">\s*<td>(.*?)</td>', body, re.S
        )
    }
    assert cells["ana.torres@example.pe"].count("ana.torres@example.pe") == 1
    assert cells["sin.nombre@example.pe"].count("sin.nombre@example.pe") == 1


def test_staff_pages_and_audit_log_show_names(client_en: Client) -> None:
    from tests.members.factories import MembershipApplicationFactory

    officer = UserFactory(full_name="Lucía Quispe Mamani", totp=True, roles=["administrator"])
    application = MembershipApplicationFactory(
        applicant__full_name="Jorge Huamán Ccori", applicant__email="jorge@example.pe"
    )
    client_en.force_login(officer)
    listing = _text(client_en.get(reverse("members_staff:application_list")).content.decode())
    assert "Jorge Huamán Ccori jorge@example.pe" in listing

    roles_page = _text(client_en.get(reverse("staff:role_list")).content.decode())
    assert "Lucía Quispe Mamani" in roles_page

    # The officer's own profile change is in the audit log under their name.
    client_en.post(PROFILE_URL, {"full_name": "Lucía Quispe M.", "language": "en"})
    audit = client_en.get(reverse("audit:logentry_list")).content.decode()
    who = re.search(r'data-testid="audit-who">(.*?)</span>', audit, re.S)
    assert who is not None
    assert "Lucía Quispe M." in _text(who.group(1))
    assert application.applicant.email not in roles_page


def test_demo_people_have_names_positions_and_valid_phones(tmp_path, monkeypatch) -> None:
    import io

    from django.core.management import call_command

    from cluster_portal.files.models import Attachment
    from cluster_portal.files.storage import PrivateFileSystemStorage
    from members.demo import PEOPLE

    # Demo logos are real uploads: keep them in this test's directory.
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=str(tmp_path)))
    call_command("seed_demo", stdout=io.StringIO())
    for email, full_name, _key, _role, position, _language in PEOPLE:
        person = User.objects.get(email=email)
        assert person.full_name == full_name
        assert person.position == position
    secretariat = User.objects.get(email="secretaria@cmsp.pe")
    assert secretariat.position
    with_phone = User.objects.exclude(phone="")
    assert with_phone.count() >= 3
    for person in with_phone:
        person.full_clean(exclude=["password"])
