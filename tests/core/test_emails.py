"""Every email the portal can send: branded, in both languages, formal Spanish, no example.com.

Covers allauth's account and MFA emails (rendered through the portal's adapter, as allauth sends
them), every registered notification event and the digest; the Sites row that follows the
settings; and the outbox's stable Message-ID.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter
from typing import Any

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cluster_portal.core.sites import sync_site
from members.adapters import PortalAccountAdapter
from notifications.delivery import _build_message, outbox_send
from notifications.events import all_events, get_category
from notifications.models import OutboxEmail
from notifications.services import render_email
from tests.language import TU_FORMS
from tests.members.factories import UserFactory

LANGUAGES = ("es", "en")
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
PORTAL_TEMPLATES = Path(settings.BASE_DIR) / "templates"

FORBIDDEN = ("example.com", "example.org", "Hello from", "Hola de parte", "Thank you for using")

#: The allauth emails a person can receive here (confirmation, reset, enumeration-safe replies,
#: security notices) and the ones this configuration never sends (login and reset codes,
#: security keys) — overridden too, so a setting switched on later is still branded.
ACCOUNT_EMAILS = {
    "account/email/email_confirmation_signup": {"activate_url": "{site}/accounts/confirm/k/"},
    "account/email/email_confirmation": {"activate_url": "{site}/accounts/confirm/k/"},
    "account/email/password_reset_key": {
        "password_reset_url": "{site}/accounts/password/reset/key/1-k/",
        "key": "k",
    },
    "account/email/password_reset_code": {"code": "QX7R-2KD9"},
    "account/email/login_code": {"code": "QX7R-2KD9"},
    "account/email/unknown_account": {"signup_url": "x"},
    "account/email/account_already_exists": {"signup_url": "x", "password_reset_url": "x"},
}
NOTICES = {
    "account/email/password_changed": {},
    "account/email/password_set": {},
    "account/email/password_reset": {},
    "account/email/email_changed": {"from_email": "old@example.pe", "to_email": "new@example.pe"},
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "old@example.pe"},
    "mfa/email/totp_activated": {},
    "mfa/email/totp_deactivated": {},
    "mfa/email/recovery_codes_generated": {},
    "mfa/email/webauthn_added": {},
    "mfa/email/webauthn_removed": {},
}


def _request(language: str) -> Any:
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox/140.0", REMOTE_ADDR="190.12.0.7")
    request.LANGUAGE_CODE = language
    return request


def _send_account_email(prefix: str, *, language: str, user: Any | None) -> mail.EmailMessage:
    """Send one allauth email the way allauth does (adapter in a request context)."""
    mail.outbox = []
    with translation.override(language), allauth_context.request_context(_request(language)):
        adapter = get_adapter()
        if prefix in NOTICES:
            adapter.send_notification_mail(prefix, user, dict(NOTICES[prefix]))
        else:
            ctx = {
                key: value.format(site=settings.SITE_URL)
                for key, value in ACCOUNT_EMAILS[prefix].items()
            }
            if user is not None:
                ctx["user"] = user
            adapter.send_mail(prefix, user.email if user else "nadie@example.pe", ctx)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def _check_email(
    *,
    language: str,
    subject: str,
    text: str,
    html: str,
    name: str | None,
    where: str,
) -> None:
    with translation.override(language):
        signature = gettext("The Secretariat of the Mining Cluster of Southern Peru")
        greeting = gettext("Hello %(name)s,") % {"name": name} if name else gettext("Hello,")
    for part, content in (("subject", subject), ("text", text), ("html", html)):
        for word in FORBIDDEN:
            assert word not in content, f"{where} {language} {part}: {word!r}"
        if language == "es":
            found = TU_FORMS.findall(re.sub(r"<[^>]+>|https?://\S+", " ", content))
            assert not found, f"{where} es {part}: tú-form {found}"
    for part, content in (("text", text), ("html", html)):
        assert greeting in content, f"{where} {language} {part}: no greeting {greeting!r}"
        assert signature in content, f"{where} {language} {part}: no signature"
        assert settings.SITE_URL in content, f"{where} {language} {part}: no site URL"
    assert f'lang="{language}"' in html


# --- Every allauth template is the portal's own --------------------------------------------


def _allauth_email_templates() -> list[str]:
    names = []
    for app in ("account", "mfa"):
        for path in sorted((ALLAUTH_TEMPLATES / app / "email").glob("*.txt")):
            names.append(f"{app}/email/{path.name}")
    return names


@pytest.mark.parametrize("name", _allauth_email_templates())
def test_every_allauth_email_template_is_overridden(name: str) -> None:
    origin = Path(get_template(name).origin.name)
    assert origin.is_relative_to(PORTAL_TEMPLATES), f"{name} comes from allauth ({origin})"


def test_every_allauth_email_is_covered_here() -> None:
    sent_by_allauth = {
        name.removesuffix("_subject.txt")
        for name in _allauth_email_templates()
        if name.endswith("_subject.txt")
    }
    assert sent_by_allauth == set(ACCOUNT_EMAILS) | set(NOTICES)


def test_account_adapter_and_security_notices_are_on() -> None:
    assert isinstance(get_adapter(), PortalAccountAdapter)
    assert settings.ACCOUNT_EMAIL_NOTIFICATIONS is True


# --- Rendering in both languages ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("prefix", sorted(set(ACCOUNT_EMAILS) | set(NOTICES)))
def test_account_email_in_both_languages(prefix: str, language: str) -> None:
    person = UserFactory(full_name="Rosa Paredes Quispe", email="rosa.paredes@example.pe")
    # Nobody to greet for an address without an account.
    user = None if prefix == "account/email/unknown_account" else person
    message = _send_account_email(prefix, language=language, user=user)
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    _check_email(
        language=language,
        subject=message.subject,
        text=message.body,
        html=html,
        name=None if user is None else "Rosa Paredes Quispe",
        where=prefix,
    )
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    if prefix in NOTICES:
        assert "190.12.0.7" in message.body
        assert settings.SITE_URL + reverse("account_reset_password") in message.body


@pytest.mark.django_db
def test_greeting_never_uses_the_address() -> None:
    nameless = UserFactory(full_name="", email="rosa.paredes@example.pe")
    message = _send_account_email("account/email/password_changed", language="es", user=nameless)
    assert "rosa.paredes" not in message.body.split("\n", 1)[0]
    with translation.override("es"):
        assert message.body.startswith(gettext("Hello,"))


def _sample_context(event: Any) -> dict[str, Any]:
    """Every placeholder of the event's texts and templates, with plausible values."""
    ctx: dict[str, Any] = {"days": 30, "counter": 2}
    for template in (event.title, event.body):
        for _lit, field, _spec, _conv in Formatter().parse(str(template)):
            if field:
                ctx.setdefault(field.split(".")[0], "Minera Ejemplo del Sur S.A.C.")
    for name in (event.subject_template, event.text_template, event.html_template):
        source = Path(get_template(name).origin.name).read_text()
        for var in re.findall(r"{{\s*(\w+)|{%\s*if\s+(\w+)", source):
            for key in var:
                if key:
                    ctx.setdefault(key, "Minera Ejemplo del Sur S.A.C.")
    ctx["invited_email"] = "invitada@example.pe"
    ctx["email"] = "rosa.paredes@example.pe"
    return ctx


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "code", sorted(e.code for e in all_events() if e.email and not e.code.startswith("tests."))
)
def test_notification_email_in_both_languages(code: str, language: str) -> None:
    from notifications.events import format_text, get_event

    event = get_event(code)
    user = UserFactory(full_name="Rosa Paredes Quispe")
    ctx = _sample_context(event)
    for base in ("recipient", "site_url", "preferences_url", "unsubscribe_url", "category_label"):
        ctx.pop(base, None)
    with translation.override(language):
        ctx.update(
            title=format_text(event.title, ctx),
            body=format_text(event.body, ctx),
            url=settings.SITE_URL + "/",
        )
    rendered = render_email(
        template_prefix=f"notifications/email/{code}",
        language=language,
        context=ctx,
        category=get_category(event.category),
        user=user,
    )
    _check_email(
        language=language,
        subject=rendered["subject"],
        text=rendered["body_text"],
        html=rendered["body_html"],
        name="Rosa Paredes Quispe",
        where=code,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_digest_email_in_both_languages(language: str) -> None:
    user = UserFactory(full_name="Rosa Paredes Quispe")
    items = [OutboxEmail(subject="Minera Ejemplo: solicitud aprobada", url=settings.SITE_URL)]
    rendered = render_email(
        template_prefix="notifications/email/digest",
        language=language,
        context={"items": items, "frequency": "daily"},
        category=get_category("account"),
        user=user,
    )
    _check_email(
        language=language,
        subject=rendered["subject"],
        text=rendered["body_text"],
        html=rendered["body_html"],
        name="Rosa Paredes Quispe",
        where="digest",
    )


def test_tu_forms_are_caught() -> None:
    """The checker itself: tú forms fail, usted forms pass."""
    assert TU_FORMS.search("Si has solicitado un cambio, haz clic aquí")
    assert TU_FORMS.search("Confirma tu dirección")
    assert TU_FORMS.search("¡Hola de parte de example.com! Vete a este enlace")
    assert not TU_FORMS.search("Si usted ha solicitado el cambio, ingrese el código y confirme.")


# --- The password reset flow, as a person meets it ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset_flow_email(language: str, capsys: pytest.CaptureFixture[str]) -> None:
    user = UserFactory(full_name="Rosa Paredes Quispe", email="rosa.paredes@example.pe")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    mail.outbox = []
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    _check_email(
        language=language,
        subject=message.subject,
        text=message.body,
        html=message.alternatives[0][0],  # type: ignore[attr-defined]
        name="Rosa Paredes Quispe",
        where="password reset",
    )
    # The link is on SITE_URL (not the request's Host) and works.
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/\S+/)", message.body
    )
    assert link
    response = client.get(link[1], follow=True)
    assert response.status_code == 200
    assert "password1" in response.content.decode()
    with capsys.disabled():
        print(f"\n===== password reset ({language}) =====\nSubject: {message.subject}\n")
        print(message.body)


