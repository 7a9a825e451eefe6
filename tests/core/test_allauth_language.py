"""allauth's pages, form errors and messages read in the portal's Spanish: usted, "dos factores".

allauth's own Spanish catalogue mixes in tú ("entre el código", "Ten paciencia, estás enviando
muchas solicitudes", "Guárdalos") and says "doble factor"; the portal translates those msgids in
its own catalogue (``cluster_portal/core/allauth_messages.py`` keeps them there). Checked three
ways: every allauth msgid the portal can show, translated as the portal translates it; every
allauth page rendered in Spanish for a visitor, a signed-in person and staff with two-factor
authentication; and the form errors and messages of the main mistakes (wrong password, wrong
code, rate limits). Each check is also run against allauth's catalogue alone, where it must fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import allauth
import polib
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from cluster_portal.core.roles import ADMINISTRATOR
from members.models import User
from tests.language import informal_spanish, visible_text
from tests.members.factories import DEFAULT_PASSWORD, UserFactory, totp_code

ALLAUTH_ROOT = Path(allauth.__file__).parent
ALLAUTH_CATALOGUE = ALLAUTH_ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PORTAL_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PORTAL_TEMPLATES = Path(settings.BASE_DIR) / "templates"
PROTECTING_MODULE = "cluster_portal/core/allauth_messages.py"

#: The allauth apps this portal enables (INSTALLED_APPS): the socialaccount, headless and idp
#: apps are off, so their strings are never shown.
ENABLED_APPS = ("account", "mfa", "usersessions", "core")


def _allauth_catalogue_only() -> Any:
    """Translations as allauth ships them: the portal's catalogue out of the way."""
    return override_settings(LOCALE_PATHS=[])


# --- Every allauth msgid the portal can show ------------------------------------------------


def _shown(path: str) -> bool:
    """Whether allauth's source ``path`` (as its catalogue names it) can reach a person here: a
    template the portal does not override, or Python code of an enabled app."""
    if path.startswith("templates/"):
        template = path.removeprefix("templates/")
        return (
            template.split("/")[0] in (*ENABLED_APPS, "allauth")
            and not (PORTAL_TEMPLATES / template).exists()
        )
    return path.split("/")[0] in ENABLED_APPS or "/" not in path


def _shown_entries() -> list[polib.POEntry]:
    catalogue = polib.pofile(str(ALLAUTH_CATALOGUE))
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and any(_shown(path) for path, _line in entry.occurrences)
    ]


def _translated(entry: polib.POEntry) -> list[str]:
    """``entry`` as the running portal shows it in Spanish (each plural form)."""
    with translation.override("es"):
        if entry.msgid_plural:
            return [
                translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt
                else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2, 1_000_000)
            ]
        if entry.msgctxt:
            return [translation.pgettext(entry.msgctxt, entry.msgid)]
        return [translation.gettext(entry.msgid)]


def _informal_messages() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in _shown_entries():
        for text in _translated(entry):
            if informal := informal_spanish(text):
                found.setdefault(entry.msgid, []).extend(informal)
    return found


def test_the_check_sees_allauths_strings() -> None:
    entries = {entry.msgid for entry in _shown_entries()}
    assert len(entries) > 150
    assert "Incorrect code." in entries  # Python (mfa, account adapter)
    assert "Forgotten your password? Enter your email address below, " in " ".join(entries)
    # Overridden by the portal (templates/account/email/...), so never shown as allauth's.
    assert "To confirm this is correct, go to %(activate_url)s" not in entries


def test_every_allauth_message_reads_formal_and_in_the_portals_vocabulary() -> None:
    found = _informal_messages()
    assert not found, "allauth strings in tú or off-vocabulary:\n" + "\n".join(
        f"  {msgid!r}: {forms}" for msgid, forms in found.items()
    )


def test_allauths_own_catalogue_fails_the_check() -> None:
    """Without the portal's catalogue the check finds allauth's tú forms: it can fail."""
    with _allauth_catalogue_only():
        found = _informal_messages()
    assert "Be patient, you are sending too many requests." in found
    assert "Two-Factor Authentication" in found  # "doble factor"
    assert any("authenticator code" in msgid for msgid in found)  # "entre el código"
    assert len(found) >= 15


