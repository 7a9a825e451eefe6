"""The mission to Australia (Perth, Brisbane): open for applications now.

Opened ten days ago, closes in twenty, departs in 75 days for eight days. Five organizations
have applied (three already scored by the coordinator); AndesTech has *not*, so a visitor who
logs in as ``jorge.huaman@andestech.pe`` can apply with two delegates.

The agenda is for the whole delegation: an item for chosen delegates only needs a delegation
(``agenda_item_create`` refuses attendees who hold no place), which this mission forms after
its selection; the Chilean mission shows one.
"""

from __future__ import annotations

from typing import TextIO

from django.utils import translation

from members.models import Organization

from ..groups import Group
from ..models import Mission
from .build import AGENDA, Applicant, Criterion, Item, Plan, apply, create, find, score

PERTH = "Australia/Perth"
BRISBANE = "Australia/Brisbane"
K = Organization.Kind

PLAN = Plan(
    title="Misión tecnológica a Australia: Perth y Brisbane",
    title_en="Technology mission to Australia: Perth and Brisbane",
    summary="Ocho días en los dos polos METS de Australia: talleres con METS Ignited, visitas "
    "a una empresa de servicios mineros, al CSIRO y a dos escuelas de minas, y reuniones de "
    "negocios con proveedores australianos.",
    summary_en="Eight days in Australia's two METS hubs: workshops with METS Ignited, visits "
    "to a mine services company, CSIRO and two schools of mines, and business meetings with "
    "Australian suppliers.",
    objectives="- Conocer cómo los proveedores METS australianos pasan del piloto al mercado.\n"
    "- Identificar socios tecnológicos para relaves, agua, energía y automatización.\n"
    "- Abrir convenios de investigación con el CSIRO, Curtin y la Universidad de Queensland.\n"
    "- Compartir lo aprendido con el clúster en un taller al regreso.",
    objectives_en="- Learn how Australian METS suppliers move from pilot to market.\n"
    "- Find technology partners for tailings, water, energy and automation.\n"
    "- Open research agreements with CSIRO, Curtin and the University of Queensland.\n"
    "- Share what was learnt with the cluster in a workshop on return.",
    country="AU",
    cities="Perth, Brisbane",
    time_zone=PERTH,
    created=-18,
    opens=-10,
    closes=20,
    departs=75,
    length=8,
    capacity_organizations=6,
    capacity_delegates=10,
    max_per_organization=2,
    cost=("21500.00", "PEN"),
    co_funding=("10000.00", "PEN"),
    co_funding_note="El Clúster Minero del Sur y PROINNÓVATE",
    kinds=(K.METS_SUPPLIER, K.ACADEMIA),
    visa=True,
    criteria=(
        Criterion(
            "Preparación exportadora",
            "Export readiness",
            "Oferta probada en el Perú, capacidad para atender clientes en el extranjero.",
            "A proven offer in Peru, capacity to serve clients abroad.",
            40,
        ),
        Criterion(
            "Encaje tecnológico con el ecosistema australiano",
            "Technology fit with the Australian ecosystem",
            "Cuánto se relaciona su oferta o investigación con las visitas de la agenda.",
            "How closely its offer or research relates to the visits on the agenda.",
            35,
        ),
        Criterion(
            "Compromiso de compartir lo aprendido",
            "Commitment to share learning",
            "Plan concreto para llevar lo aprendido al clúster y a sus clientes.",
            "A concrete plan to bring what is learnt to the cluster and its clients.",
            25,
        ),
    ),
    quotas={Group.SMALL_COMPANY: 2, Group.OUTSIDE_AREQUIPA: 2},
    agenda=(
        Item(
            AGENDA.WORKSHOP,
            "Taller de apertura: el ecosistema METS de Australia Occidental",
            "Opening workshop: Western Australia's METS ecosystem",
            "METS Ignited",
            "Level 1, 16 Parliament Place, West Perth WA 6005",
            "Perth",
            PERTH,
            0,
            (9, 0),
            (12, 30),
            "Cómo se organiza el ecosistema, programas de aceleración y compras de las mineras.",
        ),
        Item(
            AGENDA.COMPANY_VISIT,
            "Visita a Perth Mineral Technologies",
            "Visit to Perth Mineral Technologies",
            "Perth Mineral Technologies Pty Ltd",
            "45 Belmont Avenue, Belmont WA 6104",
            "Perth",
            PERTH,
            0,
            (14, 30),
            (17, 0),
            "Empresa de servicios mineros: taller de celdas de flotación y centro de monitoreo "
            "remoto.",
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "CSIRO Kensington: centro de investigación en recursos",
            "CSIRO Kensington: resources research centre",
            "CSIRO Mineral Resources",
            "Australian Resources Research Centre, 26 Dick Perry Avenue, Kensington WA 6151",
            "Perth",
            PERTH,
            1,
            (9, 0),
            (13, 0),
            "Laboratorios de procesamiento de minerales, sensores y relaves.",
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "Curtin University: WA School of Mines",
            "Curtin University: WA School of Mines",
            "Curtin University, WA School of Mines: Minerals, Energy and Chemical Engineering",
            "Kent Street, Bentley WA 6102",
            "Perth",
            PERTH,
            2,
            (9, 30),
            (15, 0),
            "Programas conjuntos de formación y líneas de investigación en automatización.",
        ),
        Item(
            AGENDA.WORKSHOP,
            "Taller METS Ignited: del piloto al mercado",
            "METS Ignited workshop: from pilot to market",
            "METS Ignited",
            "Level 1, 16 Parliament Place, West Perth WA 6005",
            "Perth",
            PERTH,
            3,
            (9, 0),
            (16, 0),
            "Comercialización de tecnología minera con mineras y proveedores australianos.",
        ),
        Item(
            AGENDA.WORKSHOP,
            "Taller METS de Queensland: proveedores y mineras del este australiano",
            "Queensland METS workshop: suppliers and miners of eastern Australia",
            "Trade and Investment Queensland",
            "Level 16, 1 William Street, Brisbane City QLD 4000",
            "Brisbane",
            BRISBANE,
            5,
            (9, 0),
            (12, 30),
        ),
        Item(
            AGENDA.RND_CENTRE_VISIT,
            "Universidad de Queensland: Sustainable Minerals Institute",
            "University of Queensland: Sustainable Minerals Institute",
            "The University of Queensland, Sustainable Minerals Institute",
            "Sir James Foots Building (47A), Staff House Road, St Lucia QLD 4072",
            "Brisbane",
            BRISBANE,
            6,
            (9, 0),
            (13, 0),
            "Cierre de minas, agua y relaciones con comunidades: líneas de investigación.",
        ),
        Item(
            AGENDA.OTHER,
            "Rueda de negocios con proveedores de Queensland",
            "Business meetings with Queensland suppliers",
            "Trade and Investment Queensland",
            "Level 16, 1 William Street, Brisbane City QLD 4000",
            "Brisbane",
            BRISBANE,
            6,
            (15, 0),
            (18, 0),
        ),
    ),
    applicants=(
        Applicant(
            "relavesur",
            (
                ("n.pinto@relavesur.pe", "Ingeniera Geotécnica Principal"),
                ("j.rosas@relavesur.pe", "Ingeniera de Relaves Filtrados"),
            ),
            "Queremos conocer la experiencia australiana en relaves filtrados y en monitoreo "
            "geotécnico, y buscar un socio para un piloto en el sur del Perú.",
            -9,
            ("4.5", "5", "4"),
        ),
        Applicant(
            "perfoapu",
            (
                ("l.gutierrez@perfoapu.pe", "Gerente de Operaciones"),
                ("f.sullca@perfoapu.pe", "Jefe de Perforación"),
            ),
            "Buscamos proveedores de perforación automatizada y conocer los estándares de "
            "seguridad de las perforadoras australianas para nuestras operaciones en Apurímac.",
            -7,
            ("3.5", "4", "4.5"),
        ),
        Applicant(
            "santacatalina",
            (
                ("c.fernandez@upsc.edu.pe", "Decana de Ingeniería"),
                ("l.manrique@upsc.edu.pe", "Docente de Mecatrónica"),
            ),
            "Queremos firmar un convenio de intercambio con la WA School of Mines y llevar la "
            "experiencia del CSIRO en automatización a nuestra carrera de mecatrónica.",
            -6,
            ("3", "4.5", "5"),
        ),
        Applicant(
            "solarmisti",
            (("a.cano@solarmisti.pe", "Gerente General"),),
            "Las mineras australianas ya operan con energía solar y baterías en sus "
            "campamentos: queremos aprender de sus contratos y de sus proveedores.",
            -4,
        ),
        Applicant(
            "cims",
            (("v.tupa@cims.org.pe", "Directora"),),
            "El Sustainable Minerals Institute es un referente en cierre de minas; buscamos "
            "una colaboración de investigación para Cusco.",
            -2,
        ),
    ),
)

#: Who must not have applied (a visitor tries applying as its admin).
NOT_APPLIED = "andestech"


def seed(*, stdout: TextIO) -> Mission:
    mission = find(PLAN)
    if mission is not None:
        return mission
    with translation.override("es"):
        mission = create(PLAN)
        for index, applicant in enumerate(PLAN.applicants):
            application = apply(mission, applicant)
            if applicant.scores:
                score(application, applicant.scores, min(applicant.day + 2, -1), index)
    mission.refresh_from_db()
    return mission
