"""Governance bodies of the cluster and the seats people hold on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .membership import OrganizationMember
from .organizations import Organization


class GoverningBody(models.Model):
    """The board, a committee or a technical working group (mesa técnica)."""

    class Kind(models.TextChoices):
        BOARD = "board", _("Board")
        COMMITTEE = "committee", _("Committee")
        WORKING_GROUP = "working_group", _("Technical working group")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
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
