"""Applications to a mission: an organization nominates delegates; coordinators score it; the
selection offers it a place or puts it on the waitlist; an offer is held for a time.

The lifecycle is ``missions.workflows.APPLICATION``; the selection itself is the pure
:mod:`missions.selection`. An organization applies once per mission: withdrawing, declining an
offer or letting a hold lapse is final (the issue: "nobody who withdrew is promoted again").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from .missions import Mission, SelectionCriterion


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        OFFERED = "offered", _("Place offered")
        ACCEPTED = "accepted", _("Place accepted")
        WAITLISTED = "waitlisted", _("On the waitlist")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Offer declined")
        LAPSED = "lapsed", _("Offer lapsed")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="mission_applications",
    )
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    motivation = models.TextField(_("motivation"), max_length=3000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Weighted total of the criterion scores, 0-100 (None until every criterion is scored).
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    # Selection results (missions.selection): the waitlist's order, the quota groups the
    # application could help, and the delegates granted under the per-organization maximum.
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    buckets = models.JSONField(_("quota groups"), default=list, blank=True)
    granted_delegates = models.PositiveSmallIntegerField(
        _("delegates granted"), null=True, blank=True
    )
    offered_at = models.DateTimeField(_("place offered"), null=True, blank=True)
    hold_until = models.DateTimeField(_("place held until"), null=True, blank=True, db_index=True)
    # True when the offer came from the waitlist (a promotion), for the notices and the page.
    promoted = models.BooleanField(_("promoted from the waitlist"), default=False)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mission application")
        verbose_name_plural = _("mission applications")
        ordering = ("mission", "waitlist_position", "-score", "submitted_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "organization"], name="mission_application_unique"
            )
        ]
        indexes = [
            models.Index(fields=["mission", "status"], name="mission_app_status_idx"),
            models.Index(fields=["organization", "status"], name="mission_app_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.mission}"


class Delegate(models.Model):
    """A person of the organization nominated to travel. ``position`` is the nomination order:
    when the per-organization maximum trims an application, the first ones go."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="delegates",
    )
    # Denormalized from the application so that a person travels once per mission (constraint).
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="delegates"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="mission_delegations",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    role = models.CharField(_("role in the delegation"), max_length=150, blank=True)
    # False when the per-organization maximum left this person out.
    included = models.BooleanField(_("included in the delegation"), default=True)
    confirmed_at = models.DateTimeField(_("attendance confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ("application", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["mission", "person"], name="mission_delegate_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class ApplicationScore(models.Model):
    """A coordinator's score of one application against one criterion."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        SelectionCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    value = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application score")
        verbose_name_plural = _("application scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="mission_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
