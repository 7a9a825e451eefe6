"""The mission to Chile (Antofagasta, Santiago): selection published, delegation forming.

Its story, each step at its moment:

* opened 55 days ago, closed 20 days ago (by the clock, as the periodic job would); ten
  organizations applied. LogiChili applied while still an active member and was suspended
  before the selection (the members' demo keeps it suspended): the selection leaves it out
  (*not selected*, not eligible);
* the coordinator scored the nine eligible applications and published the selection 15 days
  ago: five offered a place (the quotas, two small companies and two organizations from outside
  Arequipa, met), four on the waitlist;
* AndesTech, Hidroandina and UNSA accepted at once; TacnaDrones declined, so the next small
  company from outside Arequipa (Capacita Sur) was promoted and accepted; Ecoandes accepted and
  withdrew yesterday, so Metalmecánica Ilo was promoted: its offer is **still held** (the hold
  ends in about two days);
* the accepted delegates' checklists are in every state: ready, at risk (co-payment due in
  five days), missing (a passport overdue) and on track; reminders were sent two days ago;
  some delegates confirmed their attendance;
* the agenda, in America/Santiago — summer time in December and January, two hours ahead of
  Lima — has an item for chosen delegates only, and one item moved after the delegation was
  told (its sequence went up, the delegates were notified).
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import translation

from members.models import Organization

from ..groups import Group
from ..models import Application, Mission, ReadinessItem
from ..services import agenda as agenda_services
from ..services import applications as application_services
from ..services import missions as mission_services
from ..services import readiness as readiness_services
from .build import (
    AGENDA,
    Applicant,
    Criterion,
    Item,
    Plan,
    add_item,
    application_of,
    apply,
    create,
    delegate_of,
    find,
    score,
)
from .common import active_for_a_moment, admin_of, coordinator, date, key_of, local, moment, on
from .common import organization as demo_organization

SANTIAGO = "America/Santiago"
K = Organization.Kind

#: The organization the members' demo suspends after it applied (not selected: not eligible).
SUSPENDED = "logichili"

PLAN = Plan(
    title="Misión de proveedores a Chile: Antofagasta y Santiago",
    title_en="Supplier mission to Chile: Antofagasta and Santiago",
    summary="Seis días con el ecosistema minero del norte de Chile y de Santiago: el "
    "programa de desarrollo de proveedores de una minera de cobre, Fundación Chile, el AMTC "
    "de la Universidad de Chile y una rueda de negocios en Antofagasta.",
    summary_en="Six days with the mining ecosystem of northern Chile and Santiago: a copper "
    "miner's supplier development programme, Fundación Chile, the University of Chile's AMTC "
    "and business meetings in Antofagasta.",
    objectives="- Conocer cómo las mineras chilenas desarrollan proveedores de clase mundial.\n"
    "- Presentar la oferta del sur del Perú a compradores de Antofagasta.\n"
    "- Acordar pilotos conjuntos con centros de I+D chilenos.",
    objectives_en="- Learn how Chilean miners develop world-class suppliers.\n"
    "- Present southern Peru's offer to buyers in Antofagasta.\n"
    "- Agree joint pilots with Chilean R&D centres.",
    country="CL",
    cities="Antofagasta, Santiago",
    time_zone=SANTIAGO,
    created=-62,
    opens=-55,
    closes=-20,
    departs=35,
    length=6,
    capacity_organizations=5,
    capacity_delegates=8,
    max_per_organization=2,
    cost=("12800.00", "PEN"),
    co_funding=("6000.00", "PEN"),
    co_funding_note="El Clúster Minero del Sur y PROINNÓVATE",
    kinds=(K.METS_SUPPLIER, K.ACADEMIA),
    criteria=(
        Criterion(
            "Potencial de negocios en el norte de Chile",
            "Business potential in northern Chile",
            "Clientes o socios posibles en Antofagasta y Santiago.",
            "Possible clients or partners in Antofagasta and Santiago.",
            40,
        ),
        Criterion(
            "Capacidad técnica de la oferta",
            "Technical capacity of the offer",
            "Casos probados, certificaciones, equipo.",
            "Proven cases, certifications, team.",
            35,
        ),
        Criterion(
            "Compromiso de compartir lo aprendido",
            "Commitment to share learning",
            "Plan concreto para llevar lo aprendido al clúster.",
            "A concrete plan to bring what is learnt to the cluster.",
            25,
        ),
    ),
    quotas={Group.SMALL_COMPANY: 2, Group.OUTSIDE_AREQUIPA: 2},
    agenda=(
        Item(
            AGENDA.WORKSHOP,
            "Taller de proveedores mineros en Exponor",
            "Mining suppliers workshop at Exponor",
            "Asociación de Industriales de Antofagasta",
            "Recinto Ferial Exponor, Av. Pedro Aguirre Cerda 11300, Antofagasta",
            "Antofagasta",
            SANTIAGO,
            0,
            (9, 30),
            (13, 0),
            "Cómo compran las mineras del norte de Chile; presentación de cada delegación.",
        ),
        Item(
            AGENDA.COMPANY_VISIT,
            "Programa de desarrollo de proveedores de una minera de cobre",
            "A copper miner's supplier development programme",
            "Minera Cobre del Desierto S.A.",
            "Camino a Mina, km 14, Antofagasta",
            "Antofagasta",
            SANTIAGO,
            1,
            (7, 30),
            (16, 30),
            "Visita a faena con el equipo de abastecimiento: cómo se escala un piloto.",
        ),
        Item(
            AGENDA.OTHER,
            "Rueda de negocios con compradores de Antofagasta",
            "Business meetings with buyers in Antofagasta",
            "Asociación de Industriales de Antofagasta",
            "Av. Grecia 1490, Antofagasta",
            "Antofagasta",
            SANTIAGO,
            1,
            (18, 30),
            (21, 0),
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "Fundación Chile: innovación abierta en minería",
            "Fundación Chile: open innovation in mining",
            "Fundación Chile",
            "Av. Parque Antonio Rabat Sur 6165, Vitacura, Santiago",
            "Santiago",
            SANTIAGO,
            3,
            (9, 0),
            (12, 30),
            "Programas de proveedores de clase mundial y de hidrógeno verde para la minería.",
        ),
        Item(
            AGENDA.COMPANY_VISIT,
            "Reunión con el área de abastecimiento de Minera Cobre del Desierto",
            "Meeting with Minera Cobre del Desierto's procurement team",
            "Minera Cobre del Desierto S.A. (oficinas de Santiago)",
            "Av. Apoquindo 4501, piso 12, Las Condes, Santiago",
            "Santiago",
            SANTIAGO,
            3,
            (15, 0),
            (17, 0),
            "Para las delegaciones de automatización y agua: presentación de sus pilotos.",
            attendees=(
                "jorge.huaman@andestech.pe",
                "k.vargas@andestech.pe",
                "o.chavez@hidroandina.pe",
            ),
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "AMTC, Universidad de Chile: laboratorios de minería avanzada",
            "AMTC, University of Chile: advanced mining laboratories",
            "Advanced Mining Technology Center (AMTC), Universidad de Chile",
            "Av. Tupper 2007, Santiago",
            "Santiago",
            SANTIAGO,
            4,
            (9, 30),
            (13, 0),
            "Robótica, visión artificial y modelamiento de procesos.",
        ),
        Item(
            AGENDA.WORKSHOP,
            "Taller de cierre: planes de seguimiento",
            "Closing workshop: follow-up plans",
            "Clúster Minero del Sur del Perú",
            "Hotel Plaza El Bosque, Av. Manquehue Norte 656, Las Condes, Santiago",
            "Santiago",
            SANTIAGO,
            4,
            (15, 0),
            (17, 30),
        ),
    ),
    applicants=(
        Applicant(
            "andestech",
            (
                ("jorge.huaman@andestech.pe", "Gerente General"),
                ("k.vargas@andestech.pe", "Jefa de Proyectos"),
            ),
            "Ya atendemos operaciones en Antofagasta; queremos ampliar nuestros servicios de "
            "mantenimiento predictivo a las mineras del norte de Chile.",
            -50,
            ("5", "4.5", "4"),
        ),
        Applicant(
            "hidroandina",
            (("o.chavez@hidroandina.pe", "Gerente Técnico"),),
            "El agua es el primer problema de la minería en Atacama: queremos presentar "
            "nuestras plantas modulares de ósmosis inversa.",
            -47,
            ("4.5", "4.5", "4"),
        ),
        Applicant(
            "unsa",
            (
                ("m.rivera@unsa.edu.pe", "Directora de Vinculación"),
                ("h.valdivia@unsa.edu.pe", "Profesor de Metalurgia"),
            ),
            "Buscamos convenios con el AMTC y con Fundación Chile para la formación de "
            "ingenieros y proyectos conjuntos de metalurgia.",
            -44,
            ("4", "4", "5"),
        ),
        Applicant(
            "ecoandes",
            (("r.coaguila@ecoandes.pe", "Director Ambiental"),),
            "Queremos conocer los planes de cierre de las mineras chilenas y ofrecer nuestro "
            "monitoreo participativo.",
            -40,
            ("4", "4", "4"),
        ),
        Applicant(
            "tacnadrones",
            (("e.copa@tacnadrones.pe", "Fundador"),),
            "Tacna está a un paso de Chile: queremos ofrecer levantamientos con drones a las "
            "faenas de Antofagasta.",
            -38,
            ("4", "3.5", "4"),
        ),
        Applicant(
            "metalilo",
            (("y.laura@metalilo.pe", "Gerente General"),),
            "Fabricamos revestimientos de molinos y queremos homologarnos como proveedor de "
            "las concentradoras del norte de Chile.",
            -33,
            ("3.5", "4", "3.5"),
        ),
        Applicant(
            "capacita",
            (("s.calla@capacitasur.pe", "Directora Académica"),),
            "Queremos conocer los programas chilenos de formación de operadores para "
            "adaptarlos al altiplano.",
            -30,
            ("3.5", "3.5", "4"),
        ),
        Applicant(
            "geodatos",
            (("c.medina@geodatos.pe", "Geóloga Principal"),),
            "Queremos conocer a las empresas de exploración de Antofagasta.",
            -27,
            ("3", "4", "3"),
        ),
        Applicant(
            "minesoft",
            (("d.rojas@minesoft.pe", "CTO"),),
            "Nuestro software de despacho ya funciona en Perú; buscamos un primer cliente en "
            "Chile.",
            -25,
            ("3", "3", "4"),
        ),
        Applicant(
            SUSPENDED,
            (("b.soto@logichili.pe", "Gerente Comercial"),),
            "Transportamos concentrados en el sur del Perú y queremos conocer la logística de "
            "los puertos de Antofagasta y Mejillones.",
            -23,
        ),
    ),
)

#: Who answers the offers, and when (days from today).
ACCEPT_AT_ONCE = ("andestech", "hidroandina", "unsa", "ecoandes")
DECLINES = "tacnadrones"
WITHDRAWS = "ecoandes"
WITHDRAWAL_REASON = (
    "Nuestro director ambiental no podrá viajar en enero por el cierre de un estudio de "
    "impacto ambiental."
)
PUBLISHED_DAY = -15
DECLINE_DAY = -13
WITHDRAWAL_DAY = -1
REMINDERS_DAY = -2
#: The agenda item moved after the delegation was formed (its title), and the new start.
MOVED_ITEM = "AMTC, Universidad de Chile: laboratorios de minería avanzada"
MOVED_TO = (10, 0)
MOVED_DAY = -3

DONE = ReadinessItem.Status.DONE
IN_PROGRESS = ReadinessItem.Status.IN_PROGRESS
PENDING = ReadinessItem.Status.PENDING

#: Each accepted delegate's checklist (email → {item kind: status}); items not named stay
#: pending. With departure in 35 days: the passport was due a week after the checklist was
#: made (overdue when not done: missing), the co-payment is due in five days (at risk), the
#: insurance in three weeks (on track).
READINESS: dict[str, dict[str, str]] = {
    # ready
    "jorge.huaman@andestech.pe": {"passport": DONE, "insurance": DONE, "copayment": DONE},
    "m.rivera@unsa.edu.pe": {"passport": DONE, "insurance": DONE, "copayment": DONE},
    # at risk: the co-payment is due in five days
    "k.vargas@andestech.pe": {"passport": DONE, "insurance": IN_PROGRESS},
    "h.valdivia@unsa.edu.pe": {"passport": DONE, "insurance": DONE, "copayment": IN_PROGRESS},
    # missing: the passport is overdue (its renewal is in progress)
    "o.chavez@hidroandina.pe": {"passport": IN_PROGRESS, "copayment": DONE},
    # on track: only the insurance is left, due in three weeks
    "s.calla@capacitasur.pe": {"passport": DONE, "copayment": DONE},
}
NOTES = {
    ("o.chavez@hidroandina.pe", "passport"): "Cita de renovación en Migraciones el próximo lunes.",
    ("h.valdivia@unsa.edu.pe", "copayment"): "La universidad tramita la orden de pago.",
}
CONFIRMED = ("jorge.huaman@andestech.pe", "k.vargas@andestech.pe", "m.rivera@unsa.edu.pe")


def _answer(mission: Mission) -> None:
    """The organizations answer their offers (within the hold), one declines, one withdraws
    later: both freed places go to the waitlist by themselves (``_free_place``)."""
    for index, key in enumerate(ACCEPT_AT_ONCE):
        with on(moment(PUBLISHED_DAY + 1, 10 + index, 15)):
            application_services.application_accept(
                actor=admin_of(key), application=application_of(mission, key)
            )
    with on(moment(DECLINE_DAY, 17, 40)):
        application_services.application_decline(
            actor=admin_of(DECLINES), application=application_of(mission, DECLINES)
        )
    promoted = Application.objects.select_related("organization", "mission").get(
        mission=mission, status=Application.Status.OFFERED
    )
    with on(moment(DECLINE_DAY + 2, 9, 50)):
        application_services.application_accept(
            actor=admin_of(key_of(promoted.organization)), application=promoted
        )


def _readiness(mission: Mission) -> None:
    valid_until = date(900)
    for email, statuses in READINESS.items():
        delegate = delegate_of(mission, email)
        items = {i.kind: i for i in delegate.readiness.all()}
        for index, (kind, status) in enumerate(statuses.items()):
            data: dict[str, object] = {"status": status}
            if kind == "passport" and status == DONE:
                data["valid_until"] = valid_until
            note = NOTES.get((email, kind))
            if note:
                data["note"] = note
            with on(moment(-10 + index * 2, 19, 5)):
                readiness_services.readiness_item_update(
                    actor=delegate.person, item=items[kind], data=data
                )
        if email in CONFIRMED:
            with on(moment(-9, 20, 10)):
                readiness_services.delegate_confirm_attendance(
                    actor=delegate.person, delegate=delegate
                )


def _move_item(mission: Mission) -> None:
    item = mission.agenda.get(title=MOVED_ITEM)
    spec = next(i for i in PLAN.agenda if i.title == MOVED_ITEM)
    day = PLAN.departs + spec.day
    with on(moment(MOVED_DAY, 12, 30)):
        agenda_services.agenda_item_update(
            actor=coordinator(),
            item=item,
            data={
                "starts_at": local(day, *MOVED_TO, spec.zone),
                "ends_at": local(day, 13, 30, spec.zone),
            },
        )


def seed(*, stdout: TextIO) -> Mission:
    mission = find(PLAN)
    if mission is not None:
        return mission
    with translation.override("es"):
        mission = create(PLAN)
        for applicant in PLAN.applicants:
            if applicant.key == SUSPENDED:
                with active_for_a_moment(demo_organization(SUSPENDED)):
                    apply(mission, applicant)
            else:
                apply(mission, applicant)
        # The window ends by itself (the periodic job's call), then the coordinator scores.
        with on(moment(PLAN.closes, 18)):
            mission_services.mission_close_applications(actor=None, mission=mission)
        for index, applicant in enumerate(PLAN.applicants):
            if applicant.scores:
                score(application_of(mission, applicant.key), applicant.scores, -19, index)
        with on(moment(PUBLISHED_DAY, 10)):
            mission = application_services.selection_publish(actor=coordinator(), mission=mission)
        _answer(mission)
        with on(moment(-10, 11)):
            for item in PLAN.agenda:
                if item.attendees:
                    add_item(mission, PLAN, item)
        _readiness(mission)
        _move_item(mission)
        with on(moment(REMINDERS_DAY, 8)):
            readiness_services.readiness_reminders_send(today=date(REMINDERS_DAY))
        with on(moment(WITHDRAWAL_DAY, 16, 25)):
            application_services.application_withdraw(
                actor=admin_of(WITHDRAWS),
                application=application_of(mission, WITHDRAWS),
                reason=WITHDRAWAL_REASON,
            )
    mission.refresh_from_db()
    return mission


def hold_ends(mission: Mission) -> datetime.datetime | None:
    offered = Application.objects.filter(mission=mission, status=Application.Status.OFFERED)
    return offered.values_list("hold_until", flat=True).first()
