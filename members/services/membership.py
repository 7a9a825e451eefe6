"""Membership of the cluster: applications, the secretariat's decisions, join requests,
suspension, reinstatement and lapse.

State of an organization's membership (``Organization.membership_status``)::

    none ──submit──▶ applicant ──approve──▶ active ──suspend──▶ suspended
      ▲                 │                     │  ▲                 │
      └──reject/withdraw┘ (lapsed if it was   │  └────reinstate────┤
                           a member before)   └──lapse──▶ lapsed ◀─┘
    lapsed ──submit──▶ applicant (a lapsed organization applies again)

State of a ``MembershipApplication``::

    submitted ──request_info──▶ info_requested ──respond──▶ submitted
    submitted | info_requested ──approve / reject / withdraw──▶ approved / rejected / withdrawn

An organization that was never a member and whose application is rejected is *released*: its
people are removed and its open invitations and join requests closed, so whoever registered it
does not keep it (nor block its RUC). Whoever applies next with its RUC takes it over. An
organization takes in people (invitations, join requests) only while it is *active* or
*applicant*; suspending or lapsing it revokes its open invitations.

Which transition may leave which state, and who may take it, is written once, in
``members/workflows.py`` (``APPLICATION`` and ``ORGANIZATION``). Every service locks the rows it
changes (``select_for_update``) and asks the table after the lock, so two members of staff
deciding at once cannot both win. A refused transition raises ``ValidationError`` (code
``invalid_transition``) or ``PermissionDenied`` with a translated message and changes nothing.

An application left in *information requested* without an answer for
``MEMBERS_INFO_REQUEST_EXPIRY_DAYS`` days is closed as *expired* by the periodic job
(:func:`membership_application_expire`, a time-driven row of the table).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster_portal.audit.services import audit_decision
from cluster_portal.core.references import next_reference
from notifications.services import notify

from .. import permissions
from ..models import (
    Invitation,
    JoinRequest,
    MembershipApplication,
    Organization,
    OrganizationMember,
    User,
)
from ..models.membership import MEMBERSHIP_REFERENCE_PREFIX
from ..workflows import (
    APPLICATION,
    ORGANIZATION,
    info_request_expired,
    info_request_expiry_days,
)
from ._effects import staff_recipients
from .organizations import organization_create

Status = MembershipApplication.Status
OrgStatus = Organization.MembershipStatus

#: Organization fields a person fills in when applying for a new organization.
APPLICATION_ORGANIZATION_FIELDS = (
    "legal_name",
    "trade_name",
    "ruc",
    "kind",
    "mining_scale",
    "government_level",
    "region",
    "city",
    "website",
)

#: Length of ``Organization.membership_status_reason``.
REASON_MAX_LENGTH = 300

#: The answer to a RUC that belongs to an organization someone already controls.
RUC_ALREADY_REGISTERED = gettext_lazy(
    "An organization with this RUC is already registered. If you work there, ask to join it "
    "instead."
)


def _team_url(organization: Organization) -> str:
    return reverse("members:team", kwargs={"organization_id": organization.pk})


def _staff_application_url(application: MembershipApplication) -> str:
    return reverse("members_staff:application_detail", kwargs={"application_id": application.pk})


def _lock_application(application: MembershipApplication) -> MembershipApplication:
    return MembershipApplication.objects.select_for_update().get(pk=application.pk)


def _lock_organization(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _organization_members(organization: Organization) -> list[User]:
    return [m.user for m in organization.memberships.select_related("user")]


def _organization_admins(organization: Organization) -> list[User]:
    return [
        m.user
        for m in organization.memberships.filter(role=OrganizationMember.Role.ADMIN).select_related(
            "user"
        )
    ]


def _application_context(application: MembershipApplication) -> dict[str, Any]:
    return {
        "organization": application.organization.display_name,
        "organization_id": application.organization_id,
        "application_id": application.pk,
        "reference": application.reference or "",
        "status": application.status,
        "message": application.decision_message,
    }


# --- Applications ------------------------------------------------------------------------------


def _submit(*, actor: User, organization: Organization, motivation: str) -> MembershipApplication:
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError(
            {"motivation": _("Tell the secretariat why your organization wants to join.")}
        )
    ORGANIZATION.require(organization, "apply", actor=actor)
    application = MembershipApplication(
        organization=organization, applicant=actor, motivation=motivation
    )
    # Taken last, just before saving: a refusal above must not use up a number.
    application.reference = next_reference(MEMBERSHIP_REFERENCE_PREFIX)
    application.full_clean()
    application.save()
    ORGANIZATION.apply(organization, "apply")
    organization.membership_status_reason = ""
    organization.save(update_fields=["membership_status", "membership_status_reason", "updated_at"])
    audit_decision(actor=actor, action="membership_application.submit", target=application)
    notify(
        recipients=staff_recipients(),
        event="members.application_submitted",
        context=_application_context(application),
        actor=actor,
        url=_staff_application_url(application),
    )
    return application


def _ruc_already_registered() -> ValidationError:
    return ValidationError({"ruc": ValidationError(RUC_ALREADY_REGISTERED, code="unique")})


def _claimable_organization(ruc: str) -> Organization | None:
    """The locked organization registered under ``ruc`` if a new applicant may take it over.

    An organization that was never a member (status *none*) and has nobody in it is controlled
    by no one, for example after the secretariat rejected the application of whoever registered
    it (see :func:`membership_application_reject`): whoever applies with its RUC next takes it
    over, so a wrong or malicious registration cannot block the RUC for good.
    """
    organization = Organization.objects.select_for_update().filter(ruc=ruc).first()
    if organization is None:
        return None
    if organization.membership_status != OrgStatus.NONE or organization.memberships.exists():
        return None
    return organization


def _take_over(
    *, actor: User, organization: Organization, organization_data: dict[str, Any]
) -> Organization:
    """Overwrite the application fields of a claimable organization and make ``actor`` its
    admin (the organization row is locked)."""
    previous = {name: getattr(organization, name) for name in APPLICATION_ORGANIZATION_FIELDS}
    for name, value in organization_data.items():
        setattr(organization, name, value.strip() if isinstance(value, str) else value)
    organization.full_clean()
    changed = [
        name
        for name in APPLICATION_ORGANIZATION_FIELDS
        if getattr(organization, name) != previous[name]
    ]
    organization.save(update_fields=[*changed, "updated_at"])
    OrganizationMember.objects.create(
        organization=organization, user=actor, role=OrganizationMember.Role.ADMIN
    )
    audit_decision(
        actor=actor,
        action="organization.claim",
        target=organization,
        changes={name: (previous[name], getattr(organization, name)) for name in changed},
    )
    return organization


@transaction.atomic
def membership_application_submit(
    *,
    actor: User,
    organization_data: dict[str, Any],
    motivation: str,
) -> MembershipApplication:
    """Register a new organization and apply for its membership of the cluster.

    Preconditions: ``actor`` is logged in; ``organization_data`` holds the fields of
    ``APPLICATION_ORGANIZATION_FIELDS`` and passes the model's validation (RUC format, check
    digit). The organization is created with status *applicant*, ``actor`` becomes its admin,
    and the secretariat is notified (in-app + outbox email, in this transaction).

    A RUC already registered is refused (``ValidationError`` on ``ruc``), except for an
    organization that was never a member (status *none*) and has nobody in it: ``actor`` then
    takes it over (its application fields are replaced by ``organization_data``, ``actor``
    becomes its admin, earlier applications stay as history) and the application is made for
    it. Nothing changes on error.
    """
    unknown = set(organization_data) - set(APPLICATION_ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"Unexpected organization fields: {sorted(unknown)}")
    ruc = str(organization_data.get("ruc") or "").strip()
    if Organization.objects.filter(ruc=ruc).exists():
        claimable = _claimable_organization(ruc)
        if claimable is None:
            raise _ruc_already_registered()
        organization = _take_over(
            actor=actor, organization=claimable, organization_data=organization_data
        )
        return _submit(actor=actor, organization=organization, motivation=motivation)
    try:
        # A savepoint, so that losing a race on the RUC is a validation error, not a 500.
        with transaction.atomic():
            organization = organization_create(
                actor=actor, add_actor_as_admin=True, **organization_data
            )
    except IntegrityError:
        raise _ruc_already_registered() from None
    return _submit(actor=actor, organization=organization, motivation=motivation)


@transaction.atomic
def membership_application_resubmit(
    *, actor: User, organization: Organization, motivation: str
) -> MembershipApplication:
    """Apply again for an existing organization that is not (or no longer) a member.

    Preconditions: ``actor`` is an admin of ``organization``; its status is *none* (never a
    member, or a previous application was rejected/withdrawn) or *lapsed*.
    """
    organization = _lock_organization(organization)
    # Not an admin: PermissionDenied; not none/lapsed: ValidationError naming the state.
    ORGANIZATION.require(organization, "apply", actor=actor)
    return _submit(actor=actor, organization=organization, motivation=motivation)


def _revoke_open_invitations(organization: Organization) -> int:
    """Stop every open invitation link of an organization that no longer takes in people."""
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _close_organization_application(organization: Organization) -> None:
    """After a rejection or withdrawal, the organization is back where it was before applying."""
    ORGANIZATION.apply(organization, "close_application")
    organization.save(update_fields=["membership_status", "updated_at"])


@transaction.atomic
def membership_application_approve(
    *, actor: User, application: MembershipApplication, message: str = ""
) -> MembershipApplication:
    """The secretariat admits the organization: it becomes an active member from today.

    Preconditions: ``actor`` is staff; the application is open (submitted or information
    requested). Notifies the organization's people.
    """
    APPLICATION.authorize(application, "approve", actor=actor)
    application = _lock_application(application)
    APPLICATION.require(application, "approve", actor=actor)
    organization = _lock_organization(application.organization)
    previous_status = organization.membership_status
    now = timezone.now()
    APPLICATION.apply(application, "approve")
    application.decision_message = (message or "").strip()
    application.decided_by = actor
    application.decided_at = now
    application.save(
        update_fields=["status", "decision_message", "decided_by", "decided_at", "updated_at"]
    )
    ORGANIZATION.apply(organization, "admit")
    organization.member_since = timezone.localdate(now)
    organization.membership_status_reason = ""
    organization.save(
        update_fields=[
            "membership_status",
            "member_since",
            "membership_status_reason",
            "updated_at",
        ]
    )
    application.organization = organization
    audit_decision(
        actor=actor,
        action="membership_application.approve",
        target=application,
        changes={"membership_status": (previous_status, organization.membership_status)},
        reason=application.decision_message,
    )
    notify(
        recipients=_organization_members(organization),
        event="members.application_approved",
        context=_application_context(application),
        actor=actor,
        url=_team_url(organization),
    )
    return application


def _release_organization(*, actor: User, organization: Organization) -> list[str]:
    """Release an organization that was never a member (row locked) so that nobody controls
    it: its people are removed, open invitations revoked and pending join requests declined.
    Returns the removed people's email addresses (for the audit trail)."""
    now = timezone.now()
    memberships = OrganizationMember.objects.filter(organization=organization).select_related(
        "user"
    )
    removed = sorted(m.user.email for m in memberships)
    memberships.delete()
    _revoke_open_invitations(organization)
    JoinRequest.objects.filter(organization=organization, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.REJECTED, decided_by=actor, decided_at=now
    )
    return removed


