"""Notification events of membership and teams (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass
(``members.services.membership`` / ``members.services.team``); emails are in
``templates/notifications/email/<code>{_subject.txt,.txt,.html}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import MEMBERSHIP, Event, register_event

# --- To the secretariat ------------------------------------------------------------------------
APPLICATION_SUBMITTED = register_event(
    Event(
        code="members.application_submitted",
        category=MEMBERSHIP.code,
        title=_("New membership application: {organization}"),
        body=_("{organization} has applied for membership of the cluster. Review it in the queue."),
    )
)
APPLICATION_RESPONDED = register_event(
    Event(
        code="members.application_responded",
        category=MEMBERSHIP.code,
        title=_("{organization} answered your request for information"),
        body=_("Their answer: {response}"),
    )
)

# --- To the applicant organization -------------------------------------------------------------
APPLICATION_APPROVED = register_event(
    Event(
        code="members.application_approved",
        category=MEMBERSHIP.code,
        title=_("{organization} is now a member of the cluster"),
        body=_(
            "The secretariat has approved the membership application of {organization}. "
            "Welcome to the Mining Cluster of Southern Peru! {message}"
        ),
    )
)
APPLICATION_REJECTED = register_event(
    Event(
        code="members.application_rejected",
        category=MEMBERSHIP.code,
        title=_("Membership application of {organization} not approved"),
        body=_("The secretariat has not approved the application. Reason: {message}"),
    )
)
APPLICATION_INFO_REQUESTED = register_event(
    Event(
        code="members.application_info_requested",
        category=MEMBERSHIP.code,
        title=_("The secretariat needs more information about {organization}"),
        body=_("{message} Answer on your organization's page."),
    )
)
APPLICATION_EXPIRED = register_event(
    Event(
        code="members.application_expired",
        category=MEMBERSHIP.code,
        title=_("The membership application of {organization} has expired"),
        body=_(
            "The secretariat's request for information was not answered within {days} days, so "
            "the application was closed. An admin of the organization can apply again."
        ),
    )
)
ORGANIZATION_SUSPENDED = register_event(
    Event(
        code="members.organization_suspended",
        category=MEMBERSHIP.code,
        title=_("The membership of {organization} is suspended"),
        body=_(
            "Member-only features are closed until the secretariat reinstates the membership. "
            "Reason: {reason}"
        ),
    )
)
ORGANIZATION_REINSTATED = register_event(
    Event(
        code="members.organization_reinstated",
        category=MEMBERSHIP.code,
        title=_("The membership of {organization} is active again"),
        body=_("The secretariat has reinstated the membership. {reason}"),
    )
)
ORGANIZATION_LAPSED = register_event(
    Event(
        code="members.organization_lapsed",
        category=MEMBERSHIP.code,
        title=_("The membership of {organization} has ended"),
        body=_("Reason: {reason} An admin of the organization can apply again."),
    )
)

# --- Join requests and invitations -------------------------------------------------------------
JOIN_REQUEST_CREATED = register_event(
    Event(
        code="members.join_request_created",
        category=MEMBERSHIP.code,
        title=_("{person} asks to join {organization}"),
        body=_("{person} ({person_email}) asks to join your organization. {message}"),
    )
)
JOIN_REQUEST_APPROVED = register_event(
    Event(
        code="members.join_request_approved",
        category=MEMBERSHIP.code,
        title=_("You have joined {organization}"),
        body=_("An admin of {organization} has accepted your request."),
    )
)
JOIN_REQUEST_REJECTED = register_event(
    Event(
        code="members.join_request_rejected",
        category=MEMBERSHIP.code,
        title=_("Your request to join {organization} was declined"),
        body=_("An admin of {organization} has declined your request."),
    )
)
INVITATION = register_event(
    Event(
        code="members.invitation",
        category=MEMBERSHIP.code,
        title=_("{inviter} invites you to join {organization}"),
        body=_(
            "{inviter} invites you to join {organization} in the portal of the Mining Cluster of "
            "Southern Peru, with the role “{role}”. The link works once, for {days} days."
        ),
    )
)
INVITATION_ACCEPTED = register_event(
    Event(
        code="members.invitation_accepted",
        category=MEMBERSHIP.code,
        title=_("{person} has joined {organization}"),
        body=_("{person} ({person_email}) accepted your invitation."),
    )
)
