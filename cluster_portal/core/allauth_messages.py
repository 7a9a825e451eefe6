"""allauth's own wording that the portal replaces: formal Spanish and the portal's vocabulary.

allauth's Spanish catalogue speaks "tú" in places ("entre el código", "Ten paciencia, estás
enviando muchas solicitudes", "Guárdalos") and says "doble factor" where the portal says "dos
factores". The portal's catalogue comes first (``LOCALE_PATHS``), so these msgids are translated
in ``locale/es/LC_MESSAGES/django.po`` (usted, "autenticación de dos factores", "aplicación de
autenticación", "ingrese") and every page, form error and message of allauth reads like the rest
of the portal. allauth's pages are its own templates inside the portal's layouts
(``templates/allauth/layouts/``); the portal overrides a template only where it changes more than
words (``templates/account``, ``templates/mfa``, ``templates/usersessions``).

This module is never imported: it lists the msgids so that ``make messages`` (makemessages with
``--no-obsolete``) keeps them in the catalogue. Each one is copied exactly from allauth, grouped
by where allauth uses it; ``tests/core/test_allauth_language.py`` checks that each still exists in
allauth and that every allauth message the portal can show reads in usted. Strings for features
switched off here (login and phone codes, passkeys, trusted browsers) are included so that turning
one on does not bring the informal register back.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

#: Every msgid below, in allauth's words (one tuple so that linters see them used).
ALLAUTH_MSGIDS = (
    # account/adapter.py
    gettext_noop("Invalid login."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Please select only one."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Use authenticator app or code"),
    gettext_noop("Use a security key"),
    # account/fields.py
    gettext_noop("Enter a phone number including country code (e.g. +1 for the US)."),
    # mfa/adapter.py
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop("Key nr. {number}"),
    # mfa/totp/forms.py
    gettext_noop("Authenticator code"),
    # templates/account/base_confirm_code.html
    gettext_noop(
        "We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."
    ),
    # templates/account/confirm_email_verification_code.html
    gettext_noop("Enter Email Verification Code"),
    # templates/account/confirm_password_reset_code.html
    gettext_noop("Password Reset"),
    gettext_noop("Enter Password Reset Code"),
    # templates/account/confirm_phone_verification_code.html
    gettext_noop("Phone Verification"),
    gettext_noop("Enter Phone Verification Code"),
    # templates/account/email_change.html
    gettext_noop("Re-send Verification"),
    # templates/account/email_confirm.html
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    # templates/account/login.html
    gettext_noop("Sign in with a passkey"),
    gettext_noop("Send me a sign-in code"),
    # templates/account/messages/login_code_sent.txt
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    # templates/account/messages/phone_verification_sent.txt
    gettext_noop("A verification code has been sent to %(phone)s."),
    # templates/account/messages/phone_verified.txt
    gettext_noop("You have verified phone number %(phone)s."),
    # templates/account/password_reset.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it."
    ),
    # templates/account/password_reset_from_key.html
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    # templates/account/phone_change.html
    gettext_noop("Change Phone"),
    pgettext_lazy("action", "Change Phone"),
    # templates/account/reauthenticate.html
    gettext_noop("Enter your password:"),
    # templates/account/request_login_code.html
    gettext_noop("Request Code"),
    # templates/account/signup.html
    gettext_noop("Sign up using a passkey"),
    # templates/account/signup_by_passkey.html
    gettext_noop("Passkey Sign Up"),
    # templates/account/snippets/warn_no_email.html
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc."
    ),
    # templates/account/verification_sent.html
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, check "
        "your spam folder. Please contact us if you do not receive the verification email "
        "within a few minutes."
    ),
    # templates/account/verified_email_required.html
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
        "address</a>."
    ),
    # templates/mfa/authenticate.html
    gettext_noop("Two-Factor Authentication"),
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an authenticator "
        "code:"
    ),
    # templates/mfa/reauthenticate.html
    gettext_noop("Enter an authenticator code:"),
    # templates/mfa/index.html
    ngettext_lazy(
        "You have added %(count)s security key.",
        "You have added %(count)s security keys.",
        1,
    ),
    gettext_noop("View"),
    # templates/mfa/messages/recovery_codes_generated.txt
    gettext_noop("Save them  in a secure location now — they won't be shown again."),
    # templates/mfa/recovery_codes/generate.html
    gettext_noop("Are you sure?"),
    # templates/mfa/totp/deactivate_form.html
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    # templates/mfa/trust.html
    gettext_noop("Trust this Browser?"),
    gettext_noop(
        "If you choose to trust this browser, you will not be asked for a verification code the "
        "next time you sign in."
    ),
    gettext_noop("Trust for %(period)s"),
    gettext_noop("Don't Trust"),
    # templates/mfa/webauthn/authenticator_confirm_delete.html
    gettext_noop("Are you sure you want to remove this security key?"),
    # templates/mfa/webauthn/signup_form.html
    gettext_noop(
        "You are about to create a passkey for your account. As you can add additional keys "
        "later on, you can use a descriptive name to tell the keys apart."
    ),
    gettext_noop("Create Passkey"),
)
