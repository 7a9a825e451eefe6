"""Demo data of international missions, loaded by ``seed_demo`` after the members' and the
open-innovation demos (their people and organizations act here, and the completed mission's
contract goes to the impact ledger of a demo project). ``misiones@cmsp.pe`` (Renato Paredes
Chávez, mission coordinator) runs every mission; the admins of the demo member organizations
apply, answer offers and record outcomes; the delegates update their checklists.

One module per mission, each going through the missions services at the moment each step
happened (``common.on``), dates relative to today:

* ``australia`` — Perth and Brisbane, **open for applications** (five applications, three
  scored; AndesTech has not applied, so a visitor can);
* ``chile`` — Antofagasta and Santiago, **selection published**: accepted, an offer still held,
  a promotion after a decline and one after a withdrawal, a waitlist, a not-selected
  application, readiness in every state with reminders sent, attendance confirmed;
* ``expomin`` — a **completed** mission to Santiago with outcomes and agreements, one contract
  in a demo project's impact ledger;
* ``clock`` — keeps an existing demo current when it is seeded again on a later day.

Idempotent: a mission is found by its Spanish title and built only when missing, so running
``seed_demo`` twice changes nothing.
"""

from __future__ import annotations

from typing import TextIO


def seed(*, stdout: TextIO) -> None:
    from challenges.demo import common as challenges_common

    from ..models import AgendaItem, Agreement, Application, Delegate, ReadinessItem
    from . import australia, chile, clock, common, expomin

    challenges_common.reset()
    common.start_clock()
    clock.refresh(stdout=stdout)
    common.seed_people()
    missions = [
        australia.seed(stdout=stdout),
        chile.seed(stdout=stdout),
        expomin.seed(stdout=stdout),
    ]
    ids = [m.pk for m in missions]
    stdout.write(
        "  missions: "
        + "; ".join(f"{m.title} ({m.get_status_display()})" for m in missions)
        + f". {Application.objects.filter(mission__in=ids).count()} applications, "
        f"{Delegate.objects.filter(mission__in=ids).count()} delegates, "
        f"{AgendaItem.objects.filter(mission__in=ids).count()} agenda items, "
        f"{ReadinessItem.objects.filter(delegate__mission__in=ids).count()} readiness items, "
        f"{Agreement.objects.filter(mission__in=ids).count()} agreements"
    )
