"""Membership services: applications and the secretariat's decisions, suspension, reinstatement,
lapse and join requests. Refused transitions raise a clear error and change nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cluster_portal.core.roles import ADMINISTRATOR
from members.models import JoinRequest, MembershipApplication, Organization, OrganizationMember
from members.services import membership as services
from notifications.models import Notification, OutboxEmail
from tests.members.factories import (
    JoinRequestFactory,
    MembershipApplicationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    UserFactory,
    make_ruc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service errors are asserted in English (the default language is Spanish)."""
    with translation.override("en"):
        yield


Status = MembershipApplication.Status
OrgStatus = Organization.MembershipStatus
VALID_RUC = make_ruc(55_000_001)
WRONG_CHECK_DIGIT = VALID_RUC[:-1] + str((int(VALID_RUC[-1]) + 1) % 10)


def organization_data(**overrides: object) -> dict[str, object]:
    data = {
        "legal_name": "Servicios Mineros del Misti S.A.C.",
        "trade_name": "Misti Servicios",
        "ruc": VALID_RUC,
        "kind": Organization.Kind.METS_SUPPLIER,
        "mining_scale": "",
        "government_level": "",
        "region": "arequipa",
        "city": "Arequipa",
        "website": "https://misti.example.pe",
    }
    data.update(overrides)
    return data


def decisions(target: object) -> list[str]:
    return [
        entry.additional_data["decision"]
        for entry in LogEntry.objects.get_for_object(target).order_by("pk")
        if entry.additional_data and "decision" in entry.additional_data
    ]


def snapshot() -> tuple:
    """Everything the membership services may change, to prove a refusal changed nothing."""
    return (
        tuple(Organization.objects.order_by("pk").values_list("pk", "membership_status")),
        tuple(
            MembershipApplication.objects.order_by("pk").values_list(
                "pk", "status", "decision_message", "applicant_response"
            )
        ),
        tuple(OrganizationMember.objects.order_by("pk").values_list("pk", "role")),
        tuple(JoinRequest.objects.order_by("pk").values_list("pk", "status")),
        Notification.objects.count(),
    )


@pytest.fixture
def application() -> MembershipApplication:
    return MembershipApplicationFactory()


# --- Submitting ---------------------------------------------------------------------------------


def test_submit_creates_applicant_organization_admin_and_application(staff_user) -> None:
    person = UserFactory()
    application = services.membership_application_submit(
        actor=person, organization_data=organization_data(), motivation="Innovación abierta."
    )
    organization = application.organization
    assert organization.membership_status == OrgStatus.APPLICANT
    assert organization.created_by == person
    assert organization.member_since is None
    assert application.status == Status.SUBMITTED
    assert application.applicant == person
    member = OrganizationMember.objects.get(organization=organization)
    assert (member.user, member.role) == (person, OrganizationMember.Role.ADMIN)
    # The secretariat is told, in-app and by email.
    notification = Notification.objects.get(recipient=staff_user)
    assert notification.event == "members.application_submitted"
    assert "Misti Servicios" in notification.title
    assert notification.url == f"/staff/members/applications/{application.pk}/"
    assert OutboxEmail.objects.filter(recipient=staff_user).count() == 1
    assert decisions(application) == ["membership_application.submit"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ruc": "2010000000"}, "ruc"),  # ten digits
        ({"ruc": "30123456786"}, "ruc"),  # unknown prefix
        ({"ruc": WRONG_CHECK_DIGIT}, "ruc"),
        ({"kind": Organization.Kind.MINING_COMPANY}, "mining_scale"),
        ({"legal_name": ""}, "legal_name"),
    ],
)
def test_submit_with_invalid_organization_changes_nothing(overrides, field) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_submit(
            actor=UserFactory(), organization_data=organization_data(**overrides), motivation="x"
        )
    assert field in excinfo.value.message_dict
    assert snapshot() == before


