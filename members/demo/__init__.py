"""Demo data of the members app, one module per sub-domain, loaded by ``seed_demo``.

``roles`` seeds the staff and their roles (the administrator, a membership officer, an
auditor); ``organizations`` seeds people, organizations, teams, governance and logos; ``membership``
then runs applications, join requests and invitations through the membership services, and
``dues`` records membership dues through the dues service.
"""

from __future__ import annotations

from typing import TextIO

from .organizations import DEMO_PASSWORD, DEMO_USERS, PEOPLE, demo_ruc

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "PEOPLE", "demo_ruc", "seed"]


def seed(*, stdout: TextIO) -> None:
    from . import dues, membership, organizations, roles

    # Staff accounts and their roles first: the secretariat acts in everything below.
    roles.seed(stdout=stdout)
    organizations.seed(stdout=stdout)
    # Applications, join requests and invitations go through the membership services.
    membership.seed(stdout=stdout)
    # Membership dues, recorded by the secretariat through the dues service.
    dues.seed(stdout=stdout)
