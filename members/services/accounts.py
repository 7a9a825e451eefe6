"""A person's own account: what sign-up records and what the profile page changes.

Sign-up itself (email, password, verification) is allauth's; the portal's sign-up form calls
:func:`user_signup_complete` inside allauth's save to record the name, the position, the
language the person signed up in and their consent to the privacy notice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster_portal.core.legal import PRIVACY_NOTICE_VERSION
from cluster_portal.core.phones import normalize_phone

from .. import permissions
from ..models import User


def clean_person_name(value: str) -> str:
    """A name as typed, without surrounding or repeated whitespace."""
    return " ".join((value or "").split())


def _language_or_default(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


@transaction.atomic
def user_signup_complete(
    *,
    user: User,
    full_name: str,
    position: str = "",
    language: str,
    privacy_notice_version: str = PRIVACY_NOTICE_VERSION,
) -> User:
    """Record what sign-up asked besides email and password on the freshly created ``user``.

    ``full_name`` is required; the consent to the privacy notice (version
    ``privacy_notice_version``) is stamped with the current time: the form refuses a sign-up
    without it, so by the time this runs the person has accepted. ``language`` (the language
    the person signed up in) becomes their preferred language, so the confirmation email is in
    it. Raises ``ValidationError`` for a blank name; nothing is enqueued.
    """
    user.full_name = clean_person_name(full_name)
    user.position = clean_person_name(position)
    user.language = _language_or_default(language)
    user.privacy_consent_at = timezone.now()
    user.privacy_consent_version = privacy_notice_version
    _require_name(user)
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=[
            "full_name",
            "position",
            "language",
            "privacy_consent_at",
            "privacy_consent_version",
        ]
    )
    return user


@transaction.atomic
def user_profile_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    position: str = "",
    phone: str = "",
    language: str,
) -> User:
    """Change a person's name, position, phone and preferred language.

    Only the person themself may (``permissions.can_edit_profile``; ``PermissionDenied``
    otherwise). The phone is stored in E.164 form (``cluster_portal.core.phones``); a bad
    phone, a blank name or an unknown language raise ``ValidationError`` and nothing changes.
    The change is recorded in the audit log by the field tracking of ``members.User``.
    """
    if not permissions.can_edit_profile(actor, user):
        raise PermissionDenied(_("You can only change your own profile."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.full_name = clean_person_name(full_name)
    locked.position = clean_person_name(position)
    try:
        locked.phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from exc
    locked.language = language
    _require_name(locked)
    locked.full_clean(exclude=["password"])
    changed = [
        name
        for name in ("full_name", "position", "phone", "language")
        if getattr(locked, name) != getattr(user, name)
    ]
    if changed:
        locked.save(update_fields=changed)
        for name in changed:
            setattr(user, name, getattr(locked, name))
    return user


def _require_name(user: User) -> None:
    if not user.full_name:
        raise ValidationError({"full_name": _("Enter your full name.")}, code="required")