def test_submit_with_duplicate_ruc_changes_nothing() -> None:
    existing = OrganizationFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_submit(
            actor=UserFactory(),
            organization_data=organization_data(ruc=existing.ruc),
            motivation="Queremos unirnos.",
        )
    assert excinfo.value.message_dict["ruc"] == [
        "An organization with this RUC is already registered. If you work there, ask to join it "
        "instead."
    ]
    assert snapshot() == before


def released_organization(**kwargs: object) -> Organization:
    """An organization registered by someone whose application the secretariat rejected."""
    application = MembershipApplicationFactory(
        organization__ruc=VALID_RUC, organization__member_since=None, **kwargs
    )
    services.membership_application_reject(
        actor=UserFactory(roles=[ADMINISTRATOR]), application=application, reason="No."
    )
    organization = application.organization
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.NONE
    assert not organization.memberships.exists()
    return organization


def test_submit_with_the_ruc_of_an_organization_nobody_controls_takes_it_over(
    staff_user,
) -> None:
    organization = released_organization(organization__legal_name="Usurpada S.A.C.")
    earlier = MembershipApplication.objects.get(organization=organization)
    claimant = UserFactory()
    application = services.membership_application_submit(
        actor=claimant, organization_data=organization_data(), motivation="Somos los dueños."
    )
    assert application.organization_id == organization.pk
    assert application.applicant == claimant
    assert application.status == Status.SUBMITTED
    organization.refresh_from_db()
    assert organization.legal_name == "Servicios Mineros del Misti S.A.C."
    assert organization.trade_name == "Misti Servicios"
    assert organization.membership_status == OrgStatus.APPLICANT
    assert Organization.objects.filter(ruc=VALID_RUC).count() == 1
    member = OrganizationMember.objects.get(organization=organization)
    assert (member.user, member.role) == (claimant, OrganizationMember.Role.ADMIN)
    earlier.refresh_from_db()
    assert earlier.status == Status.REJECTED  # the history stays
    assert "organization.claim" in decisions(organization)
    assert Notification.objects.filter(
        recipient=staff_user, event="members.application_submitted"
    ).exists()


@pytest.mark.parametrize(
    "make",
    [
        # Someone controls it: never a member, but it has people.
        lambda: (
            OrganizationMemberFactory(
                organization__ruc=VALID_RUC,
                organization__membership_status=OrgStatus.NONE,
                organization__member_since=None,
            ).organization
        ),
        # A former member with nobody in it stays the secretariat's business.
        lambda: OrganizationFactory(ruc=VALID_RUC, membership_status=OrgStatus.LAPSED),
        lambda: OrganizationFactory(ruc=VALID_RUC),
        lambda: MembershipApplicationFactory(organization__ruc=VALID_RUC).organization,
    ],
)
def test_submit_cannot_take_over_an_organization_in_use(make) -> None:
    organization = make()
    before = snapshot()
    names = (organization.legal_name, organization.trade_name)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_submit(
            actor=UserFactory(), organization_data=organization_data(), motivation="Nuestra."
        )
    assert [error.code for error in excinfo.value.error_dict["ruc"]] == ["unique"]
    assert snapshot() == before
    organization.refresh_from_db()
    assert (organization.legal_name, organization.trade_name) == names


def test_takeover_refused_for_another_reason_changes_nothing() -> None:
    organization = released_organization()
    before = snapshot()
    with pytest.raises(ValidationError):
        services.membership_application_submit(
            actor=UserFactory(),
            organization_data=organization_data(legal_name="Nueva S.A.C."),
            motivation="  ",
        )
    with pytest.raises(ValidationError):
        services.membership_application_submit(
            actor=UserFactory(),
            organization_data=organization_data(kind=Organization.Kind.MINING_COMPANY),
            motivation="Sí.",
        )
    assert snapshot() == before
    organization.refresh_from_db()
    assert organization.legal_name != "Nueva S.A.C."