def test_the_portals_whole_catalogue_reads_formal() -> None:
    """Every Spanish string of the portal, including the ones ``scripts/i18n.py`` copies from a
    library's catalogue when a template repeats a library's msgid."""
    found = {}
    for entry in polib.pofile(str(PORTAL_CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if informal := informal_spanish(text):
                found[entry.msgid] = informal
    assert not found, f"tú forms or off-vocabulary terms: {found}"


def test_every_protected_msgid_is_still_allauths() -> None:
    """The module that keeps allauth's msgids in the catalogue copies them exactly; after an
    allauth upgrade renames one, this says which (and the translation would silently stop)."""
    allauth_keys = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(ALLAUTH_CATALOGUE))}
    protected = [
        entry
        for entry in polib.pofile(str(PORTAL_CATALOGUE))
        if any(path == PROTECTING_MODULE for path, _line in entry.occurrences)
    ]
    assert len(protected) >= 50
    gone = [entry.msgid for entry in protected if (entry.msgctxt, entry.msgid) not in allauth_keys]
    assert not gone, f"no longer in allauth: {gone}"
    assert all(entry.translated() and "fuzzy" not in entry.flags for entry in protected)


# --- Pages, as a visitor, a signed-in person and staff see them -----------------------------


def _assert_formal(response: Any, where: str) -> str:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    html = response.content.decode()
    assert '<html lang="es"' in html, f"{where}: not rendered in Spanish"
    text = visible_text(html)
    found = informal_spanish(text)
    assert not found, f"{where}: tú form or off-vocabulary term {found}"
    return text


def _login(client: Client, user: User) -> None:
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    if getattr(user, "totp_secret", None):
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
        assert response.status_code == 302, response.content.decode()
    assert client.session.get("_auth_user_id") == str(user.pk)


def _member(client: Client) -> User:
    user = UserFactory(full_name="Rosa Paredes Quispe")
    _login(client, user)
    return user


def _staff(client: Client) -> User:
    user = UserFactory(full_name="Julio Mamani Condori", totp=True, roles=[ADMINISTRATOR])
    RecoveryCodes.activate(user)
    _login(client, user)
    return user


def _reset_key_url(user: User) -> str:
    key = default_token_generator.make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


def _confirmation_url(client: Client) -> str:
    user = UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


#: (name, who, path or a function of the client giving it). ``who`` logs the client in first.
Page = tuple[str, Callable[[Client], Any] | None, str | Callable[[Client], str]]
PAGES: list[Page] = [
    ("login", None, reverse("account_login")),
    ("signup", None, reverse("account_signup")),
    ("password reset", None, reverse("account_reset_password")),
    ("password reset sent", None, reverse("account_reset_password_done")),
    ("password reset, bad link", None, "/accounts/password/reset/key/1-no-such-key/"),
    ("password reset, new password", None, lambda client: _reset_key_url(UserFactory())),
    ("password reset done", None, reverse("account_reset_password_from_key_done")),
    ("verification sent", None, reverse("account_email_verification_sent")),
    ("confirm email", None, _confirmation_url),
    ("confirm email, bad link", None, reverse("account_confirm_email", args=["no-such-key"])),
    ("account inactive", None, reverse("account_inactive")),
    ("email addresses", _member, reverse("account_email")),
    ("change password", _member, reverse("account_change_password")),
    ("reauthenticate", _member, reverse("account_reauthenticate")),
    ("logout", _member, reverse("account_logout")),
    ("two-factor authentication", _member, reverse("mfa_index")),
    ("activate authenticator app", _member, reverse("mfa_activate_totp")),
    ("sessions", _member, reverse("usersessions_list")),
    ("two-factor authentication, staff", _staff, reverse("mfa_index")),
    ("deactivate authenticator app", _staff, reverse("mfa_deactivate_totp")),
    ("recovery codes", _staff, reverse("mfa_view_recovery_codes")),
    ("generate recovery codes", _staff, reverse("mfa_generate_recovery_codes")),
    ("reauthenticate with a code", _staff, reverse("mfa_reauthenticate")),
    ("email addresses, staff", _staff, reverse("account_email")),
    ("sessions, staff", _staff, reverse("usersessions_list")),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "who", "url"), PAGES, ids=[page[0] for page in PAGES])
