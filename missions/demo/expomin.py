"""A completed mission: the delegation to Expomin in Santiago de Chile, some 230 days ago.

Eight organizations applied, seven went (one stayed on the waitlist); every delegate got ready
and confirmed, the clock started the travel and completed the mission (the periodic job's
calls, ``actor=None``). After return most delegates recorded their outcome — contacts,
agreements, follow-ups and business generated, in dollars and soles — and two agreements: a
memorandum with a Chilean university, and a contract Hidroandina signed months later, which its
manager recorded in the impact ledger of its demo project (``agreement_to_impact``: Hidroandina
is that project's supplier lead).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.utils import translation
from djmoney.money import Money

from members.models import Organization

from ..groups import Group
from ..models import Agreement, Mission
from ..services import applications as application_services
from ..services import missions as mission_services
from ..services import outcomes as outcome_services
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
from .common import admin_of, coordinator, date, key_of, moment, on

SANTIAGO = "America/Santiago"
K = Organization.Kind

#: The demo project (``challenges.demo.portfolio``) whose supplier lead, Hidroandina, claims
#: the contract in its impact ledger.
IMPACT_PROJECT = "Telemetría del consumo de agua fresca por circuito de flotación"

PLAN = Plan(
    title="Misión a Expomin: Santiago de Chile",
    title_en="Mission to Expomin: Santiago de Chile",
    summary="La delegación del clúster en Expomin, la feria minera de Santiago: pabellón "
    "peruano, rueda de negocios, visitas a una empresa de servicios y al Centro de "
    "Innovación UC.",
    summary_en="The cluster's delegation to Expomin, Santiago's mining fair: a Peruvian "
    "pavilion, business meetings, visits to a services company and the UC Innovation Centre.",
    objectives="- Presentar la oferta del sur del Perú en el pabellón peruano de Expomin.\n"
    "- Reunirse con compradores de las mineras chilenas.\n"
    "- Conocer centros de innovación de Santiago.",
    objectives_en="- Present southern Peru's offer at Expomin's Peruvian pavilion.\n"
    "- Meet buyers of Chilean mining companies.\n"
    "- Get to know Santiago's innovation centres.",
    country="CL",
    cities="Santiago",
    time_zone=SANTIAGO,
    created=-300,
    opens=-290,
    closes=-262,
    departs=-230,
    length=6,
    capacity_organizations=7,
    capacity_delegates=9,
    max_per_organization=2,
    cost=("9800.00", "PEN"),
    co_funding=("5000.00", "PEN"),
    co_funding_note="El Clúster Minero del Sur y PROINNÓVATE",
    kinds=(K.METS_SUPPLIER, K.ACADEMIA),
    criteria=(
        Criterion(
            "Oferta lista para el mercado chileno",
            "An offer ready for the Chilean market",
            "Productos o servicios probados que las mineras chilenas compran.",
            "Proven products or services Chilean miners buy.",
            50,
        ),
        Criterion(
            "Plan de seguimiento de contactos",
            "Contact follow-up plan",
            "Cómo se convertirán los contactos de la feria en negocios.",
            "How the fair's contacts will become business.",
            30,
        ),
        Criterion(
            "Compromiso de compartir lo aprendido",
            "Commitment to share learning",
            "Presentación al clúster al regreso.",
            "A presentation to the cluster on return.",
            20,
        ),
    ),
    quotas={Group.SMALL_COMPANY: 2, Group.OUTSIDE_AREQUIPA: 2},
    agenda=(
        Item(
            AGENDA.WORKSHOP,
            "Expomin: inauguración y pabellón peruano",
            "Expomin: opening and the Peruvian pavilion",
            "Expomin",
            "Espacio Riesco, Av. El Salto 5000, Huechuraba, Santiago",
            "Santiago",
            SANTIAGO,
            0,
            (9, 0),
            (14, 0),
        ),
        Item(
            AGENDA.OTHER,
            "Rueda de negocios con compradores mineros",
            "Business meetings with mining buyers",
            "Expomin",
            "Espacio Riesco, Av. El Salto 5000, Huechuraba, Santiago",
            "Santiago",
            SANTIAGO,
            1,
            (9, 30),
            (17, 0),
        ),
        Item(
            AGENDA.COMPANY_VISIT,
            "Visita a Servicios Mineros Andinos",
            "Visit to Servicios Mineros Andinos",
            "Servicios Mineros Andinos SpA",
            "Av. Américo Vespucio 1501, Quilicura, Santiago",
            "Santiago",
            SANTIAGO,
            2,
            (9, 0),
            (12, 30),
            "Taller de reparación de componentes mayores y centro de monitoreo de flotas.",
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "Centro de Innovación UC Anacleto Angelini",
            "UC Anacleto Angelini Innovation Centre",
            "Pontificia Universidad Católica de Chile",
            "Av. Vicuña Mackenna 4860, Macul, Santiago",
            "Santiago",
            SANTIAGO,
            3,
            (10, 0),
            (13, 0),
        ),
        Item(
            AGENDA.COMPANY_VISIT,
            "Reunión técnica sobre agua en la minería",
            "Technical meeting on water in mining",
            "Centro de Innovación UC Anacleto Angelini",
            "Av. Vicuña Mackenna 4860, Macul, Santiago",
            "Santiago",
            SANTIAGO,
            3,
            (15, 0),
            (17, 0),
            "Para las delegaciones de agua: desalinización y recirculación.",
            attendees=("o.chavez@hidroandina.pe", "j.mamani@aguasaltiplano.pe"),
        ),
    ),
    applicants=(
        Applicant(
            "hidroandina",
            (("o.chavez@hidroandina.pe", "Gerente Técnico"),),
            "Queremos presentar nuestras plantas modulares de tratamiento de agua a las mineras "
            "chilenas.",
            -286,
            ("5", "4.5", "4"),
        ),
        Applicant(
            "andestech",
            (
                ("jorge.huaman@andestech.pe", "Gerente General"),
                ("k.vargas@andestech.pe", "Jefa de Proyectos"),
            ),
            "Expomin es la vitrina para nuestros servicios de mantenimiento predictivo.",
            -284,
            ("4.5", "4.5", "4"),
        ),
        Applicant(
            "segurimin",
            (("w.ramos@segurimin.pe", "Gerente General"),),
            "Buscamos socios para nuestros sistemas de gestión de fatiga.",
            -280,
            ("4", "4", "4"),
        ),
        Applicant(
            "minesoft",
            (("d.rojas@minesoft.pe", "CTO"),),
            "Queremos mostrar nuestro software de despacho a compradores chilenos.",
            -277,
            ("4", "3.5", "4"),
        ),
        Applicant(
            "uncollao",
            (("m.choque@unicollao.edu.pe", "Vicerrector de Investigación"),),
            "Buscamos convenios de investigación en metalurgia con universidades chilenas.",
            -273,
            ("3.5", "3.5", "5"),
        ),
        Applicant(
            "aguasaltiplano",
            (("j.mamani@aguasaltiplano.pe", "Fundadora"),),
            "Queremos conocer el tratamiento de drenaje ácido en las mineras chilenas.",
            -270,
            ("3", "3.5", "4"),
        ),
        Applicant(
            "geodatos",
            (("c.medina@geodatos.pe", "Geóloga Principal"),),
            "Buscamos clientes de exploración en Chile.",
            -268,
            ("3", "3", "3.5"),
        ),
        Applicant(
            "perfoapu",
            (("l.gutierrez@perfoapu.pe", "Gerente de Operaciones"),),
            "Queremos conocer los equipos de perforación que se exhiben en Expomin.",
            -265,
            ("2.5", "3", "3"),
        ),
    ),
)

PUBLISHED_DAY = -255

#: Outcomes recorded after return (delegate email → data); Karina Vargas has not recorded
#: hers (the coordinator's page shows who is missing).
OUTCOMES: dict[str, dict[str, object]] = {
    "o.chavez@hidroandina.pe": {
        "contacts_made": 14,
        "agreements": 1,
        "follow_ups": "Propuesta técnica para una planta modular en una faena de Atacama; "
        "visita de su equipo a Arequipa en junio.",
        "business_generated": Money(Decimal("48000.00"), "USD"),
    },
    "jorge.huaman@andestech.pe": {
        "contacts_made": 12,
        "agreements": 0,
        "follow_ups": "Dos pruebas de concepto de monitoreo de vibraciones en evaluación.",
        "business_generated": Money(Decimal("15000.00"), "USD"),
    },
    "w.ramos@segurimin.pe": {
        "contacts_made": 9,
        "agreements": 1,
        "follow_ups": "Piloto de gestión de fatiga con un contratista de Antofagasta.",
        "business_generated": Money(Decimal("12500.00"), "PEN"),
    },
    "d.rojas@minesoft.pe": {
        "contacts_made": 11,
        "agreements": 0,
        "follow_ups": "Demostración del software de despacho a una minera de cobre.",
        "business_generated": Money(Decimal("35000.00"), "PEN"),
    },
    "m.choque@unicollao.edu.pe": {
        "contacts_made": 7,
        "agreements": 1,
        "follow_ups": "Convenio marco firmado; primer intercambio de investigadores en 2027.",
    },
    "j.mamani@aguasaltiplano.pe": {
        "contacts_made": 5,
        "agreements": 0,
        "follow_ups": "Contacto con un centro de investigación en drenaje ácido.",
    },
}

#: Agreements: (delegate email, recorded on, data with ``signed_on`` in days from today).
AGREEMENTS: list[tuple[str, int, dict[str, object]]] = [
    (
        "m.choque@unicollao.edu.pe",
        -214,
        {
            "kind": Agreement.Kind.MOU,
            "counterpart": "Universidad de Santiago de Chile",
            "description": "Memorando de entendimiento para investigación conjunta en "
            "metalurgia del estaño e intercambio de docentes.",
            "signed_on": -227,
        },
    ),
    (
        "w.ramos@segurimin.pe",
        -210,
        {
            "kind": Agreement.Kind.OTHER,
            "counterpart": "Contratistas Mineros del Norte SpA",
            "description": "Acuerdo de piloto de gestión de fatiga en dos turnos.",
            "signed_on": -212,
        },
    ),
]
#: The contract that went to the impact ledger: signed months after the fair.
CONTRACT_BY = "o.chavez@hidroandina.pe"
CONTRACT_DAY = -58
CONTRACT: dict[str, object] = {
    "kind": Agreement.Kind.CONTRACT,
    "counterpart": "Compañía Minera Altos de Atacama",
    "description": "Contrato de suministro e instalación de telemetría de agua fresca por "
    "circuito de flotación, con la tecnología del piloto de Caylloma.",
    "value": Money(Decimal("48000.00"), "USD"),
}


def _delegation(mission: Mission) -> list[str]:
    return [
        email
        for applicant in PLAN.applicants
        for email, _role in applicant.delegates
        if mission.delegates.filter(
            person__email=email, included=True, application__status="accepted"
        ).exists()
    ]


def seed(*, stdout: TextIO) -> Mission:
    from challenges.models import Project

    mission = find(PLAN)
    if mission is not None:
        return mission
    with translation.override("es"):
        mission = create(PLAN)
        for applicant in PLAN.applicants:
            apply(mission, applicant)
        with on(moment(PLAN.closes, 18)):
            mission_services.mission_close_applications(actor=None, mission=mission)
        for index, applicant in enumerate(PLAN.applicants):
            score(application_of(mission, applicant.key), applicant.scores, -260, index)
        with on(moment(PUBLISHED_DAY, 10)):
            mission = application_services.selection_publish(actor=coordinator(), mission=mission)
        for index, application in enumerate(
            mission.applications.filter(status="offered").select_related("organization")
        ):
            with on(moment(PUBLISHED_DAY + 1, 9, 5 * index)):
                application_services.application_accept(
                    actor=admin_of(key_of(application.organization)), application=application
                )
        with on(moment(-252, 11)):
            for item in PLAN.agenda:
                if item.attendees:
                    add_item(mission, PLAN, item)
        delegation = _delegation(mission)
        for index, email in enumerate(delegation):
            delegate = delegate_of(mission, email)
            for readiness_item in delegate.readiness.all():
                data: dict[str, object] = {"status": "done"}
                if readiness_item.kind == "passport":
                    data["valid_until"] = date(600)
                with on(moment(-250 + index, 18, 30)):
                    readiness_services.readiness_item_update(
                        actor=delegate.person, item=readiness_item, data=data
                    )
            with on(moment(-243, 19, index)):
                readiness_services.delegate_confirm_attendance(
                    actor=delegate.person, delegate=delegate
                )
        # The clock: the departure day, then the day after return.
        with on(moment(PLAN.departs, 0, 5)):
            mission_services.mission_start_travel(actor=None, mission=mission)
        with on(moment(PLAN.departs + PLAN.length, 0, 5)):
            mission_services.mission_complete(actor=None, mission=mission)
        for index, (email, data) in enumerate(OUTCOMES.items()):
            delegate = delegate_of(mission, email)
            with on(moment(-220 + 2 * index, 17)):
                outcome_services.outcome_record(actor=delegate.person, delegate=delegate, data=data)
        for email, day, data in AGREEMENTS:
            delegate = delegate_of(mission, email)
            with on(moment(day, 12)):
                outcome_services.agreement_record(
                    actor=delegate.person,
                    delegate=delegate,
                    data={**data, "signed_on": date(int(str(data["signed_on"])))},
                )
        delegate = delegate_of(mission, CONTRACT_BY)
        with on(moment(CONTRACT_DAY, 10)):
            contract = outcome_services.agreement_record(
                actor=delegate.person,
                delegate=delegate,
                data={**CONTRACT, "signed_on": date(CONTRACT_DAY - 3)},
            )
        project = Project.objects.get(title=IMPACT_PROJECT)
        with on(moment(CONTRACT_DAY, 10, 20)):
            outcome_services.agreement_to_impact(
                actor=delegate.person, agreement=contract, project=project
            )
    mission.refresh_from_db()
    return mission