def test_submit_needs_a_motivation_and_changes_nothing() -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_submit(
            actor=UserFactory(), organization_data=organization_data(), motivation="   "
        )
    assert "motivation" in excinfo.value.message_dict
    assert snapshot() == before


def test_resubmit_after_lapse_and_only_by_an_admin() -> None:
    organization = OrganizationFactory(membership_status=OrgStatus.LAPSED)
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    member = OrganizationMemberFactory(organization=organization).user
    with pytest.raises(PermissionDenied):
        services.membership_application_resubmit(
            actor=member, organization=organization, motivation="Volvemos."
        )
    application = services.membership_application_resubmit(
        actor=admin, organization=organization, motivation="Volvemos."
    )
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.APPLICANT
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.APPLICANT])
def test_resubmit_refused_unless_none_or_lapsed(status) -> None:
    organization = OrganizationFactory(membership_status=status)
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:  # the admin is told why (the lifecycle)
        services.membership_application_resubmit(
            actor=admin, organization=organization, motivation="Otra vez."
        )
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


# --- The secretariat's decisions -----------------------------------------------------------------


def test_approve_makes_an_active_member_from_today(application, staff_user) -> None:
    colleague = OrganizationMemberFactory(organization=application.organization).user
    services.membership_application_approve(
        actor=staff_user, application=application, message="¡Bienvenidos!"
    )
    application.refresh_from_db()
    organization = application.organization
    organization.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_by == staff_user
    assert application.decided_at is not None
    assert organization.membership_status == OrgStatus.ACTIVE
    assert organization.member_since == timezone.localdate()
    # Everybody in the organization hears about it.
    recipients = set(
        Notification.objects.filter(event="members.application_approved").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {application.applicant.pk, colleague.pk}
    assert decisions(application)[-1] == "membership_application.approve"


def test_only_staff_decide(application) -> None:
    admin = application.applicant
    before = snapshot()
    for service, kwargs in [
        (services.membership_application_approve, {}),
        (services.membership_application_reject, {"reason": "No."}),
        (services.membership_application_request_info, {"message": "¿?"}),
    ]:
        with pytest.raises(PermissionDenied):
            service(actor=admin, application=application, **kwargs)
    assert snapshot() == before


def test_reject_needs_a_reason_and_tells_the_applicant(application, staff_user) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_reject(
            actor=staff_user, application=application, reason=" "
        )
    assert "reason" in excinfo.value.message_dict
    assert snapshot() == before

    services.membership_application_reject(
        actor=staff_user, application=application, reason="No opera en el sur del Perú."
    )
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.decision_message == "No opera en el sur del Perú."
    # Never a member before: back to "not a member".
    assert application.organization.membership_status == OrgStatus.NONE
    notification = Notification.objects.get(recipient=application.applicant)
    assert notification.event == "members.application_rejected"
    assert "No opera en el sur del Perú." in notification.body
    entry = LogEntry.objects.get_for_object(application).latest("pk")
    assert entry.additional_data == {
        "decision": "membership_application.reject",
        "reason": "No opera en el sur del Perú.",
    }


def test_rejecting_a_former_members_application_leaves_it_lapsed(staff_user) -> None:
    application = MembershipApplicationFactory(
        organization__membership_status=OrgStatus.APPLICANT,
        organization__member_since=datetime.date(2022, 3, 1),
    )
    colleague = OrganizationMemberFactory(organization=application.organization)
    services.membership_application_reject(actor=staff_user, application=application, reason="No.")
    application.organization.refresh_from_db()
    assert application.organization.membership_status == OrgStatus.LAPSED
    # A former member keeps its people.
    assert set(application.organization.memberships.values_list("user", flat=True)) == {
        application.applicant.pk,
        colleague.user.pk,
    }


def test_rejecting_a_new_organization_releases_it(application, staff_user) -> None:
    """Whoever registered an organization the secretariat turned down does not keep it: its
    people leave, its invitations stop working and pending join requests are declined."""
    from members.models import Invitation
    from tests.members.factories import InvitationFactory

    organization = application.organization
    applicant = application.applicant
    colleague = OrganizationMemberFactory(organization=organization).user
    invitation = InvitationFactory(organization=organization, invited_by=applicant)
    join_request = JoinRequestFactory(organization=organization)
    services.membership_application_reject(
        actor=staff_user, application=application, reason="No es su empresa."
    )
    organization.refresh_from_db()
    application.refresh_from_db()
    assert organization.membership_status == OrgStatus.NONE
    assert not OrganizationMember.objects.filter(organization=organization).exists()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REJECTED
    assert join_request.decided_by == staff_user
    # The application stays as history; the applicant is told where to go next.
    assert application.status == Status.REJECTED
    assert application.decision_message == "No es su empresa."
    notification = Notification.objects.get(
        recipient=applicant, event="members.application_rejected"
    )
    assert notification.url == "/members/apply/"
    assert "No es su empresa." in notification.body
    assert not Notification.objects.filter(
        recipient=colleague, event="members.application_rejected"
    ).exists()
    assert decisions(organization) == ["organization.release"]


def test_request_info_then_respond_then_approve(application, staff_user) -> None:
    with pytest.raises(ValidationError):
        services.membership_application_request_info(
            actor=staff_user, application=application, message=""
        )
    services.membership_application_request_info(
        actor=staff_user, application=application, message="Envíen su ficha RUC."
    )
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert application.decision_message == "Envíen su ficha RUC."
    assert Notification.objects.filter(
        recipient=application.applicant, event="members.application_info_requested"
    ).exists()

    # Asking twice before an answer is refused.
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_request_info(
            actor=staff_user, application=application, message="¿Y?"
        )
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before

    # Only the organization's admins answer.
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.membership_application_respond(
            actor=outsider, application=application, response="Aquí está."
        )
    with pytest.raises(ValidationError):
        services.membership_application_respond(
            actor=application.applicant, application=application, response=""
        )
    services.membership_application_respond(
        actor=application.applicant, application=application, response="Adjuntamos la ficha."
    )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.applicant_response == "Adjuntamos la ficha."
    assert Notification.objects.filter(
        recipient=staff_user, event="members.application_responded"
    ).exists()

    services.membership_application_approve(actor=staff_user, application=application)
    application.organization.refresh_from_db()
    assert application.organization.membership_status == OrgStatus.ACTIVE
    assert decisions(application) == [
        "membership_application.request_info",
        "membership_application.respond",
        "membership_application.approve",
    ]
    # Every placeholder of every message was filled.
    for title, body in Notification.objects.values_list("title", "body"):
        assert "{" not in title + body


def test_respond_only_when_information_was_requested(application) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.membership_application_respond(
            actor=application.applicant, application=application, response="Hola."
        )
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize("final", [Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
def test_a_closed_application_accepts_no_more_decisions(final, staff_user) -> None:
    application = MembershipApplicationFactory(status=final)
    before = snapshot()
    for service, kwargs in [
        (services.membership_application_approve, {}),
        (services.membership_application_reject, {"reason": "No."}),
        (services.membership_application_request_info, {"message": "¿?"}),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            service(actor=staff_user, application=application, **kwargs)
        assert excinfo.value.code == "invalid_transition"
        assert "can no longer be changed" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        services.membership_application_withdraw(
            actor=application.applicant, application=application
        )
    assert snapshot() == before


def test_withdraw_by_an_admin(application) -> None:
    member = OrganizationMemberFactory(organization=application.organization).user
    with pytest.raises(PermissionDenied):
        services.membership_application_withdraw(actor=member, application=application)
    services.membership_application_withdraw(actor=application.applicant, application=application)
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.organization.membership_status == OrgStatus.NONE


# --- Suspension, reinstatement, lapse -----------------------------------------------------------


def test_suspend_and_reinstate(staff_user) -> None:
    organization = OrganizationFactory()
    person = OrganizationMemberFactory(organization=organization).user
    since = organization.member_since
    with pytest.raises(ValidationError):
        services.organization_suspend(actor=staff_user, organization=organization, reason="")
    services.organization_suspend(
        actor=staff_user, organization=organization, reason="Cuotas impagas."
    )
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.SUSPENDED
    assert organization.membership_status_reason == "Cuotas impagas."
    assert Notification.objects.filter(
        recipient=person, event="members.organization_suspended"
    ).exists()
    services.organization_reinstate(actor=staff_user, organization=organization)
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.ACTIVE
    assert organization.member_since == since
    assert decisions(organization) == ["organization.suspend", "organization.reinstate"]


@pytest.mark.parametrize("service", [services.organization_suspend, services.organization_lapse])
def test_suspension_and_lapse_revoke_open_invitations(service, staff_user) -> None:
    from members.models import Invitation
    from tests.members.factories import InvitationFactory

    organization = OrganizationFactory()
    open_invitation = InvitationFactory(organization=organization)
    accepted = InvitationFactory(organization=organization, accepted_at=timezone.now())
    elsewhere = InvitationFactory()
    service(actor=staff_user, organization=organization, reason="Cuotas impagas.")
    assert Invitation.objects.get(pk=open_invitation.pk).revoked_at is not None
    assert Invitation.objects.get(pk=accepted.pk).revoked_at is None
    assert Invitation.objects.get(pk=elsewhere.pk).revoked_at is None


def test_lapse_and_apply_again(staff_user) -> None:
    organization = OrganizationFactory()
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    services.organization_lapse(
        actor=staff_user, organization=organization, reason="No renovó su membresía."
    )
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.LAPSED
    services.membership_application_resubmit(
        actor=admin, organization=organization, motivation="Queremos volver."
    )
    organization.refresh_from_db()
    assert organization.membership_status == OrgStatus.APPLICANT


@pytest.mark.parametrize(
    ("status", "service", "reason"),
    [
        (OrgStatus.APPLICANT, services.organization_suspend, "x"),
        (OrgStatus.NONE, services.organization_suspend, "x"),
        (OrgStatus.SUSPENDED, services.organization_suspend, "x"),
        (OrgStatus.ACTIVE, services.organization_reinstate, ""),
        (OrgStatus.APPLICANT, services.organization_reinstate, ""),
        (OrgStatus.LAPSED, services.organization_lapse, "x"),
        (OrgStatus.APPLICANT, services.organization_lapse, "x"),
    ],
)
def test_invalid_status_changes_are_refused(status, service, reason, staff_user) -> None:
    organization = OrganizationFactory(membership_status=status)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        service(actor=staff_user, organization=organization, reason=reason)
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


def test_status_changes_are_for_staff_only() -> None:
    organization = OrganizationFactory()
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    with pytest.raises(PermissionDenied):
        services.organization_suspend(actor=admin, organization=organization, reason="x")


# --- Join requests -----------------------------------------------------------------------------


@pytest.fixture
def organization_with_admin() -> tuple[Organization, object]:
    organization = OrganizationFactory()
    admin = OrganizationMemberFactory(
        organization=organization, role=OrganizationMember.Role.ADMIN
    ).user
    return organization, admin


def test_join_request_approved_by_an_admin(organization_with_admin) -> None:
    organization, admin = organization_with_admin
    person = UserFactory()
    join_request = services.join_request_create(
        actor=person, organization=organization, message="Soy jefa de planta."
    )
    assert Notification.objects.get(recipient=admin).event == "members.join_request_created"
    services.join_request_approve(actor=admin, join_request=join_request)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == admin
    member = OrganizationMember.objects.get(organization=organization, user=person)
    assert member.role == OrganizationMember.Role.MEMBER
    assert Notification.objects.get(recipient=person).event == "members.join_request_approved"


def test_join_request_rejected_and_cancelled(organization_with_admin) -> None:
    organization, admin = organization_with_admin
    first = JoinRequestFactory(organization=organization)
    services.join_request_reject(actor=admin, join_request=first)
    first.refresh_from_db()
    assert first.status == JoinRequest.Status.REJECTED
    assert not OrganizationMember.objects.filter(user=first.user).exists()
    assert Notification.objects.get(recipient=first.user).event == "members.join_request_rejected"

    second = JoinRequestFactory(organization=organization)
    with pytest.raises(PermissionDenied):
        services.join_request_cancel(actor=first.user, join_request=second)
    services.join_request_cancel(actor=second.user, join_request=second)
    second.refresh_from_db()
    assert second.status == JoinRequest.Status.CANCELLED
    # A decided request cannot be decided again.
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.join_request_approve(actor=admin, join_request=second)
    assert excinfo.value.code == "invalid_transition"
    assert snapshot() == before


def test_join_request_refusals(organization_with_admin) -> None:
    organization, admin = organization_with_admin
    person = UserFactory()
    services.join_request_create(actor=person, organization=organization)
    orphan = OrganizationFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.join_request_create(actor=person, organization=organization)
    assert excinfo.value.code == "duplicate"
    with pytest.raises(ValidationError) as excinfo:
        services.join_request_create(actor=admin, organization=organization)
    assert excinfo.value.code == "already_member"
    with pytest.raises(ValidationError) as excinfo:
        services.join_request_create(actor=person, organization=orphan)
    assert excinfo.value.code == "no_admin"
    # The person may not be allowed to see it: the organization is not named.
    assert orphan.display_name not in excinfo.value.messages[0]
    assert orphan.legal_name not in excinfo.value.messages[0]
    assert snapshot() == before


def test_only_admins_of_a_non_suspended_organization_accept_people(
    organization_with_admin,
) -> None:
    organization, admin = organization_with_admin
    plain_member = OrganizationMemberFactory(organization=organization).user
    join_request = JoinRequestFactory(organization=organization)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.join_request_approve(actor=plain_member, join_request=join_request)
    with pytest.raises(PermissionDenied):
        services.join_request_reject(actor=plain_member, join_request=join_request)
    Organization.objects.filter(pk=organization.pk).update(membership_status=OrgStatus.SUSPENDED)
    with pytest.raises(PermissionDenied):
        services.join_request_approve(actor=admin, join_request=join_request)
    assert snapshot()[2:] == before[2:]


# --- Notification events -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_membership_event_renders_its_email(language) -> None:
    from notifications.events import all_events, format_text, get_category
    from notifications.services import render_email

    context = {
        "organization": "Andes Tech",
        "organization_id": 1,
        "message": "Mensaje.",
        "reason": "Motivo.",
        "response": "Respuesta.",
        "person": "Rosa Mamani",
        "person_email": "rosa@example.pe",
        "inviter": "Jorge Huamán",
        "role": "Member",
        "days": 7,
        "invited_email": "rosa@example.pe",
        "url": "http://testserver/members/",
    }
    events = [e for e in all_events() if e.code.startswith("members.")]
    assert len(events) == 14
    for event in events:
        title = format_text(event.title, context)
        assert "{" not in title, event.code
        assert "{" not in format_text(event.body, context), event.code
        rendered = render_email(
            template_prefix=f"notifications/email/{event.code}",
            language=language,
            context={**context, "title": title, "body": format_text(event.body, context)},
            category=get_category(event.category),
            user=UserFactory(),
        )
        assert rendered["subject"] == title
        assert "http://testserver/members/" in rendered["body_text"]
        assert "http://testserver/members/" in rendered["body_html"]
