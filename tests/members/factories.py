"""factory_boy factories for people, organizations, memberships and governance."""

from __future__ import annotations

import datetime
import hashlib
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.utils import timezone

from members.models import (
    Capability,
    GoverningBody,
    Invitation,
    JoinRequest,
    MembershipApplication,
    Organization,
    OrganizationMember,
    Seat,
    User,
)
from members.validators import ruc_check_digit

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.pe")
    full_name = factory.Faker("name", locale="es_ES")
    language = "es"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Users are created with a verified primary address unless ``verified_email=False``."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """``UserFactory(totp=True)`` activates an authenticator app (allauth's own API).

        The secret is kept on the instance as ``totp_secret``; ``totp_code(user.totp_secret)``
        gives the current six-digit code. Staff areas require it (core.middleware).
        """
        if create and extracted:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """``UserFactory(roles=["membership_officer"])`` gives staff roles
        (``cluster_portal.core.roles``) and makes the account staff (roles count only for
        staff); ``roles__staff=False`` keeps it out of the staff to test that rule."""
        if not (create and extracted):
            return
        from django.contrib.auth.models import Group

        from cluster_portal.core.roles import ROLES, sync_staff_roles

        unknown = set(extracted) - set(ROLES)
        if unknown:
            raise ValueError(f"Unknown staff roles: {sorted(unknown)}")
        if Group.objects.filter(name__in=extracted).count() < len(set(extracted)):
            sync_staff_roles()  # a TransactionTestCase flush emptied the groups table
        if kwargs.get("staff", True) and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
        self.groups.add(*Group.objects.filter(name__in=extracted))


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now for ``secret`` (RFC 6238, via allauth).

    Close to the end of a period it waits for the next one, so that the code is still valid
    when the server checks it a moment later.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(period - time.time() % period + 0.1)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def make_ruc(n: int, prefix: str = "20") -> str:
    """A valid RUC (SUNAT check digit) that is unique for each ``n``."""
    first_ten = f"{prefix}{n:08d}"
    return first_ten + str(ruc_check_digit(first_ten))


class CapabilityFactory(factory.django.DjangoModelFactory):
    """Capabilities are seeded by a data migration; the factory reuses a term with the same code."""

    class Meta:
        model = Capability
        django_get_or_create = ("dimension", "slug")

    dimension = Capability.Dimension.SERVICE_AREA
    slug = factory.Sequence(lambda n: f"capability-{n}")
    name_es = factory.LazyAttribute(lambda o: f"Capacidad {o.slug}")
    name_en = factory.LazyAttribute(lambda o: f"Capability {o.slug}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A public, active member METS supplier in Arequipa unless told otherwise.

    ``OrganizationFactory(kind="mining")`` fills ``mining_scale``; ``kind="government"`` fills
    ``government_level`` so that the instance passes ``full_clean()``.
    """

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Organización Demo {n} S.A.C.")
    trade_name = factory.Sequence(lambda n: f"Demo {n}")
    ruc = factory.Sequence(lambda n: make_ruc(10_000_000 + n))
    kind = Organization.Kind.METS_SUPPLIER
    mining_scale = factory.LazyAttribute(
        lambda o: (
            Organization.MiningScale.MEDIUM if o.kind == Organization.Kind.MINING_COMPANY else ""
        )
    )
    government_level = factory.LazyAttribute(
        lambda o: (
            Organization.GovernmentLevel.REGIONAL if o.kind == Organization.Kind.GOVERNMENT else ""
        )
    )
    region = "arequipa"
    city = "Arequipa"
    description = "Servicios para la minería del sur."
    is_public = True
    membership_status = Organization.MembershipStatus.ACTIVE
    member_since = factory.LazyAttribute(
        lambda o: (
            datetime.date(2024, 1, 15)
            if o.membership_status == Organization.MembershipStatus.ACTIVE
            else None
        )
    )

    @factory.post_generation
    def capabilities(self, create: bool, extracted: list[Capability] | None, **kwargs: object):
        if create and extracted:
            self.capabilities.set(extracted)


class OrganizationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMember

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationMember.Role.MEMBER


class GoverningBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoverningBody

    kind = GoverningBody.Kind.WORKING_GROUP
    name = factory.Sequence(lambda n: f"Mesa técnica {n}")
    slug = factory.Sequence(lambda n: f"mesa-tecnica-{n}")
    description = "Coordina el trabajo de los miembros."
    is_public = True


class SeatFactory(factory.django.DjangoModelFactory):
    """A seat held by a member of an active member organization (the membership is created)."""

    class Meta:
        model = Seat
        skip_postgeneration_save = True

    body = factory.SubFactory(GoverningBodyFactory)
    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(UserFactory)
    role = Seat.Role.MEMBER

    @factory.post_generation
    def ensure_membership(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            OrganizationMember.objects.get_or_create(
                organization=self.organization, user=self.person
            )


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application of an applicant organization (its applicant is its admin)."""

    class Meta:
        model = MembershipApplication
        skip_postgeneration_save = True

    organization = factory.SubFactory(
        OrganizationFactory, membership_status=Organization.MembershipStatus.APPLICANT
    )
    applicant = factory.SubFactory(UserFactory)
    motivation = "Queremos participar en los retos de innovación abierta."

    @factory.post_generation
    def applicant_is_admin(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            OrganizationMember.objects.get_or_create(
                organization=self.organization,
                user=self.applicant,
                defaults={"role": OrganizationMember.Role.ADMIN},
            )


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    message = "Trabajo en el área de operaciones."


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation. Only the digest is stored; the raw token stays on the instance as
    ``invitation.token`` (pass ``token=...`` to choose it)."""

    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.pe")
    role = OrganizationMember.Role.MEMBER
    token = factory.Sequence(lambda n: f"test-invitation-token-{n:06d}")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

    @classmethod
    def _create(cls, model_class: type[Invitation], *args: object, **kwargs: object) -> Invitation:
        token = str(kwargs.pop("token"))
        kwargs["token_digest"] = hashlib.sha256(token.encode()).hexdigest()
        invitation = super()._create(model_class, *args, **kwargs)
        invitation.token = token
        return invitation