def test_allauth_page_reads_formal(name: str, who: Any, url: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    if who is not None:
        who(client)
    path = url(client) if callable(url) else url
    _assert_formal(client.get(path, follow=True), name)


@pytest.mark.django_db
def test_password_set_page_reads_formal() -> None:
    """A person without a usable password (e.g. created by staff) sets one."""
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(user)
    text = _assert_formal(client.get(reverse("account_set_password"), follow=True), "set password")
    assert "Establecer contraseña" in text


@pytest.mark.django_db
def test_two_factor_login_step_reads_formal() -> None:
    user = UserFactory(totp=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    text = _assert_formal(client.get(reverse("mfa_authenticate")), "two-factor login step")
    assert "Autenticación de dos factores" in text
    assert "Ingrese el código de su aplicación de autenticación" in text


# --- Form errors and messages ------------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_password_and_login_rate_limit_read_formal(client_es: Client) -> None:
    user = UserFactory()
    for _attempt in range(5):
        response = client_es.post(
            reverse("account_login"), {"login": user.email, "password": "wrong-password-123"}
        )
        text = _assert_formal(response, "wrong password")
        assert "la contraseña que ha indicado no son correctas" in text
    response = client_es.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    text = _assert_formal(response, "login rate limit")
    assert "Demasiados intentos fallidos. Inténtelo de nuevo más tarde." in text


@pytest.mark.django_db
def test_wrong_totp_code_reads_formal(client_es: Client) -> None:
    user = UserFactory(totp=True)
    client_es.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    response = client_es.post(reverse("mfa_authenticate"), {"code": "000000"})
    text = _assert_formal(response, "wrong TOTP code")
    assert "Código incorrecto." in text


@pytest.mark.django_db
def test_authenticator_activation_rate_limit_reads_formal(client_es: Client) -> None:
    """Repeated wrong codes while activating the app: allauth's "be patient" message."""
    _member(client_es)
    for _attempt in range(5):
        response = client_es.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert "Código incorrecto." in _assert_formal(response, "wrong activation code")
    response = client_es.post(reverse("mfa_activate_totp"), {"code": "000000"})
    text = _assert_formal(response, "activation rate limit")
    assert "Por favor, espere un momento: está enviando demasiadas solicitudes." in text


@pytest.mark.django_db
def test_password_errors_read_formal(client_es: Client) -> None:
    _member(client_es)
    response = client_es.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": "abc", "password2": "abd"},
    )
    text = _assert_formal(response, "change password errors")
    assert "Por favor, escriba su contraseña actual." in text
    response = client_es.post(reverse("account_reauthenticate"), {"password": "not-my-password"})
    text = _assert_formal(response, "reauthentication error")
    assert "Contraseña incorrecta." in text


@pytest.mark.django_db
def test_signup_errors_read_formal(client_es: Client) -> None:
    response = client_es.post(
        reverse("account_signup"),
        {"email": "no-es-un-correo", "password1": "1234", "password2": "1234"},
    )
    text = _assert_formal(response, "signup errors")
    assert "La contraseña es demasiado corta." in text
    response = client_es.post(
        reverse("account_signup"),
        {
            "full_name": "Ana Quispe",
            "email": "ana.quispe@example.pe",
            "password1": "Quellaveco-Tailings-2026",
            "password2": "Quellaveco-Tailings-2027",
        },
    )
    text = _assert_formal(response, "signup, passwords differ")
    assert "Debe escribir la misma contraseña cada vez." in text


@pytest.mark.django_db(transaction=True)
def test_messages_after_actions_read_formal(client_es: Client) -> None:
    """The messages allauth adds after a login, new recovery codes and a logout, and its refusal
    of a second address (a transaction test: allauth adds the recovery codes message once the
    transaction commits)."""
    user = UserFactory(full_name="Julio Mamani Condori", totp=True, roles=[ADMINISTRATOR])
    RecoveryCodes.activate(user)
    client_es.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    response = client_es.post(
        reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)}, follow=True
    )
    assert "Ha iniciado sesión" in _assert_formal(response, "logged-in message")

    response = client_es.post(reverse("mfa_generate_recovery_codes"), follow=True)
    text = _assert_formal(response, "recovery codes generated message")
    assert "Se ha generado un nuevo conjunto de códigos de recuperación." in text

    # allauth refuses a second address on an account with two-factor authentication.
    response = client_es.post(
        reverse("account_email"), {"action_add": "", "email": "julio.otro@example.pe"}, follow=True
    )
    text = _assert_formal(response, "email refused error")
    assert "una cuenta protegida por la autenticación de dos factores" in text

    response = client_es.post(reverse("account_logout"), follow=True)
    assert "Ha cerrado sesión." in _assert_formal(response, "logged-out message")


# --- The page check fails on allauth's own catalogue -----------------------------------------


@pytest.fixture
def allauth_catalogue_only() -> Iterator[None]:
    with _allauth_catalogue_only():
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("allauth_catalogue_only")
def test_pages_fail_the_check_with_allauths_catalogue(client_es: Client) -> None:
    for where, path in (
        ("verification sent", reverse("account_email_verification_sent")),
        ("two-factor login step", None),
    ):
        if path is None:
            user = UserFactory(totp=True)
            client_es.post(
                reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
            )
            path = reverse("mfa_authenticate")
        with pytest.raises(AssertionError, match="tú form or off-vocabulary"):
            _assert_formal(client_es.get(path), where)


@pytest.mark.django_db
@pytest.mark.usefixtures("allauth_catalogue_only")
def test_rate_limit_message_fails_the_check_with_allauths_catalogue(client_es: Client) -> None:
    _member(client_es)
    for _attempt in range(6):
        response = client_es.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert re.search("Ten paciencia", response.content.decode())
    with pytest.raises(AssertionError, match="tú form"):
        _assert_formal(response, "activation rate limit")
