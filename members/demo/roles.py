"""Demo staff and their roles (run first: the other demo modules act as the secretariat).

``secretaria@cmsp.pe`` is the administrator (every staff permission, manages roles); three
narrower colleagues show what roles change: a membership officer (decides memberships, receives
the membership notifications), a call manager (triages challenges, runs calls and reads their
proposals) and an auditor (reads every staff page and the audit log, acts on nothing). Like every
member of staff, they set up two-factor authentication on first login.

The first administrator is given the role directly (nobody could grant it yet); every other role
goes through ``staff_role_grant``, so the grants are audited. Running it twice changes nothing.
"""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from cluster_portal.core import roles
from cluster_portal.staff.services import staff_role_grant

from ..models import User
from .organizations import DEMO_PASSWORD

ADMINISTRATOR_EMAIL = "secretaria@cmsp.pe"

DEMO_STAFF = [
    # email, full name, language, staff roles
    (ADMINISTRATOR_EMAIL, "Lucía Quispe Mamani", "es", [roles.ADMINISTRATOR]),
    ("membresias@cmsp.pe", "Rosa Condori Apaza", "es", [roles.MEMBERSHIP_OFFICER]),
    ("auditoria@cmsp.pe", "Carlos Mendoza Ríos", "en", [roles.AUDITOR]),
    # Triages the challenge survey and runs the calls (challenges.demo acts as her).
    ("convocatorias@cmsp.pe", "Andrea Huanca Salas", "es", [roles.CALL_MANAGER]),
    # Runs the evaluator pool, assignments and decisions (challenges.demo.evaluation acts as her).
    ("evaluacion@cmsp.pe", "Jimena Huarachi Velarde", "es", [roles.EVALUATION_COORDINATOR]),
    # Follows the projects and verifies impact (challenges.demo.portfolio acts as her).
    ("portafolio@cmsp.pe", "Gloria Cutipa Llanos", "es", [roles.PORTFOLIO_MANAGER]),
    # Runs the international missions and their selection (missions.demo acts as him).
    ("misiones@cmsp.pe", "Renato Paredes Chávez", "es", [roles.MISSION_COORDINATOR]),
    # Edits the knowledge base: reviews and publishes articles, keeps the barrier register and
    # the value-added opportunities (knowledge.demo acts as her).
    ("conocimiento@cmsp.pe", "Carmen Zeballos Arce", "es", [roles.EDITOR]),
    # Monitoring and reporting: the KPI dashboard, closed periods, reports, the monthly KPI
    # report (reports.demo acts as her).
    ("reportes@cmsp.pe", "Verónica Ccama Huanca", "es", [roles.REPORTING_OFFICER]),
]


def _staff_account(email: str, full_name: str, language: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_staff": True, "language": language}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, stdout: TextIO) -> None:
    roles.sync_staff_roles()
    accounts = {email: _staff_account(email, name, lang) for email, name, lang, _r in DEMO_STAFF}
    administrator = accounts[ADMINISTRATOR_EMAIL]
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    for email, _name, _lang, role_codes in DEMO_STAFF:
        for role in role_codes:
            staff_role_grant(actor=administrator, user=accounts[email], role=role)
    stdout.write(
        "  staff roles: "
        + ", ".join(
            f"{email} ({', '.join(str(roles.ROLES[r].label) for r in codes)})"
            for email, _n, _l, codes in DEMO_STAFF
        )
    )
