"""Accounts (allauth): signup with verification, login, rate limits, MFA, sessions, staff gate."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cluster_portal.core.middleware import LOGIN_AT_SESSION_KEY
from members.models import User
from tests.members.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
NEW_PASSWORD = "Quellaveco-Tailings-2026"


@pytest.fixture
def client_en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def is_logged_in(client: Client, user: User | None = None) -> bool:
    user_id = client.session.get("_auth_user_id")
    return user_id is not None and (user is None or user_id == str(user.pk))


def password_login(client: Client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def mfa_login(client: Client, user: User) -> None:
    """Log in through allauth's real flow (password, then the TOTP code)."""
    response = password_login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert response.status_code == 302, response.content.decode()
    assert is_logged_in(client, user)


def reauthenticate(client: Client, password: str = DEFAULT_PASSWORD) -> None:
    """Confirm the password (allauth asks again before MFA changes once the login is older than
    ACCOUNT_REAUTHENTICATION_TIMEOUT)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def assert_no_inline_script(body: str) -> None:
    for attrs, code in re.findall(r"<script([^>]*)>(.*?)</script>", body, flags=re.S):
        assert "src=" in attrs, attrs
        assert code.strip() == ""
    assert ' style="' not in body


# --- Signup, verification, login --------------------------------------------------------------


def test_signup_requires_email_verification_before_login(client_en: Client) -> None:
    response = client_en.post(
        reverse("account_signup"),
        {
            "full_name": "Ana Quispe",
            "email": "Ana.Quispe@Example.pe",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client_en)
    user = User.objects.get(email__iexact="ana.quispe@example.pe")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None

    # Unverified: the password is right, yet the login stops at "verify your email".
    response = password_login(client_en, "ana.quispe@example.pe", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client_en)

    # The link shows a confirmation page (GET changes nothing), the POST confirms.
    confirm_url = link.group(1)
    page = client_en.get(confirm_url)
    assert page.status_code == 200
    assert "Confirm Email Address" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    response = client_en.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = password_login(client_en, "ana.quispe@example.pe", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert is_logged_in(client_en, user)


def test_signup_errors_are_labelled_and_linked(client_en: Client) -> None:
    response = client_en.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": NEW_PASSWORD, "password2": "something-else-1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label class="form-label" for="id_email">' in body
    assert 'id="id_email_error"' in body
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_email"', body) or re.search(
        r'<input[^>]*id="id_email"[^>]*aria-invalid="true"', body
    )
    assert 'aria-describedby="id_email_error"' in body
    assert 'id="id_password2_error"' in body
    assert "is-invalid" in body
    assert User.objects.count() == 0


def test_login_by_email_is_case_insensitive(client_en: Client, user: User) -> None:
    response = password_login(client_en, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert is_logged_in(client_en, user)


def test_wrong_password_shows_a_form_error(client_en: Client, user: User) -> None:
    response = password_login(client_en, user.email, "wrong-password-123")
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert "The email address and/or password you specified are not correct." in body
    assert not is_logged_in(client_en)


def test_login_rate_limit_blocks_after_repeated_failures(client_en: Client, user: User) -> None:
    for _attempt in range(5):
        response = password_login(client_en, user.email, "wrong-password-123")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    # Blocked now, even with the right password.
    response = password_login(client_en, user.email)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_logged_in(client_en)


def test_argon2_is_the_first_password_hasher() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from cluster_portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode(NEW_PASSWORD, "somesaltvalue16b")
    assert encoded.startswith("argon2$argon2id$")


# --- Session lifetime ---------------------------------------------------------------------------


def _set_login_time(client: Client, seconds_ago: int) -> None:
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(timezone.now().timestamp()) - seconds_ago
    session.save()


def test_login_records_the_login_time(client: Client, user: User) -> None:
    before = int(timezone.now().timestamp())
    password_login(client, user.email)
    assert before <= client.session[LOGIN_AT_SESSION_KEY] <= before + 5


def test_session_past_absolute_lifetime_is_logged_out(client_en: Client, user: User) -> None:
    client_en.force_login(user)
    assert client_en.get(reverse("account_email")).status_code == 200
    _set_login_time(client_en, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)

    response = client_en.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={reverse('account_email')}"
    assert not is_logged_in(client_en)
    page = client_en.get(response["Location"])
    assert "Your session has expired for security reasons." in page.content.decode()


def test_expired_session_htmx_request_redirects_the_whole_page(client: Client, user) -> None:
    client.force_login(user)
    _set_login_time(client, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)
    response = client.get(reverse("account_email"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN_URL}?next={reverse('account_email')}"
    assert not is_logged_in(client)


def test_expired_session_api_request_continues_anonymously(client: Client, user) -> None:
    client.force_login(user)
    _set_login_time(client, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert not (response.status_code == 302 and response["Location"].startswith(LOGIN_URL))
    assert not is_logged_in(client)


def test_session_within_absolute_lifetime_stays(client: Client, user: User) -> None:
    client.force_login(user)
    _set_login_time(client, settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 60)
    assert client.get(reverse("account_email")).status_code == 200
    assert is_logged_in(client, user)


def test_session_without_login_time_is_stamped_on_first_sight(client: Client, user: User) -> None:
    client.force_login(user)
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()
    assert client.get(reverse("account_email")).status_code == 200
    assert LOGIN_AT_SESSION_KEY in client.session


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_activity_slides_the_inactivity_timeout(client: Client, user: User) -> None:
    # The session is touched at most once a minute (tests/core/test_bookkeeping.py has the rest).
    client.force_login(user)
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_TOUCH_INTERVAL_SECONDS)
    with time_machine.travel(later):
        Session.objects.filter(pk=_session_row(client).pk).update(
            expire_date=timezone.now() + datetime.timedelta(seconds=30)
        )
        assert client.get(reverse("account_email")).status_code == 200
        remaining = _session_row(client).expire_date - timezone.now()
    assert remaining > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30)


def test_inactive_session_expires(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get(reverse("account_email")).status_code == 200
    # Nothing happened for SESSION_COOKIE_AGE seconds: the stored session has expired.
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not is_logged_in(client)


# --- Staff areas --------------------------------------------------------------------------------

STAFF_URLS = ["/admin/", "/staff/"]


@pytest.mark.parametrize("url", STAFF_URLS)
@pytest.mark.parametrize(
    ("role", "expected_status", "expected_location"),
    [
        ("anonymous", 302, "login"),
        ("member", 404, None),
        ("staff_without_mfa", 302, "/accounts/2fa/totp/activate/"),
        ("staff_with_mfa", 200, None),
    ],
)
def test_staff_area_permission_matrix(
    client: Client, url: str, role: str, expected_status: int, expected_location: str | None
) -> None:
    users = {
        "anonymous": None,
        "member": UserFactory(),
        "staff_without_mfa": UserFactory(is_staff=True),
        "staff_with_mfa": UserFactory(is_staff=True, totp=True),
    }
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(url)
    assert response.status_code == expected_status
    if expected_location == "login":
        assert response["Location"] == f"{LOGIN_URL}?next={url}"
    elif expected_location:
        assert response["Location"] == expected_location


def test_superuser_without_mfa_is_sent_to_mfa_setup(client_en: Client) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client_en.force_login(admin)
    response = client_en.get("/admin/members/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/2fa/totp/activate/", 302)
    assert "Staff accounts require two-factor authentication." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/members/directory/", "/members/my-organization/", "/notifications/"]
)
def test_staff_without_mfa_can_use_nothing_but_their_account(client_en: Client, url: str) -> None:
    """Predicates grant staff rights by is_staff alone; the gate makes that need TOTP."""
    client_en.force_login(UserFactory(is_staff=True))
    response = client_en.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_superuser_without_mfa_gets_no_download_or_api(client_en: Client) -> None:
    client_en.force_login(UserFactory(is_staff=False, is_superuser=True))
    api = client_en.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "mfa_required"
    download = client_en.get("/files/00000000-0000-0000-0000-000000000000/download/")
    assert download.status_code == 302
    assert download["Location"] == "/accounts/2fa/totp/activate/"


def test_staff_without_mfa_reaches_setup_logout_and_badge_without_loops(
    client_en: Client,
) -> None:
    staff = UserFactory(is_staff=True)
    client_en.force_login(staff)
    assert client_en.get("/accounts/2fa/").status_code == 200
    badge = client_en.get("/notifications/unread/", HTTP_HX_REQUEST="true")
    assert badge.status_code == 403
    assert badge.content == b""
    assert "HX-Redirect" not in badge
    assert client_en.post("/accounts/logout/").status_code == 302
    assert not is_logged_in(client_en)


def test_staff_with_mfa_uses_the_portal(client_en: Client) -> None:
    client_en.force_login(UserFactory(is_staff=True, totp=True))
    assert client_en.get("/members/directory/").status_code == 200
    assert client_en.get("/api/v1/me/").status_code == 200


def test_member_gets_404_below_staff_prefixes(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get("/staff/anything/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


def test_staff_nav_links_only_for_staff(client: Client, user: User, staff_user: User) -> None:
    client.force_login(user)
    assert reverse("staff_home") not in client.get("/").content.decode()
    client.force_login(staff_user)
    assert reverse("staff_home") in client.get("/").content.decode()


def test_admin_login_goes_through_allauth(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/members/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/admin/members/"
    assert client.get("/admin/login/")["Location"] == f"{LOGIN_URL}?next=/admin/"
    unsafe = client.get("/admin/login/?next=https://evil.example/")
    assert unsafe["Location"] == f"{LOGIN_URL}?next=/admin/"


def test_admin_login_form_is_replaced_even_without_the_staff_gate(client: Client, settings) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "StaffMFARequired" not in m]
    response = client.get("/admin/login/?next=/admin/members/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=%2Fadmin%2Fmembers%2F"
    # Posting credentials to the admin's own form logs nobody in.
    user = UserFactory(is_staff=True)
    client.post("/admin/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert not is_logged_in(client)


def test_admin_login_sends_a_signed_in_staff_user_to_the_admin(client: Client, staff_user) -> None:
    client.force_login(staff_user)
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_staff_with_mfa_logs_in_with_code_and_reaches_admin(client: Client, staff_user) -> None:
    response = client.get("/admin/")
    assert response["Location"] == f"{LOGIN_URL}?next=/admin/"
    response = client.post(
        f"{LOGIN_URL}?next=/admin/", {"login": staff_user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not is_logged_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_user.totp_secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- MFA pages ----------------------------------------------------------------------------------


def test_totp_activation_page_shows_qr_code_and_secret(client_en: Client, user: User) -> None:
    password_login(client_en, user.email)
    # The password typed at login is recent enough: no second password prompt.
    response = client_en.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_inline_script(body)
    assert 'src="data:image/svg+xml;base64,' in body
    secret = response.context["form"].secret
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    grouped = re.search(r'data-testid="totp-secret"><code>([A-Z2-7 ]+)</code>', body).group(1)
    assert grouped.split(" ") == [secret[i : i + 4] for i in range(0, 32, 4)]
    assert f'value="{secret}"' in body  # the plain secret, read-only, to copy
    assert '<label class="form-label" for="id_code">' in body

    response = client_en.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    response = client_en.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes_page = client_en.get(reverse("mfa_view_recovery_codes"))
    codes = re.search(r"<textarea[^>]*>(.*?)</textarea>", codes_page.content.decode(), re.S)
    assert len(codes.group(1).split()) == settings.MFA_RECOVERY_CODE_COUNT
    body = codes_page.content.decode()
    download = re.search(r'<a class="btn btn-primary" href="([^"]+)"', body).group(1)
    assert download == reverse("mfa_download_recovery_codes")
    assert f'href="{reverse("dashboard")}" data-testid="continue-to-portal"' in body
    assert "Generating new codes makes all the codes above stop working." in body


def test_login_counts_as_recent_authentication_only_until_the_timeout(
    client_en: Client, user: User
) -> None:
    password_login(client_en, user.email)
    assert client_en.get(reverse("mfa_activate_totp")).status_code == 200
    later = timezone.now() + datetime.timedelta(
        seconds=account_settings.REAUTHENTICATION_TIMEOUT + 1
    )
    with time_machine.travel(later):
        response = client_en.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        reauthenticate(client_en)
        assert client_en.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_session_without_a_login_record_still_reauthenticates(client: Client, user: User) -> None:
    client.force_login(user)  # no password typed in this session
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_recovery_codes_view_download_and_regenerate(client_en: Client) -> None:
    member = UserFactory(totp=True)
    rc = RecoveryCodes.activate(member)
    old_codes = rc.get_unused_codes()
    mfa_login(client_en, member)
    reauthenticate(client_en)

    page = client_en.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Authentication using an authenticator app is active." in page.content.decode()

    view = client_en.get(reverse("mfa_view_recovery_codes"))
    assert view.status_code == 200
    assert old_codes[0] in view.content.decode()
    assert_no_inline_script(view.content.decode())

    download = client_en.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert old_codes[0] in download.content.decode()
    assert "attachment" in download["Content-Disposition"]

    assert client_en.get(reverse("mfa_generate_recovery_codes")).status_code == 200
    response = client_en.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    new_codes = RecoveryCodes(Authenticator.objects.get(user=member, type="recovery_codes"))
    assert set(new_codes.get_unused_codes()).isdisjoint(old_codes)


def test_recovery_code_signs_in_instead_of_the_app(client: Client) -> None:
    member = UserFactory(totp=True)
    code = RecoveryCodes.activate(member).get_unused_codes()[0]
    password_login(client, member.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert is_logged_in(client, member)


def test_totp_deactivation(client: Client) -> None:
    member = UserFactory(totp=True)
    mfa_login(client, member)
    reauthenticate(client)
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type="totp").exists()


# --- Sessions -----------------------------------------------------------------------------------


def test_ending_other_sessions_logs_them_out(user: User) -> None:
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    for browser in (laptop, phone):
        assert password_login(browser, user.email).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 2

    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Laptop" in body
    assert "Phone" in body

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert laptop.get(reverse("account_email")).status_code == 200
    assert phone.get(reverse("account_email")).status_code == 302
    assert not is_logged_in(phone)


def test_user_menu_links_to_sessions(client: Client, user: User) -> None:
    client.force_login(user)
    assert f'href="{reverse("usersessions_list")}"' in client.get("/").content.decode()


# --- Every allauth page in the portal's layout ----------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_render_in_portal_layout(client: Client, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="navbar' in body  # our base.html
    assert "account-card" in body  # the entrance layout
    assert_no_inline_script(body)


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "account_logout",
        "mfa_index",
        "usersessions_list",
        "account_reauthenticate",
    ],
)
def test_account_pages_render_in_portal_layout(client: Client, user: User, url_name: str) -> None:
    password_login(client, user.email)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="navbar' in body
    assert_no_inline_script(body)
    if url_name != "account_reauthenticate":
        assert "account-menu" in body  # the manage layout


def test_login_page_fields_are_labelled(client_en: Client) -> None:
    body = client_en.get(reverse("account_login")).content.decode()
    assert '<label class="form-label" for="id_login">' in body
    assert '<label class="form-label" for="id_password">' in body
    assert 'aria-describedby="id_password_helptext"' in body  # "Forgot your password?"
    assert 'class="btn btn-primary w-100" type="submit"' in body


def test_password_reset_from_key_flow(client_en: Client, user: User) -> None:
    response = client_en.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    response = client_en.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    body = response.content.decode()
    assert '<label class="form-label" for="id_password1">' in body
    response = client_en.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change(client_en: Client, user: User) -> None:
    password_login(client_en, user.email)
    response = client_en.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert is_logged_in(client_en, user)


def test_logout(client: Client, user: User) -> None:
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_rate_limited_page_is_translated(client_en: Client, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    client_en.get(reverse("account_login"))
    client_en.post(reverse("account_login"), {"login": "a@example.pe", "password": "x"})
    response = client_en.post(reverse("account_login"), {"login": "a@example.pe", "password": "x"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
