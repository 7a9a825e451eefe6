"""See members/urls/__init__.py: applying for membership, joining an organization, the team page and
invitation links. The secretariat's pages are in ``urls.staff`` (mounted under /staff/members/).
"""

from django.urls import path

from ..views import membership, team

urlpatterns = [
    # Applying and joining.
    path("apply/", membership.apply, name="membership_apply"),
    path("apply/organization/", membership.apply_new_organization, name="membership_apply_new"),
    path("apply/join/", membership.join, name="membership_join"),
    path(
        "join-requests/<int:join_request_id>/cancel/",
        membership.join_request_cancel,
        name="join_request_cancel",
    ),
    path(
        "organizations/<int:organization_id>/apply/",
        membership.apply_again,
        name="membership_apply_again",
    ),
    path(
        "organizations/<int:organization_id>/application/respond/",
        membership.application_respond,
        name="application_respond",
    ),
    path(
        "organizations/<int:organization_id>/application/withdraw/",
        membership.application_withdraw,
        name="application_withdraw",
    ),
    # My organization and its team.
    path("my-organization/", team.my_organization, name="my_organization"),
    path("organizations/<int:organization_id>/team/", team.team, name="team"),
    path(
        "organizations/<int:organization_id>/invitations/",
        team.invitation_create,
        name="invitation_create",
    ),
    path(
        "organizations/<int:organization_id>/invitations/<int:invitation_id>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organizations/<int:organization_id>/people/<int:member_id>/role/",
        team.member_change_role,
        name="member_change_role",
    ),
    path(
        "organizations/<int:organization_id>/people/<int:member_id>/remove/",
        team.member_remove,
        name="member_remove",
    ),
    path("organizations/<int:organization_id>/leave/", team.member_leave, name="member_leave"),
    path(
        "organizations/<int:organization_id>/join-requests/<int:join_request_id>/approve/",
        team.join_request_decide,
        {"decision": "approve"},
        name="join_request_approve",
    ),
    path(
        "organizations/<int:organization_id>/join-requests/<int:join_request_id>/reject/",
        team.join_request_decide,
        {"decision": "reject"},
        name="join_request_reject",
    ),
    # The link in an invitation email, then the invitation it opened (carried in the session).
    path("invitation/", team.invitation_pending, name="invitation_pending"),
    path(
        "invitations/<int:invitation_id>/accept/",
        team.invitation_respond,
        {"decision": "accept"},
        name="invitation_accept_mine",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        team.invitation_respond,
        {"decision": "decline"},
        name="invitation_decline_mine",
    ),
    path("invitations/<str:token>/", team.invitation_accept, name="invitation_accept"),
]
