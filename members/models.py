"""People (the custom user model) and, later, organizations and governance bodies."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_ruc


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

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="es",
        help_text=_("Language of the emails the portal sends you."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]


class Organization(models.Model):
    """A legal entity taking part in the cluster (fields are completed in the members issue)."""

    class Kind(models.TextChoices):
        MINING_COMPANY = "mining", _("Mining company")
        METS_SUPPLIER = "mets", _("METS supplier")
        ACADEMIA = "academia", _("Academia")
        ASSOCIATION = "association", _("Association or guild")
        GOVERNMENT = "government", _("Government")
        FINANCIAL = "financial", _("Financial or multilateral institution")
        CHAMBER = "chamber", _("Chamber of commerce")
        OTHER = "other", _("Other")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    ruc = models.CharField(
        _("RUC"),
        max_length=11,
        unique=True,
        validators=[validate_ruc],
        error_messages={"unique": _("An organization with this RUC is already registered.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    is_public = models.BooleanField(_("public profile"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ("legal_name",)

    def __str__(self) -> str:
        return self.trade_name or self.legal_name