@transaction.atomic
def membership_application_reject(
    *, actor: User, application: MembershipApplication, reason: str
) -> MembershipApplication:
    """The secretariat turns the application down; the reason is shown to the applicant.

    Preconditions: ``actor`` is staff; the application is open; ``reason`` is not blank.

    An organization that was a member before goes back to *lapsed* and keeps its people. One
    that was never a member (no ``member_since``) goes back to *none* and is released: its
    people are removed, its open invitations revoked and its pending join requests declined,
    so whoever registered it does not keep controlling it (nor blocking its RUC); the next
    person who applies with its RUC takes it over (see :func:`membership_application_submit`).
    The application stays as history. Notifies the organization's admins (taken before the
    release).
    """
    APPLICATION.authorize(application, "reject", actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the applicant the reason for the rejection.")})
    application = _lock_application(application)
    APPLICATION.require(application, "reject", actor=actor)
    organization = _lock_organization(application.organization)
    admins = _organization_admins(organization)
    APPLICATION.apply(application, "reject")
    application.decision_message = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(
        update_fields=["status", "decision_message", "decided_by", "decided_at", "updated_at"]
    )
    _close_organization_application(organization)
    application.organization = organization
    released = organization.member_since is None
    audit_decision(
        actor=actor, action="membership_application.reject", target=application, reason=reason
    )
    if released:
        removed = _release_organization(actor=actor, organization=organization)
        audit_decision(
            actor=actor,
            action="organization.release",
            target=organization,
            changes={"people": (", ".join(removed), "")},
            reason=reason,
        )
    notify(
        recipients=admins,
        event="members.application_rejected",
        context=_application_context(application),
        actor=actor,
        # Released organizations are no longer theirs: the team page would be a 404.
        url=reverse("members:membership_apply") if released else _team_url(organization),
    )
    return application


@transaction.atomic
def membership_application_request_info(
    *, actor: User, application: MembershipApplication, message: str
) -> MembershipApplication:
    """The secretariat asks the applicant for more information before deciding.

    Preconditions: ``actor`` is staff; the application is *submitted* (an earlier request
    has been answered); ``message`` is not blank.
    """
    APPLICATION.authorize(application, "request_info", actor=actor)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say which information the applicant should add.")})
    application = _lock_application(application)
    APPLICATION.require(application, "request_info", actor=actor)
    APPLICATION.apply(application, "request_info")
    application.decision_message = message
    application.applicant_response = ""
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(
        update_fields=[
            "status",
            "decision_message",
            "applicant_response",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    audit_decision(
        actor=actor,
        action="membership_application.request_info",
        target=application,
        reason=message,
    )
    notify(
        recipients=_organization_admins(application.organization),
        event="members.application_info_requested",
        context=_application_context(application),
        actor=actor,
        url=_team_url(application.organization),
    )
    return application


@transaction.atomic
def membership_application_respond(
    *, actor: User, application: MembershipApplication, response: str
) -> MembershipApplication:
    """The applicant answers the secretariat's request; the application is *submitted* again.

    Preconditions: ``actor`` is an admin of the organization; the application's status is
    *information requested*; ``response`` is not blank. The secretariat is notified.
    """
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write your answer to the secretariat.")})
    application = _lock_application(application)
    APPLICATION.require(application, "respond", actor=actor)
    APPLICATION.apply(application, "respond")
    application.applicant_response = response
    application.save(update_fields=["status", "applicant_response", "updated_at"])
    audit_decision(actor=actor, action="membership_application.respond", target=application)
    notify(
        recipients=staff_recipients(),
        event="members.application_responded",
        context={**_application_context(application), "response": response},
        actor=actor,
        url=_staff_application_url(application),
    )
    return application


@transaction.atomic
def membership_application_withdraw(
    *, actor: User, application: MembershipApplication
) -> MembershipApplication:
    """The applicant withdraws an open application.

    Preconditions: ``actor`` is an admin of the organization; the application is open.
    """
    application = _lock_application(application)
    APPLICATION.require(application, "withdraw", actor=actor)
    organization = _lock_organization(application.organization)
    APPLICATION.apply(application, "withdraw")
    application.save(update_fields=["status", "updated_at"])
    _close_organization_application(organization)
    application.organization = organization
    audit_decision(actor=actor, action="membership_application.withdraw", target=application)
    return application


@transaction.atomic
def membership_application_expire(
    *, actor: None = None, application: MembershipApplication
) -> MembershipApplication:
    """Close an application whose request for information went unanswered (the system).

    Called by the periodic job (``run_time_transitions``) for each application that has been
    *information requested* for ``MEMBERS_INFO_REQUEST_EXPIRY_DAYS`` days or more (counted
    from the request, ``decided_at``). Preconditions: ``actor`` is None (nobody expires an
    application by hand); the application is still *information requested* and its deadline
    has passed (re-checked under the lock, so a late answer or a second run changes nothing).
    The organization goes back where it was before applying, as after a withdrawal; its
    admins are notified (once) and the decision is audited with no actor.
    """
    application = _lock_application(application)
    APPLICATION.require(application, "expire", actor=actor)
    if not info_request_expired(application, timezone.now()):
        raise ValidationError(
            _("The applicant still has time to answer this request."), code="not_due"
        )
    organization = _lock_organization(application.organization)
    previous = application.status
    APPLICATION.apply(application, "expire")
    application.decided_by = None
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _close_organization_application(organization)
    application.organization = organization
    audit_decision(
        actor=None,
        action="membership_application.expire",
        target=application,
        changes={"status": (previous, application.status)},
        reason=_("No answer to the request for information within %(days)d days.")
        % {"days": info_request_expiry_days()},
    )
    notify(
        recipients=_organization_admins(organization),
        event="members.application_expired",
        context={**_application_context(application), "days": info_request_expiry_days()},
        url=_team_url(organization),
        idempotency_key=f"members.application_expired:{application.pk}",
    )
    return application


# --- Suspension, reinstatement, lapse ----------------------------------------------------------


def _change_organization_status(
    *,
    actor: User,
    organization: Organization,
    transition: str,
    reason: str,
    reason_required: bool,
    action: str,
    event: str,
) -> Organization:
    ORGANIZATION.authorize(organization, transition, actor=actor)
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give the reason; the organization will see it.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    organization = _lock_organization(organization)
    ORGANIZATION.require(organization, transition, actor=actor)
    previous = organization.membership_status
    new_status = ORGANIZATION.apply(organization, transition)
    organization.membership_status_reason = reason
    fields = ["membership_status", "membership_status_reason", "updated_at"]
    if new_status == OrgStatus.ACTIVE and organization.member_since is None:
        organization.member_since = timezone.localdate()
        fields.append("member_since")
    organization.save(update_fields=fields)
    audit_decision(
        actor=actor,
        action=action,
        target=organization,
        changes={"membership_status": (previous, new_status)},
        reason=reason,
    )
    notify(
        recipients=_organization_members(organization),
        event=event,
        context={
            "organization": organization.display_name,
            "organization_id": organization.pk,
            "reason": reason,
        },
        actor=actor,
        url=_team_url(organization),
    )
    return organization


@transaction.atomic
def organization_suspend(*, actor: User, organization: Organization, reason: str) -> Organization:
    """Suspend an active member: its people lose member-only features until reinstated.

    Preconditions: ``actor`` is staff; the organization is *active*; ``reason`` is not blank.
    A suspended organization takes in nobody: its open invitations are revoked (an admin
    invites again after the reinstatement).
    """
    organization = _change_organization_status(
        actor=actor,
        organization=organization,
        transition="suspend",
        reason=reason,
        reason_required=True,
        action="organization.suspend",
        event="members.organization_suspended",
    )
    _revoke_open_invitations(organization)
    return organization


@transaction.atomic
def organization_reinstate(
    *, actor: User, organization: Organization, reason: str = ""
) -> Organization:
    """Give a suspended or lapsed organization its active membership back.

    Preconditions: ``actor`` is staff; the organization is *suspended* or *lapsed*.
    ``member_since`` is kept: membership continues.
    """
    return _change_organization_status(
        actor=actor,
        organization=organization,
        transition="reinstate",
        reason=reason,
        reason_required=False,
        action="organization.reinstate",
        event="members.organization_reinstated",
    )


@transaction.atomic
def organization_lapse(*, actor: User, organization: Organization, reason: str) -> Organization:
    """End an organization's membership (for example dues unpaid or it asked to leave).

    Preconditions: ``actor`` is staff; the organization is *active* or *suspended*; ``reason``
    is not blank. The organization may apply again later. Its open invitations are revoked:
    a former member takes in nobody.
    """
    organization = _change_organization_status(
        actor=actor,
        organization=organization,
        transition="lapse",
        reason=reason,
        reason_required=True,
        action="organization.lapse",
        event="members.organization_lapsed",
    )
    _revoke_open_invitations(organization)
    return organization


# --- Join requests -----------------------------------------------------------------------------


def _join_request_context(join_request: JoinRequest) -> dict[str, Any]:
    return {
        "organization": join_request.organization.display_name,
        "organization_id": join_request.organization_id,
        "person": str(join_request.user),
        "person_email": join_request.user.email,
        "message": join_request.message,
    }


@transaction.atomic
def join_request_create(
    *, actor: User, organization: Organization, message: str = ""
) -> JoinRequest:
    """A signed-up person asks to join an existing organization; its admins decide.

    Preconditions: ``actor`` does not belong to the organization and has no pending request
    for it; the organization has at least one admin to decide. Notifies the admins.
    """
    organization = _lock_organization(organization)
    if OrganizationMember.objects.filter(organization=organization, user=actor).exists():
        raise ValidationError(
            _("You already belong to %(organization)s.")
            % {"organization": organization.display_name},
            code="already_member",
        )
    if JoinRequest.objects.filter(
        organization=organization, user=actor, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked to join %(organization)s; its admins have not decided yet.")
            % {"organization": organization.display_name},
            code="duplicate",
        )
    admins = _organization_admins(organization)
    if not admins:
        # Not named: the person may have reached an organization they cannot see.
        raise ValidationError(
            _("This organization has no admin who could accept you; contact the secretariat."),
            code="no_admin",
        )
    join_request = JoinRequest(organization=organization, user=actor, message=message.strip())
    join_request.full_clean()
    join_request.save()
    audit_decision(actor=actor, action="join_request.create", target=join_request)
    notify(
        recipients=admins,
        event="members.join_request_created",
        context=_join_request_context(join_request),
        actor=actor,
        url=_team_url(organization),
    )
    return join_request


def _lock_pending_join_request(join_request: JoinRequest) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=join_request.pk)
    )
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(
            _("This request has already been %(status)s.")
            % {"status": join_request.get_status_display().lower()},
            code="invalid_transition",
        )
    return join_request


def _decide_join_request(
    *, actor: User, join_request: JoinRequest, status: str, action: str, event: str
) -> JoinRequest:
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_decision(actor=actor, action=action, target=join_request)
    notify(
        recipients=[join_request.user],
        event=event,
        context=_join_request_context(join_request),
        actor=actor,
        url=(
            _team_url(join_request.organization)
            if status == JoinRequest.Status.APPROVED
            else reverse("members:membership_apply")
        ),
    )
    return join_request


@transaction.atomic
def join_request_approve(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    """An organization admin accepts the person as a member (role *member*).

    Preconditions: ``actor`` may add people to the organization (admin, organization not
    suspended); the request is pending. Notifies the requester.
    """
    join_request = _lock_pending_join_request(join_request)
    if not permissions.can_add_people(actor, join_request.organization):
        raise PermissionDenied(_("Only an admin of the organization can accept people."))
    OrganizationMember.objects.get_or_create(
        organization=join_request.organization,
        user=join_request.user,
        defaults={"role": OrganizationMember.Role.MEMBER},
    )
    return _decide_join_request(
        actor=actor,
        join_request=join_request,
        status=JoinRequest.Status.APPROVED,
        action="join_request.approve",
        event="members.join_request_approved",
    )


@transaction.atomic
def join_request_reject(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    """An organization admin declines the request. Notifies the requester.

    Preconditions: ``actor`` is an admin of the organization; the request is pending.
    """
    join_request = _lock_pending_join_request(join_request)
    if not permissions.can_manage_team(actor, join_request.organization):
        raise PermissionDenied(_("Only an admin of the organization can decline requests."))
    return _decide_join_request(
        actor=actor,
        join_request=join_request,
        status=JoinRequest.Status.REJECTED,
        action="join_request.reject",
        event="members.join_request_rejected",
    )


@transaction.atomic
def join_request_cancel(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    """The requester takes back a pending request.

    Preconditions: ``actor`` made the request; it is pending.
    """
    join_request = _lock_pending_join_request(join_request)
    if join_request.user_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked can cancel the request."))
    join_request.status = JoinRequest.Status.CANCELLED
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    audit_decision(actor=actor, action="join_request.cancel", target=join_request)
    return join_request
