"""Recipients shared by the membership and team services' notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from cluster_portal.core import roles

from ..models import User


def staff_with_role(role_codes: list[str] | tuple[str, ...]) -> QuerySet[User]:
    """Active staff accounts holding any of the staff roles ``role_codes``, by id."""
    return User.objects.filter(
        pk__in=User.objects.filter(groups__name__in=list(role_codes)).values("pk"),
        is_staff=True,
        is_active=True,
    ).order_by("pk")


def staff_recipients(codename: str = roles.DECIDE_MEMBERSHIP) -> list[User]:
    """The staff who must hear of an event of their area: those whose role's job it is,
    i.e. who hold a role other than administrator that grants ``codename`` (by default
    membership decisions: the membership officers).

    Administrators hold every permission but are not sent every area's mail. So that nothing
    is lost while nobody holds such a role (a new portal, a role left empty), the event goes to
    the administrators instead, and failing them to the active superusers who are staff.
    """
    area_roles = [r for r in roles.roles_with_permission(codename) if r != roles.ADMINISTRATOR]
    recipients = list(staff_with_role(area_roles)) if area_roles else []
    if not recipients:
        recipients = list(staff_with_role([roles.ADMINISTRATOR]))
    if not recipients:
        recipients = list(
            User.objects.filter(is_superuser=True, is_staff=True, is_active=True).order_by("pk")
        )
    return recipients
