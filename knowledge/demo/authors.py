"""The designated member authors: people of demo member organizations the editor named, who
write articles for their organization (drafts they send for review).

Designated through ``author_designate`` as the editor; someone already designated is left as
they are, so running it twice changes nothing.
"""

from __future__ import annotations

from typing import TextIO

from ..models import KnowledgeAuthor
from ..services.articles import author_designate
from .common import editor, on, organization, person

#: email, organization key, days ago the editor designated them.
AUTHORS: list[tuple[str, str, int]] = [
    # Professor of metallurgy at UNSA: the industrialization studies.
    ("h.valdivia@unsa.edu.pe", "unsa", -720),
    # Principal geotechnical engineer of RelaveSur (METS supplier): tailings.
    ("n.pinto@relavesur.pe", "relavesur", -850),
    # Technical manager of Hidroandina (METS supplier): water.
    ("o.chavez@hidroandina.pe", "hidroandina", -650),
    # Project manager of FR Mollendo (smelting and refining): value added.
    ("m.benavides@frmollendo.pe", "mollendo", -400),
]

AUTHOR_EMAILS = [email for email, _key, _days in AUTHORS]


def seed(*, stdout: TextIO) -> None:
    for email, key, days in AUTHORS:
        user = person(email)
        if KnowledgeAuthor.objects.filter(user=user).exists():
            continue
        with on(days):
            author_designate(actor=editor(), user=user, organization=organization(key))
    stdout.write(
        "  knowledge authors: "
        + ", ".join(
            f"{a.user.get_full_name()} ({a.organization.display_name})"
            for a in KnowledgeAuthor.objects.select_related("user", "organization").filter(
                user__email__in=AUTHOR_EMAILS
            )
        )
    )
