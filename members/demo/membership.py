"""Demo data for the membership journey, on top of ``members.demo`` (run after it).

Adds what the secretariat and organization admins have to act on in a fresh demo: a second
application, with more information requested by the secretariat; a person asking to join
AndesTech; an open invitation from AndesTech's admin (its link is printed, since only its digest
is stored); and reasons for the suspended and lapsed demo organizations.

Records are created through the services (so notifications and audit entries exist too) the
first time, and found by a natural key afterwards: running ``seed_demo`` twice changes nothing.
"""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress

from ..models import Invitation, JoinRequest, MembershipApplication, Organization, User
from ..services import membership as membership_services
from ..services import team as team_services
from ..workflows import APPLICATION
from .organizations import DEMO_PASSWORD, demo_ruc

SECRETARIAT = "secretaria@cmsp.pe"
ANDESTECH_ADMIN = "jorge.huaman@andestech.pe"

NEW_PEOPLE = [
    # email, full name, language
    ("r.quispe@geoaltiplano.pe", "Raúl Quispe Huanca", "es"),
    ("luis.cutipa@andestech.pe", "Luis Cutipa Flores", "es"),
]

INFO_REQUESTED_ORGANIZATION = {
    "legal_name": "Geotecnia del Altiplano E.I.R.L.",
    "trade_name": "GeoAltiplano",
    "ruc": demo_ruc("geoaltiplano"),
    "kind": Organization.Kind.METS_SUPPLIER,
    "mining_scale": "",
    "government_level": "",
    "region": "puno",
    "city": "Juliaca",
    "website": "https://www.geoaltiplano.pe",
}

STATUS_REASONS = {
    "logichili": "Cuotas de membresía 2026 impagas; se reactivará al regularizar el pago.",
    "electromoq": "No renovó su membresía al cierre de 2025.",
}

INVITEE = "r.apaza@andestech.pe"


def _person(email: str, full_name: str, language: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "language": language}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, stdout: TextIO) -> None:
    staff = User.objects.get(email=SECRETARIAT)
    people = {email: _person(email, name, language) for email, name, language in NEW_PEOPLE}

    # An application the secretariat asked more information about.
    if not Organization.objects.filter(ruc=INFO_REQUESTED_ORGANIZATION["ruc"]).exists():
        application = membership_services.membership_application_submit(
            actor=people["r.quispe@geoaltiplano.pe"],
            organization_data=INFO_REQUESTED_ORGANIZATION,
            motivation=(
                "Hacemos estudios geotécnicos de taludes y depósitos de relaves en Puno y "
                "queremos participar en las convocatorias sobre estabilidad de relaveras."
            ),
        )
        membership_services.membership_application_request_info(
            actor=staff,
            application=application,
            message=(
                "Gracias por su solicitud. ¿Podrían indicar dos clientes mineros con los que hayan "
                "trabajado en los últimos tres años y adjuntar su ficha RUC?"
            ),
        )

    # Someone asking to join AndesTech, waiting for its admin.
    andestech = Organization.objects.get(ruc=demo_ruc("andestech"))
    requester = people["luis.cutipa@andestech.pe"]
    if not JoinRequest.objects.filter(organization=andestech, user=requester).exists():
        membership_services.join_request_create(
            actor=requester,
            organization=andestech,
            message="Soy supervisor de mantenimiento en la sede de Arequipa.",
        )

    # An open invitation from AndesTech's admin.
    if not Invitation.objects.filter(
        organization=andestech, email=INVITEE, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        issued = team_services.invitation_create(
            actor=User.objects.get(email=ANDESTECH_ADMIN),
            organization=andestech,
            email=INVITEE,
        )
        stdout.write(f"  open invitation for {INVITEE}: {issued.path}")

    # Why the suspended and lapsed demo organizations are where they are.
    for key, reason in STATUS_REASONS.items():
        Organization.objects.filter(ruc=demo_ruc(key), membership_status_reason="").update(
            membership_status_reason=reason
        )

    open_count = MembershipApplication.objects.filter(status__in=APPLICATION.open_values).count()
    stdout.write(
        f"  membership: {open_count} open applications, "
        f"{JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count()} pending join "
        "requests, invitations from AndesTech"
    )
