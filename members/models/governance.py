"""Governance bodies of the cluster and the seats people hold on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .membership import OrganizationMember
from .organizations import Organization
from .people import User

# A title in every grammatical form a person may ask for (``User.title_form``). The English
# msgids are the same in each form; the context tells the Spanish translator which form to write
# ("Presidencia" / "Presidenta" / "Presidente"). Neutral is the default: nothing is assumed.
_F = User.TitleForm
SEAT_TITLES: dict[str, dict[str, Promise]] = {
    "chair": {
        _F.NEUTRAL: pgettext_lazy("seat title, neutral", "Chair"),
        _F.FEMININE: pgettext_lazy("seat title, feminine", "Chair"),
        _F.MASCULINE: pgettext_lazy("seat title, masculine", "Chair"),
    },
    "vice_chair": {
        _F.NEUTRAL: pgettext_lazy("seat title, neutral", "Vice-chair"),
        _F.FEMININE: pgettext_lazy("seat title, feminine", "Vice-chair"),
        _F.MASCULINE: pgettext_lazy("seat title, masculine", "Vice-chair"),
    },
    "secretary": {
        _F.NEUTRAL: pgettext_lazy("seat title, neutral", "Secretary"),
        _F.FEMININE: pgettext_lazy("seat title, feminine", "Secretary"),
        _F.MASCULINE: pgettext_lazy("seat title, masculine", "Secretary"),
    },
    "member": {
        _F.NEUTRAL: pgettext_lazy("seat title, neutral", "Member"),
        _F.FEMININE: pgettext_lazy("seat title, feminine", "Member"),
        _F.MASCULINE: pgettext_lazy("seat title, masculine", "Member"),
    },
}
COORDINATOR_TITLES: dict[str, Promise] = {
    _F.NEUTRAL: pgettext_lazy("coordinator title, neutral", "Coordinator"),
    _F.FEMININE: pgettext_lazy("coordinator title, feminine", "Coordinator"),
    _F.MASCULINE: pgettext_lazy("coordinator title, masculine", "Coordinator"),
}


def seat_title(role: str, title_form: str) -> str:
    """The title of ``role`` written in the person's form, in the current language."""
    forms = SEAT_TITLES[role]
    return str(forms.get(title_form, forms[_F.NEUTRAL]))


def coordinator_title(title_form: str) -> str:
    """ "Coordinator" written in the person's form, in the current language."""
    return str(COORDINATOR_TITLES.get(title_form, COORDINATOR_TITLES[_F.NEUTRAL]))


def _reading_english() -> bool:
    return (get_language() or "es").startswith("en")


class GoverningBody(models.Model):
    """The board, a committee or a technical working group (mesa técnica)."""

    class Kind(models.TextChoices):
        BOARD = "board", _("Board")
        COMMITTEE = "committee", _("Committee")
        WORKING_GROUP = "working_group", _("Technical working group")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name_en = models.CharField(
        _("name (English)"),
        max_length=200,
        blank=True,
        help_text=_("Shown on English pages; when empty they show the Spanish name."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_(
            "Markdown is allowed. Shown on English pages; when empty they show the Spanish "
            "description."
        ),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_bodies",
    )
    is_public = models.BooleanField(_("public page"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    # ``name`` and ``description`` are the Spanish text (always present); English pages show
    # the English text when staff wrote it, otherwise the Spanish one marked ``lang="es"``.
    @property
    def localized_name(self) -> str:
        return self.name_en if _reading_english() and self.name_en else self.name

    @property
    def localized_name_lang(self) -> str:
        """``"es"`` when the name shown is Spanish on a page in another language, else ``""``."""
        return "es" if _reading_english() and not self.name_en else ""

    @property
    def localized_description(self) -> str:
        if _reading_english() and self.description_en:
            return self.description_en
        return self.description

    @property
    def localized_description_lang(self) -> str:
        return "es" if _reading_english() and not self.description_en else ""

    @property
    def coordinator_title(self) -> str:
        """ "Coordinator" in the coordinator's form (neutral when nobody is assigned)."""
        form = self.coordinator.title_form if self.coordinator else _F.NEUTRAL
        return coordinator_title(form)

    def clean(self) -> None:
        """The coordinator is someone of an active member organization, or cluster staff."""
        super().clean()
        if self.coordinator_id is None:
            return
        coordinator = self.coordinator
        if coordinator is None:
            return
        is_member = OrganizationMember.objects.filter(
            user_id=self.coordinator_id,
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        ).exists()
        if not (is_member or (coordinator.is_staff and coordinator.is_active)):
            raise ValidationError(
                {
                    "coordinator": _(
                        "The coordinator must belong to an active member organization "
                        "or to the cluster's staff."
                    )
                },
                code="coordinator_not_member",
            )


class Seat(models.Model):
    """A person of a member organization sitting on a governance body."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    body = models.ForeignKey(
        GoverningBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="seats"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ("body", "role", "person__full_name")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "person"],
                condition=models.Q(ended_on__isnull=True),
                name="seat_one_current_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.body} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def title(self) -> str:
        """The role as the person's title ("Presidenta"), in the current language. Load
        ``person`` with the seat (``select_related``) when listing seats."""
        return seat_title(self.role, self.person.title_form)

    def clean(self) -> None:
        """A current seat is held by a person of an active member organization, for it.

        Ended seats are history and are not re-checked (the organization may have left since).
        """
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {"ended_on": _("A seat cannot end before it starts.")}, code="seat_dates"
            )
        if self.ended_on is not None or not (self.person_id and self.organization_id):
            return
        if self.organization.membership_status != Organization.MembershipStatus.ACTIVE:
            raise ValidationError(
                {
                    "organization": _(
                        "Seats are held by people of active member organizations; "
                        "%(organization)s is not an active member."
                    )
                    % {"organization": self.organization}
                },
                code="seat_org_not_member",
            )
        if not OrganizationMember.objects.filter(
            organization_id=self.organization_id, user_id=self.person_id
        ).exists():
            raise ValidationError(
                {
                    "person": _("%(person)s does not belong to %(organization)s.")
                    % {"person": self.person, "organization": self.organization}
                },
                code="seat_person_not_in_org",
            )
