"""A person's own account: the sign-up form (allauth's, with name, position and consent) and
the profile form."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.phones import normalize_phone

from ..models import User
from ..services.accounts import clean_person_name, user_signup_complete

NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length
POSITION_MAX_LENGTH = User._meta.get_field("position").max_length


def _full_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As you would like other members and the secretariat to see it."),
        error_messages={"required": _("Enter your full name.")},
    )


def _position_field() -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("job title", "Position"),
        max_length=POSITION_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        help_text=_("Optional. For example: Procurement manager."),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form plus the person's name, position and consent to the privacy
    notice (``ACCOUNT_FORMS["signup"]``). allauth creates the user; :meth:`custom_signup`
    records the rest through ``user_signup_complete`` in the same transaction."""

    field_order = ("full_name", "position", "email", "password1", "password2", "privacy_consent")

    full_name = _full_name_field()
    position = _position_field()
    privacy_consent = forms.BooleanField(
        label=_("I have read and accept the privacy notice."),
        error_messages={"required": _("To create an account, accept the privacy notice.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The link is built per request (the URL and the language are only known then) and
        # lives in the help text: the label is also shown inside the error summary's link.
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> {}',
            reverse("privacy"),
            gettext("Read the privacy notice (opens in a new tab)."),
            gettext(
                "The Cluster uses your name, position and email address to manage your account "
                "and your organization's membership; you may ask to access, correct or delete "
                "them at any time (Law 29733)."
            ),
        )

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_position(self) -> str:
        return clean_person_name(self.cleaned_data["position"])

    def save(self, request: HttpRequest) -> User:
        # allauth saves the user, then calls custom_signup: one transaction, so a sign-up that
        # fails half-way leaves no account without a name or consent behind.
        with transaction.atomic():
            return super().save(request)

    def custom_signup(self, request: HttpRequest, user: User) -> None:  # type: ignore[override]
        user_signup_complete(
            user=user,
            full_name=self.cleaned_data["full_name"],
            position=self.cleaned_data.get("position", ""),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )


class ProfileForm(forms.Form):
    """The profile page: name, position, phone and language (the service validates again)."""

    full_name = _full_name_field()
    position = _position_field()
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text=_(
            "Optional. With the country code, such as +51 987 654 321; Peruvian numbers may "
            "be typed without it."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        # Each language under its own name ("Español", "English"), as in the language switch.
        choices=[
            (code, translation.get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ],
        widget=forms.RadioSelect,
        help_text=_("The portal's pages and the emails it sends you use this language."),
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> ProfileForm:
        """The form filled with the person's current values."""
        return cls(
            data,
            initial={
                "full_name": user.full_name,
                "position": user.position,
                "phone": user.phone,
                "language": user.language,
            },
        )

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])
