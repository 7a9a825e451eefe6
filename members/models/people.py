"""People: the custom user model (email is the login)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.phones import validate_phone


class UserManager(BaseUserManager["User"]):
    """Users are identified by their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in to the portal. Email is the login."""

    class TitleForm(models.TextChoices):
        """How a person's titles (seat, coordinator) are written in Spanish. English titles
        ("Chair", "Coordinator") are the same in every form."""

        NEUTRAL = "neutral", _("Neutral wording (Presidencia, Coordinación)")
        FEMININE = "feminine", _("Feminine (Presidenta, Coordinadora)")
        MASCULINE = "masculine", _("Masculine (Presidente, Coordinador)")

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    # Blank only for accounts made before sign-up asked for it (and in the admin); sign-up and
    # the profile page require it.
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("Your job title, if you wish.")
    )
    phone = models.CharField(
        _("phone"),
        max_length=16,
        blank=True,
        validators=[validate_phone],
        help_text=_("With the country code, such as +51 987 654 321."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="es",
        help_text=_("Language of the portal and of the emails it sends you."),
    )
    # Consent to the privacy notice (Ley 29733): when, and which version of the notice.
    privacy_consent_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True
    )
    privacy_consent_version = models.CharField(
        _("privacy notice version accepted"), max_length=20, blank=True
    )
    title_form = models.CharField(
        _("how titles are written"),
        max_length=10,
        choices=TitleForm.choices,
        default=TitleForm.NEUTRAL,
        help_text=_(
            "How this person's titles on governance bodies are written in Spanish, "
            "for example Presidenta or Presidente."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        """The person's name; the email address for accounts that have none yet."""
        return self.full_name or self.email

    def get_short_name(self) -> str:
        """The first name for the menu; the email's local part for accounts without a name."""
        return self.full_name.split()[0] if self.full_name.strip() else self.email.split("@")[0]
