"""My organization: membership status, the application, the team, invitations and join requests.

Every page reads the organization through ``selectors.team_get_for_user`` (404 for people
outside it; staff may look, read-only) and every action goes through a service that checks the
role again.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cluster_portal.core.forms import add_service_error, error_text
from notifications.permissions import can_manage_webhooks

from ..forms.membership import ApplicationResponseForm, MotivationForm
from ..forms.team import InvitationForm, RoleForm
from ..models import Invitation, Organization, OrganizationMember, User
from ..selectors import membership as selectors
from ..selectors.membership import TeamAccess
from ..services import membership as membership_services
from ..services import team as services
from ..workflows import APPLICATION
from .membership import AuthenticatedRequest

SUSPENDED_NO_NEW_PEOPLE = gettext_lazy(
    "While the membership is suspended, no one can be added to the organization."
)
NOT_MEMBER_NO_NEW_PEOPLE = gettext_lazy(
    "Only an active member of the cluster, or an organization that has applied, can add people."
)

#: HTTP status of the page explaining why an invitation link cannot be used.
INVITATION_ERROR_STATUS = {
    "invalid": 404,
    "revoked": 410,
    "used": 410,
    "expired": 410,
    "wrong_email": 403,
    "already_member": 409,
    "organization_closed": 403,
    "missing": 404,
}

#: The organization last opened on the team page, to come back to from "My organization".
CURRENT_ORGANIZATION_SESSION_KEY = "members_current_organization"


def _team_redirect(organization_id: int) -> HttpResponse:
    return redirect("members:team", organization_id=organization_id)


def _no_new_people_message(access: TeamAccess) -> str:
    """Why an admin cannot add people (``access.can_add_people`` is false)."""
    if access.organization.membership_status == Organization.MembershipStatus.SUSPENDED:
        return str(SUSPENDED_NO_NEW_PEOPLE)
    return str(NOT_MEMBER_NO_NEW_PEOPLE)


@login_required
@require_http_methods(["GET"])
def my_organization(request: AuthenticatedRequest) -> HttpResponse:
    """Send the person to their organization's page (the last one they opened, else the first);
    without an organization, to the page where they apply or ask to join."""
    memberships = list(selectors.memberships_of_user(user=request.user))
    if not memberships:
        invited = list(selectors.invitations_pending_for_user(user=request.user))
        if invited:
            messages.info(
                request,
                ngettext(
                    "You do not belong to an organization yet, but you have been invited to "
                    "one: accept or decline the invitation below.",
                    "You do not belong to an organization yet, but you have been invited to "
                    "%(count)d: accept or decline the invitations below.",
                    len(invited),
                )
                % {"count": len(invited)},
            )
        elif selectors.join_requests_pending_of_user(user=request.user).exists():
            messages.info(
                request,
                _(
                    "You do not belong to an organization yet: your request to join is "
                    "waiting for the organization's admins."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "You do not belong to an organization yet. Apply for membership for your "
                    "organization, or ask to join one that is already registered."
                ),
            )
        return redirect("members:membership_apply")
    ids = [m.organization_id for m in memberships]
    current = request.session.get(CURRENT_ORGANIZATION_SESSION_KEY)
    return _team_redirect(current if current in ids else ids[0])


def _render_team(
    request: AuthenticatedRequest,
    access: TeamAccess,
    *,
    invitation_form: InvitationForm | None = None,
) -> HttpResponse:
    organization = access.organization
    application = selectors.membership_application_latest(organization=organization)
    show_admin_lists = access.is_admin or access.is_staff
    members = list(selectors.team_members(organization=organization))
    context: dict[str, Any] = {
        "access": access,
        "organization": organization,
        "memberships": (
            list(selectors.memberships_of_user(user=request.user)) if access.membership else []
        ),
        "application": application,
        "members": members,
        "admin_count": sum(1 for m in members if m.role == OrganizationMember.Role.ADMIN),
        "invitations": (
            list(selectors.team_open_invitations(organization=organization))
            if show_admin_lists
            else []
        ),
        "join_requests": (
            list(selectors.team_pending_join_requests(organization=organization))
            if show_admin_lists
            else []
        ),
        # The person's own open invitations (to other organizations) and join requests.
        "pending_invitations": (
            list(selectors.invitations_pending_for_user(user=request.user))
            if access.membership
            else []
        ),
        "pending_join_requests": (
            list(selectors.join_requests_pending_of_user(user=request.user))
            if access.membership
            else []
        ),
        # Administrators of an organization with API access manage its webhooks (one query,
        # for administrators only).
        "can_manage_webhooks": bool(
            access.is_admin and can_manage_webhooks(request.user, organization)
        ),
        "invitation_form": invitation_form or InvitationForm(),
        "response_form": ApplicationResponseForm(),
        "motivation_form": MotivationForm(),
        "role_choices": OrganizationMember.Role.choices,
        "invitation_days": services.invitation_days(),
        "now": timezone.now(),
        # The lifecycle table says which answers the application's state allows; the page
        # already knows whether this person is an admin (the guard of both).
        "can_respond": bool(
            access.is_admin and application and APPLICATION.state_allows(application, "respond")
        ),
        "can_withdraw": bool(
            access.is_admin and application and APPLICATION.state_allows(application, "withdraw")
        ),
    }
    return render(request, "members/team/team.html", context)


@login_required
@require_http_methods(["GET"])
def team(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    access = selectors.team_get_for_user(user=request.user, organization_id=organization_id)
    if (
        access.membership is not None
        and request.session.get(CURRENT_ORGANIZATION_SESSION_KEY) != organization_id
    ):
        # Only when it changes: assigning the same value would still write the session.
        request.session[CURRENT_ORGANIZATION_SESSION_KEY] = organization_id
    return _render_team(request, access)


@login_required
@require_POST
def invitation_create(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    if not access.can_add_people:
        messages.error(request, _no_new_people_message(access))
        return _team_redirect(organization_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            issued = services.invitation_create(
                actor=request.user,
                organization=access.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. The link works for %(days)d days.")
                % {"email": issued.invitation.email, "days": services.invitation_days()},
            )
            return _team_redirect(organization_id)
    return _render_team(request, access, invitation_form=form)


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedRequest, organization_id: int, invitation_id: int
) -> HttpResponse:
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    invitation = selectors.team_invitation_get(access=access, invitation_id=invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been revoked.") % {"email": invitation.email},
        )
    return _team_redirect(organization_id)


@login_required
@require_POST
def member_change_role(
    request: AuthenticatedRequest, organization_id: int, member_id: int
) -> HttpResponse:
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    member = selectors.team_member_get(access=access, member_id=member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return _team_redirect(organization_id)
    try:
        member = services.member_change_role(
            actor=request.user, member=member, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.")
            % {"person": member.user, "role": member.get_role_display().lower()},
        )
    return _team_redirect(organization_id)


@login_required
@require_POST
def member_remove(
    request: AuthenticatedRequest, organization_id: int, member_id: int
) -> HttpResponse:
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    member = selectors.team_member_get(access=access, member_id=member_id)
    if member.user_id == request.user.pk:
        messages.error(request, _("To leave the organization yourself, use “Leave”."))
        return _team_redirect(organization_id)
    try:
        services.member_remove(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(person)s has been removed from the organization.") % {"person": member.user},
        )
    return _team_redirect(organization_id)


@login_required
@require_POST
def member_leave(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    access = selectors.team_get_for_user(user=request.user, organization_id=organization_id)
    if access.membership is None:
        # Staff looking at a team they do not belong to.
        messages.error(request, _("You do not belong to this organization."))
        return _team_redirect(organization_id)
    try:
        services.member_leave(actor=request.user, organization=access.organization)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _team_redirect(organization_id)
    request.session.pop(CURRENT_ORGANIZATION_SESSION_KEY, None)
    messages.success(
        request,
        _("You have left %(organization)s.") % {"organization": access.organization.display_name},
    )
    return redirect("members:my_organization")


@login_required
@require_POST
def join_request_decide(
    request: AuthenticatedRequest, organization_id: int, join_request_id: int, decision: str
) -> HttpResponse:
    access = selectors.team_get_for_admin(user=request.user, organization_id=organization_id)
    join_request = selectors.team_join_request_get(access=access, join_request_id=join_request_id)
    if decision == "approve" and not access.can_add_people:
        messages.error(request, _no_new_people_message(access))
        return _team_redirect(organization_id)
    service = (
        membership_services.join_request_approve
        if decision == "approve"
        else membership_services.join_request_reject
    )
    try:
        service(actor=request.user, join_request=join_request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if decision == "approve":
            text = _("%(person)s has joined the organization.")
        else:
            text = _("The request of %(person)s has been declined.")
        messages.success(request, text % {"person": join_request.user})
    return _team_redirect(organization_id)


def _invitation_error(
    request: HttpRequest, error: services.InvitationError, invitation: Invitation | None
) -> HttpResponse:
    """The page that says why an invitation cannot be used (nothing changed)."""
    return render(
        request,
        "members/team/invitation_invalid.html",
        {"error": error_text(error), "code": error.code, "invitation": invitation},
        status=INVITATION_ERROR_STATUS.get(error.code or "", 400),
    )


def _welcome(request: HttpRequest, member: OrganizationMember, invitation: Invitation) -> None:
    """Say what the person accepted: which organization, with which role, invited by whom."""
    organization = member.organization
    request.session[CURRENT_ORGANIZATION_SESSION_KEY] = organization.pk
    if invitation.invited_by is not None:
        text = _(
            "Welcome to %(organization)s! You have accepted the invitation of %(inviter)s and "
            "joined the organization as %(role)s."
        )
    else:
        text = _(
            "Welcome to %(organization)s! You have accepted the invitation and joined the "
            "organization as %(role)s."
        )
    messages.success(
        request,
        text
        % {
            "organization": organization.display_name,
            "inviter": invitation.invited_by,
            "role": member.get_role_display().lower(),
        },
    )


def accept_carried_invitation(request: HttpRequest, user: User) -> HttpResponse | None:
    """Right after sign-up or login: accept the invitation carried in the session.

    The person opened the link, read who invites them where, and chose to create an account
    or log in *to join* (the page and the sign-up/login banner say so), so asking a second
    time would only add a click; the welcome message on the team page says what they
    accepted, and "Leave" is there. Returns the team page on success; the invitation page
    (which explains, e.g. another address) when it cannot be accepted; None without one.
    """
    invitation = selectors.invitation_in_session(session=request.session)
    if invitation is None:
        return None
    try:
        member = services.invitation_accept(actor=user, invitation=invitation)
    except services.InvitationError:
        return redirect("members:invitation_pending")
    services.invitation_forget(session=request.session)
    _welcome(request, member, invitation)
    return _team_redirect(member.organization_id)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email.

    GET: a link that works is carried in the session and the person is sent on to
    :func:`invitation_pending` (the token leaves the address bar, the history and any Referer
    after this first request); a link that does not work (unknown, withdrawn, used, expired, an
    organization that takes in nobody) shows a page that says so, to anyone.
    POST (logged in): accept directly, as before the session carried invitations.
    """
    found = services.invitation_find(token)
    try:
        invitation = services.invitation_check_link(invitation=found)
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = cast(User, request.user)
            member = services.invitation_accept(actor=user, token=token)
    except services.InvitationError as error:
        return _invitation_error(request, error, found)
    if request.method == "POST":
        services.invitation_forget(session=request.session)
        _welcome(request, member, invitation)
        return _team_redirect(member.organization_id)
    services.invitation_carry(session=request.session, invitation=invitation)
    return redirect("members:invitation_pending")