# --- The Sites row follows the settings ------------------------------------------------------


@pytest.mark.django_db
def test_site_row_matches_settings_after_migrate() -> None:
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == settings.SITE_DOMAIN
    assert site.name == settings.SITE_NAME
    assert Site.objects.get_current().name == settings.SITE_NAME
    assert "example.com" not in Site.objects.values_list("domain", flat=True)


@pytest.mark.django_db
def test_site_sync_is_idempotent_and_follows_a_changed_setting() -> None:
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    assert sync_site() is True
    assert sync_site() is False
    with override_settings(SITE_NAME="Portal CMSP", SITE_DOMAIN="portal.clusterminero.pe"):
        assert sync_site() is True
        site = Site.objects.get(pk=settings.SITE_ID)
        assert (site.domain, site.name) == ("portal.clusterminero.pe", "Portal CMSP")
        Site.objects.all().delete()
        assert sync_site() is True
        assert Site.objects.get_current().domain == "portal.clusterminero.pe"


@pytest.mark.django_db(transaction=True)
def test_migrate_rewrites_example_com() -> None:
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    call_command("migrate", verbosity=0)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == (settings.SITE_DOMAIN, settings.SITE_NAME)


# --- Message-ID of outbox rows ---------------------------------------------------------------


def _outbox_row(**kwargs: Any) -> OutboxEmail:
    return OutboxEmail.objects.create(
        to_email="rosa.paredes@example.pe",
        event="account.welcome",
        category="account",
        language="es",
        subject="Bienvenida",
        body_text="Hola",
        idempotency_key=f"test:{timezone.now().timestamp()}:{kwargs.get('n', 0)}",
        next_attempt_at=timezone.now(),
    )


@pytest.mark.django_db
def test_outbox_rows_get_distinct_message_ids_on_the_site_domain() -> None:
    first, second = _outbox_row(n=1), _outbox_row(n=2)
    assert first.message_id != second.message_id
    domain = settings.SITE_DOMAIN.split(":")[0]
    assert re.fullmatch(r"<[^<>@\s]+@" + re.escape(domain) + ">", first.message_id)


@pytest.mark.django_db
def test_resending_a_row_keeps_its_message_id() -> None:
    """A worker that died after SMTP accepted the message: the re-send carries the same ID."""
    row = _outbox_row()
    mail.outbox = []
    assert outbox_send(outbox_id=row.pk) == OutboxEmail.Status.SENT
    # The row is found in "sending" by the sweep after a crash: send it again.
    OutboxEmail.objects.filter(pk=row.pk).update(status=OutboxEmail.Status.PENDING)
    assert outbox_send(outbox_id=row.pk) == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 2
    ids = {m.message()["Message-ID"] for m in mail.outbox}
    row.refresh_from_db()
    assert ids == {row.message_id}
    assert _build_message(row).message()["Message-ID"] == row.message_id