@require_http_methods(["GET", "POST"])
def invitation_pending(request: HttpRequest) -> HttpResponse:
    """The invitation opened in this browser (carried in the session), without the token.

    Visitors see who invites them to which organization, with two choices: create an account
    (the invited address pre-filled and trusted) or log in; either brings them back accepted.
    Logged-in people see the same with "Accept" and "Decline" (POST ``action``), or why they
    cannot accept it (another address, already in the organization). "Not now" forgets it.
    """
    invitation = selectors.invitation_in_session(session=request.session)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "dismiss":
        services.invitation_forget(session=request.session)
        return redirect("home")
    if invitation is None:
        return render(
            request,
            "members/team/invitation_invalid.html",
            {
                "error": _(
                    "No invitation is open in this browser. Open the link in the invitation "
                    "email again."
                ),
                "code": "missing",
                "invitation": None,
            },
            status=404,
        )
    user = cast(User, request.user) if request.user.is_authenticated else None
    try:
        if user is None:
            services.invitation_check_link(invitation=invitation)
        elif action == "decline":
            services.invitation_decline(actor=user, invitation=invitation)
            services.invitation_forget(session=request.session)
            messages.success(
                request,
                _("You have declined the invitation to join %(organization)s.")
                % {"organization": invitation.organization.display_name},
            )
            return redirect("members:my_organization")
        elif request.method == "POST":
            member = services.invitation_accept(actor=user, invitation=invitation)
            services.invitation_forget(session=request.session)
            _welcome(request, member, invitation)
            return _team_redirect(member.organization_id)
        else:
            services.invitation_check_usable(invitation=invitation, user=user)
    except services.InvitationError as error:
        if error.code != "wrong_email":
            # Another account may still use it (log out, log in as the invitee); anything else
            # will not work in this browser any more.
            services.invitation_forget(session=request.session)
        return _invitation_error(request, error, invitation)
    if request.method == "POST":  # a visitor posting: nothing to do but log in first
        return redirect_to_login(reverse("members:invitation_pending"))
    pending_url = reverse("members:invitation_pending")
    context = {
        "invitation": invitation,
        "signup_url": (
            f"{reverse('account_signup')}?"
            f"{urlencode({'email': invitation.email, 'next': pending_url})}"
        ),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': pending_url})}",
    }
    return render(request, "members/team/invitation_accept.html", context)


@login_required
@require_POST
def invitation_respond(
    request: AuthenticatedRequest, invitation_id: int, decision: str
) -> HttpResponse:
    """Accept or decline an invitation from "My organization" (sent to one of the person's
    verified addresses; anybody else's is a 404)."""
    invitation = selectors.invitation_get_for_invitee(
        user=request.user, invitation_id=invitation_id
    )
    try:
        if decision == "accept":
            member = services.invitation_accept(actor=request.user, invitation=invitation)
        else:
            services.invitation_decline(actor=request.user, invitation=invitation)
    except services.InvitationError as error:
        messages.error(request, error_text(error))
        return redirect("members:my_organization")
    if decision == "accept":
        _welcome(request, member, invitation)
        return _team_redirect(member.organization_id)
    messages.success(
        request,
        _("You have declined the invitation to join %(organization)s.")
        % {"organization": invitation.organization.display_name},
    )
    return redirect("members:my_organization")
