"""Demo project portfolio (issue 11): sixteen pilots of southern-Peru mining in every status,
run through ``challenges.services.{portfolio,impact}`` by the people who would act — the demo
portfolio manager (``portafolio@cmsp.pe``), the supplier leads' people, the sponsors' people.

* The four projects of the demo evaluation's awards (``decisions_publish`` created them,
  planned, when the batches were published) are enriched: started (three of them), English
  titles, milestones, KPIs, progress updates, impact.
* Twelve more are created directly by the portfolio manager (pilots the cluster brokered
  outside a call): organizations of the members' demo as supplier lead, partners and sponsors;
  budgets and funding in soles and dollars, public (a national programme, CAF) and private
  (the mining companies, the suppliers' own co-funding, some in kind).
* Statuses: planned, active (one with a late milestone: at risk; one with its progress update
  overdue), on hold, completed and cancelled, each with its reason.
* Milestones accepted, submitted, returned with a reason, pending, cancelled; evidence files
  are small PDFs (fpdf2, as ``challenges.demo.proposals`` makes them).
* KPIs with baselines and targets, measured over three to four periods; one period corrected.
* Impact entries in every state — claimed, confirmed, verified, rejected — with corrections
  (one verified, one waiting for the sponsor). Four eyes: the supplier lead's people claim,
  a sponsor's people confirm (or the portfolio manager standing in for a sponsor without an
  account, and then the administrator verifies), the portfolio manager verifies.
* Public consent is given by the supplier lead's admin: some projects show amounts and site,
  some only the project, some nothing.

Every action runs at its moment in the demo's history (:func:`_on`: the services read the
time from ``django.utils.timezone.now``): a confirmed or verified impact entry can never have
its times rewritten afterwards (the ledger's trigger, migration ``0005``), so they are written
at the right time in the first place. Dates are relative to today; ``challenges.demo.clock``
moves the projects forward (:func:`shift`) when the demo is seeded again on a later day.

Idempotent: a project created directly is found by its title; a project of an award is
enriched only while it has no milestone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO
from unittest import mock

from django.db import models
from django.db.models import F, Q
from django.utils import translation

from cluster_portal.core.money import Money
from members.models import Capability, User

from ..models import (
    DecisionBatch,
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressUpdate,
    Project,
    ProjectFunding,
)
from ..services import impact as impacts
from ..services import portfolio as services
from .common import admin_of, at, lima_today, organization, person
from .evaluation import DECIDED_CALLS
from .proposals import demo_pdf

#: The demo portfolio manager (``members/demo/roles.py``).
PORTFOLIO_MANAGER_EMAIL = "portafolio@cmsp.pe"
#: Verifies what the portfolio manager confirmed for a sponsor (four eyes).
ADMINISTRATOR_EMAIL = "secretaria@cmsp.pe"

PLANNED = Project.Status.PLANNED
ACTIVE = Project.Status.ACTIVE
ON_HOLD = Project.Status.ON_HOLD
COMPLETED = Project.Status.COMPLETED
CANCELLED = Project.Status.CANCELLED
PUBLIC = ProjectFunding.Kind.PUBLIC
PRIVATE = ProjectFunding.Kind.PRIVATE
K = ImpactEntry.Kind

# Milestone and impact outcomes in the specs below.
ACCEPTED = "accepted"
SUBMITTED = "submitted"
RETURNED = "returned"
PENDING = "pending"
DROPPED = "cancelled"
CLAIMED = "claimed"
CONFIRMED = "confirmed"
VERIFIED = "verified"
REJECTED = "rejected"


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    due: int  # days from today
    weight: int
    outcome: str = PENDING
    note: str = ""  # what the evidence shows (or the reason to return or cancel it)
    by_partner: bool = False  # evidence submitted by a partner's person instead of the lead's


@dataclass(frozen=True)
class DemoIndicator:
    result: str
    name: str
    name_en: str
    unit: str
    baseline: str
    target: str
    #: (period start, period end, value) in days from today.
    periods: tuple[tuple[int, int, str], ...] = ()
    higher_is_better: bool = True
    baseline_year: int | None = None
    #: (index of the period, new value, reason): a period recorded again with a new value.
    correction: tuple[int, str, str] | None = None


@dataclass(frozen=True)
class DemoUpdate:
    period_end: int
    summary: str
    next_steps: str = ""
    risks: str = ""
    #: (who: "sponsor" | "manager" | "partner", body): comments two days after the update.
    comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DemoCorrection:
    data: dict[str, object]
    reason: str
    outcome: str  # claimed or verified


@dataclass(frozen=True)
class DemoImpact:
    kind: str
    description: str
    occurred: int
    value: tuple[str, str] | int  # (amount, currency) for money kinds, a count otherwise
    outcome: str
    counterpart: str = ""
    reason: str = ""  # why it was rejected
    #: The portfolio manager confirms for a sponsor without an account; the administrator
    #: verifies then.
    manager_confirms: bool = False
    evidence: str = ""  # the evidence PDF's text (none when empty)
    correction: DemoCorrection | None = None


@dataclass(frozen=True)
class DemoFunding:
    source: str
    kind: str
    amount: str
    currency: str
    organization: str = ""
    in_kind: bool = False


@dataclass(frozen=True)
class DemoProject:
    title: str
    title_en: str
    status: str
    #: Projects of the demo evaluation's awards: ``title`` is the proposal's; the other fields
    #: up to ``funding`` come from the award.
    award: bool = False
    summary: str = ""
    summary_en: str = ""
    lead: str = ""
    partners: tuple[tuple[str, str], ...] = ()
    sponsors: tuple[str, ...] = ()
    region: str = ""
    site: str = ""
    commodities: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    budget: tuple[str, str] | None = None
    funding: tuple[DemoFunding, ...] = ()
    trl: tuple[int, int] | None = None  # start, target
    created: int = 0
    starts: int | None = None
    ends: int | None = None
    trl_now: int | None = None
    #: Public consent: shown in the showcase, amounts public, site public.
    public: tuple[bool, bool, bool] = (False, False, False)
    milestones: tuple[DemoMilestone, ...] = ()
    indicators: tuple[DemoIndicator, ...] = ()
    updates: tuple[DemoUpdate, ...] = ()
    impact: tuple[DemoImpact, ...] = ()
    #: When the final status was reached (hold, complete, cancel) and why.
    status_day: int = 0
    status_reason: str = ""
    update_every_days: int = 30
    extra: dict[str, object] = field(default_factory=dict)


M = DemoMilestone
I = DemoIndicator  # noqa: E741 - short names keep the specs readable
U = DemoUpdate
E = DemoImpact
F_ = DemoFunding

_NOTE = "Documento de evidencia del hito."

PROJECTS: list[DemoProject] = [
    # --- The demo evaluation's awards -----------------------------------------------------------
    DemoProject(
        title="Gemelo digital del desgaste de revestimientos de molinos SAG",
        title_en="Digital twin of SAG mill liner wear",
        award=True,
        status=ACTIVE,
        starts=-232,
        trl_now=6,
        public=(True, True, False),
        milestones=(
            M(
                "Escaneo láser de línea base de los revestimientos",
                -200,
                10,
                ACCEPTED,
                "Nube de puntos de los dos molinos SAG antes del cambio de revestimientos; "
                "informe de espesores por fila.",
            ),
            M(
                "Modelo de desgaste calibrado con dos campañas",
                -120,
                30,
                ACCEPTED,
                "Error medio de 4,1 mm frente al escaneo de control; informe de calibración.",
            ),
            M(
                "Tablero de predicción integrado al sistema de mantenimiento",
                -40,
                30,
                ACCEPTED,
                "Capturas del tablero en producción y acta de conformidad de mantenimiento.",
                by_partner=True,
            ),
            M("Reemplazo de revestimientos planificado con el gemelo", 35, 30),
        ),
        indicators=(
            I(
                "Menos paradas no programadas de molienda",
                "Horas de parada no programada del molino SAG por trimestre",
                "Unplanned SAG mill downtime hours per quarter",
                "h",
                "96",
                "40",
                ((-270, -181, "88"), (-180, -91, "61"), (-90, -1, "47")),
                higher_is_better=False,
                baseline_year=2025,
            ),
            I(
                "Revestimientos aprovechados hasta su límite",
                "Vida útil de los revestimientos del molino SAG",
                "SAG mill liner life",
                "días",
                "210",
                "250",
                ((-232, -161, "214"), (-160, -81, "223"), (-80, -1, "231")),
                baseline_year=2025,
            ),
        ),
        updates=(
            U(
                -95,
                "El modelo quedó calibrado con la segunda campaña de escaneo; el error medio "
                "bajó de 7 a 4 mm.",
                "Integrar el tablero al sistema de mantenimiento.",
                comments=(("sponsor", "Conforme. Pedimos incluir la línea 2 en el tablero."),),
            ),
            U(
                -12,
                "El tablero de predicción está en uso por la superintendencia de "
                "mantenimiento; la parada de diciembre se planificó con él.",
                "Planificar el próximo cambio de revestimientos con el gemelo.",
                comments=(("manager", "Buen avance. Registren la orden de compra como impacto."),),
            ),
        ),
        impact=(
            E(
                K.CONTRACT,
                "Orden de compra de Minera Chachani por la licencia anual del gemelo "
                "digital para sus dos molinos SAG.",
                -30,
                ("96000", "PEN"),
                CONFIRMED,
                counterpart="chachani",
                evidence="Orden de compra N.° 4500012871 por la licencia "
                "anual del gemelo digital de revestimientos.",
            ),
            E(
                K.PILOT,
                "Piloto completado en las líneas 1 y 2 de la planta concentradora.",
                -45,
                1,
                VERIFIED,
                counterpart="chachani",
            ),
            E(
                K.PATENT,
                "Solicitud de patente presentada a INDECOPI por el método de estimación del "
                "desgaste a partir de nubes de puntos.",
                -20,
                1,
                CLAIMED,
                evidence="Cargo de presentación de la solicitud de patente ante INDECOPI.",
            ),
        ),
    ),
    DemoProject(
        title="Monitoreo de vibraciones y sellos en bombas de pulpa de interior mina",
        title_en="Vibration and seal monitoring of underground slurry pumps",
        award=True,
        status=ACTIVE,
        starts=-228,
        trl_now=7,
        public=(True, False, False),
        milestones=(
            M(
                "Sensores instalados en doce bombas del nivel 4 370",
                -190,
                20,
                ACCEPTED,
                "Acta de instalación y fotografías de los sensores por bomba.",
            ),
            M(
                "Alarmas de falla de sellos validadas con mantenimiento",
                -110,
                30,
                ACCEPTED,
                "Tres fallas anticipadas entre 5 y 9 días; reporte de validación.",
                by_partner=True,
            ),
            M(
                "Extensión a las bombas del nivel 4 250",
                10,
                20,
                SUBMITTED,
                "Acta de instalación en ocho bombas adicionales y prueba de comunicación.",
            ),
            M("Manual de operación y capacitación del personal", 30, 10),
        ),
        indicators=(
            I(
                "Menos fallas de sellos en bombas de pulpa",
                "Fallas de sellos por mes",
                "Seal failures per month",
                "fallas",
                "6",
                "2",
                ((-210, -151, "5"), (-150, -91, "3"), (-90, -31, "3"), (-30, -1, "2")),
                higher_is_better=False,
                baseline_year=2025,
            ),
        ),
        updates=(
            U(
                -60,
                "Las alarmas anticiparon tres fallas de sellos; mantenimiento cambió los "
                "sellos en paradas programadas.",
                "Instalar sensores en el nivel 4 250.",
                risks="La comunicación inalámbrica en el nivel 4 250 requiere repetidores.",
                comments=(("sponsor", "Cailloma Andina aporta los repetidores."),),
            ),
            U(
                -9,
                "Ocho bombas del nivel 4 250 ya transmiten; se presentó la evidencia del hito.",
                "Redactar el manual y capacitar a los operadores.",
            ),
        ),
        impact=(
            E(
                K.JOBS,
                "Dos técnicos de instrumentación contratados en Caylloma para el monitoreo.",
                -70,
                2,
                CLAIMED,
            ),
        ),
    ),
    DemoProject(
        title="Más agua del espesador con floculación optimizada y control en línea",
        title_en="More water from the thickener with optimized flocculation and online control",
        award=True,
        status=ACTIVE,
        starts=-104,
        trl_now=6,
        public=(True, True, True),
        milestones=(
            M(
                "Pruebas de sedimentación con relaves de ambas operaciones",
                -80,
                20,
                ACCEPTED,
                "Curvas de sedimentación y dosis óptimas de floculante por tipo de relave.",
            ),
            M(
                "Lazo de control de floculante en operación",
                -30,
                40,
                ACCEPTED,
                "Lazo en automático desde el 15; tendencias de densidad de descarga.",
            ),
            M("Informe de recuperación de agua a tres meses", 40, 40),
        ),
        indicators=(
            I(
                "Más agua recuperada del espesador",
                "Recuperación de agua del espesador",
                "Thickener water recovery",
                "%",
                "58",
                "70",
                ((-100, -71, "59.5"), (-70, -41, "63.2"), (-40, -11, "66.8")),
                baseline_year=2025,
                correction=(
                    1,
                    "62.4",
                    "El caudalímetro de rebose estaba descalibrado; "
                    "valor recalculado con la calibración del 20.",
                ),
            ),
            I(
                "Menos floculante por tonelada",
                "Consumo de floculante",
                "Flocculant use",
                "g/t",
                "32",
                "24",
                ((-100, -71, "31"), (-70, -41, "27"), (-40, -11, "25")),
                higher_is_better=False,
            ),
        ),
        updates=(
            U(
                -45,
                "Las pruebas fijaron la dosis óptima; el lazo de control está en pruebas.",
                "Pasar el lazo a automático.",
                comments=(
                    ("sponsor", "Torata Norte pide repetir la prueba con su relave de enero."),
                ),
            ),
            U(
                -8,
                "El lazo opera en automático: la recuperación de agua subió de 58 % a 66,8 %.",
                "Medir tres meses completos para el informe final.",
            ),
        ),
        impact=(
            E(
                K.PILOT,
                "Piloto de control de floculación completado en el espesador de "
                "relaves de Pichu Pichu.",
                -28,
                1,
                VERIFIED,
                counterpart="pichupichu",
            ),
            E(
                K.CONTRACT,
                "Contrato de Torata Norte para replicar el control en su espesador.",
                -14,
                ("41500", "USD"),
                CLAIMED,
                counterpart="torata",
                evidence="Contrato de servicio de control de floculación para el espesador de "
                "Torata Norte, firmado el 14.",
            ),
        ),
    ),
    DemoProject(
        title="Relaves filtrados a escala piloto para recuperar agua",
        title_en="Pilot-scale filtered tailings to recover water",
        award=True,
        status=PLANNED,
        milestones=(
            M("Filtro prensa piloto instalado en la relavera", 45, 30),
            M("Campaña de filtración de tres meses", 140, 50),
            M("Informe técnico-económico para escala industrial", 180, 20),
        ),
        indicators=(
            I(
                "Agua recuperada del relave filtrado",
                "Humedad del queque filtrado",
                "Filter cake moisture",
                "%",
                "22",
                "15",
                higher_is_better=False,
            ),
        ),
    ),
    # --- Created by the portfolio manager -------------------------------------------------------
    DemoProject(
        title="Mantenimiento predictivo de camiones de acarreo con análisis de aceite en línea",
        title_en="Predictive maintenance of haul trucks with online oil analysis",
        status=ACTIVE,
        summary="Sensores de partículas y viscosidad en los motores y transmisiones de diez "
        "camiones de 240 t, con alertas de desgaste antes de la falla.",
        summary_en="Particle and viscosity sensors on the engines and transmissions of ten "
        "240 t trucks, with wear alerts before the failure.",
        lead="minesoft",
        partners=(("santacatalina", "Análisis de datos y laboratorio de aceites"),),
        sponsors=("candarave",),
        region="tacna",
        site="Taller de camiones, mina Candarave",
        commodities=("copper",),
        areas=("maintenance", "automation-digital"),
        budget=("85000", "USD"),
        funding=(
            F_("Minera Candarave", PRIVATE, "65000", "USD", "candarave"),
            F_("MineSoft (aporte propio)", PRIVATE, "20000", "USD", "minesoft", in_kind=True),
        ),
        trl=(5, 7),
        trl_now=6,
        created=-160,
        starts=-150,
        ends=120,
        public=(True, True, False),
        milestones=(
            M(
                "Sensores instalados en diez camiones",
                -120,
                20,
                ACCEPTED,
                "Acta de instalación firmada por el jefe de taller.",
            ),
            M(
                "Modelo de alertas entrenado con seis meses de datos",
                -60,
                30,
                ACCEPTED,
                "Precisión de 87 % en fallas de transmisión; informe del modelo.",
            ),
            M(
                "Alertas integradas a las órdenes de trabajo",
                -12,
                30,
                RETURNED,
                "La integración no crea la orden en el sistema de mantenimiento: solo envía un "
                "correo. Adjunten la prueba con la orden creada.",
            ),
            M("Evaluación económica del piloto", 60, 20),
        ),
        indicators=(
            I(
                "Menos fallas mayores de camiones",
                "Fallas mayores de tren de potencia",
                "Major powertrain failures",
                "fallas/trimestre",
                "9",
                "4",
                ((-150, -91, "8"), (-90, -31, "6"), (-30, -1, "6")),
                higher_is_better=False,
            ),
        ),
        updates=(
            U(
                -40,
                "El modelo de alertas detectó dos fallas de transmisión con una semana de "
                "anticipación.",
                "Integrar las alertas a las órdenes de trabajo.",
                risks="El sistema de mantenimiento de Candarave no tiene API documentada.",
            ),
            U(
                -10,
                "La integración con las órdenes de trabajo está atrasada: el sponsor devolvió "
                "la evidencia.",
                "Reunión con TI de Candarave para usar su API.",
                risks="El hito de integración está vencido.",
                comments=(("manager", "Por favor, propongan una nueva fecha y la revisamos."),),
            ),
        ),
        impact=(
            E(
                K.SALES,
                "Venta de kits de sensores para cuatro camiones adicionales.",
                -25,
                ("18400", "USD"),
                REJECTED,
                counterpart="candarave",
                reason="La orden de compra es de otro proveedor; no corresponde a este piloto.",
            ),
        ),
    ),
    DemoProject(
        title="Monitoreo satelital InSAR de la presa de relaves Quebrada Honda",
        title_en="InSAR satellite monitoring of the Quebrada Honda tailings dam",
        status=COMPLETED,
        summary="Deformaciones milimétricas del muro de la presa con imágenes de radar, "
        "contrastadas con inclinómetros y prismas, y alertas tempranas para geotecnia.",
        summary_en="Millimetre deformation of the dam wall from radar images, checked against "
        "inclinometers and prisms, with early warnings for geotechnics.",
        lead="geodatos",
        partners=(("tacnadrones", "Vuelos fotogramétricos de control"),),
        sponsors=("torata",),
        region="moquegua",
        site="Presa de relaves Quebrada Honda, Torata",
        commodities=("copper",),
        areas=("tailings", "automation-digital"),
        budget=("240000", "PEN"),
        funding=(
            F_("Torata Norte", PRIVATE, "180000", "PEN", "torata"),
            F_("Geodatos (aporte propio)", PRIVATE, "60000", "PEN", "geodatos"),
        ),
        trl=(6, 8),
        trl_now=8,
        created=-330,
        starts=-320,
        ends=-40,
        public=(True, True, True),
        milestones=(
            M(
                "Procesamiento de 24 meses de imágenes históricas",
                -280,
                30,
                ACCEPTED,
                "Mapa de velocidades de deformación del muro y los estribos.",
            ),
            M(
                "Contraste con inclinómetros y prismas",
                -200,
                30,
                ACCEPTED,
                "Diferencia media de 1,8 mm con los prismas topográficos.",
            ),
            M(
                "Alertas tempranas operando con geotecnia",
                -80,
                40,
                ACCEPTED,
                "Protocolo de alertas aprobado y dos alertas atendidas.",
            ),
        ),
        indicators=(
            I(
                "Vigilancia continua del muro",
                "Cobertura del muro con puntos de medición",
                "Dam wall covered by measurement points",
                "%",
                "15",
                "90",
                ((-300, -211, "62"), (-210, -121, "84"), (-120, -41, "93")),
            ),
        ),
        updates=(
            U(
                -150,
                "El contraste con prismas confirma la precisión del método.",
                "Poner en marcha el protocolo de alertas.",
            ),
            U(
                -45,
                "Proyecto concluido: geotecnia usa las alertas semanales.",
                "",
                comments=(("sponsor", "Torata Norte extiende el servicio a su segunda presa."),),
            ),
        ),
        status_day=-38,
        status_reason="Hitos aceptados; el servicio continúa como contrato comercial.",
        impact=(
            E(
                K.PILOT,
                "Piloto completado en la presa Quebrada Honda.",
                -60,
                1,
                VERIFIED,
                counterpart="torata",
            ),
            E(
                K.CONTRACT,
                "Contrato de servicio de monitoreo InSAR por dos años para dos presas.",
                -50,
                ("210000", "PEN"),
                VERIFIED,
                counterpart="torata",
                evidence="Contrato de servicio de monitoreo satelital de presas de relaves por "
                "24 meses.",
                correction=DemoCorrection(
                    {"amount": Money(Decimal("186000"), "PEN")},
                    "El contrato firmado se redujo a 186 000 soles al excluir los vuelos de "
                    "control del segundo año.",
                    CLAIMED,
                ),
            ),
            E(K.JOBS, "Tres analistas de teledetección contratados en Arequipa.", -70, 3, VERIFIED),
        ),
    ),
    DemoProject(
        title="Sistema anticolisión para vehículos livianos y camiones en tajo abierto",
        title_en="Collision avoidance for light vehicles and trucks in the open pit",
        status=ACTIVE,
        summary="Etiquetas de radio de banda ultraancha en camionetas y camiones, con alertas "
        "en cabina por proximidad y registro de eventos para seguridad.",
        summary_en="Ultra-wideband radio tags on pickups and trucks, with proximity alerts in "
        "the cab and an event log for safety.",
        lead="segurimin",
        partners=(("andestech", "Plataforma de registro de eventos"),),
        sponsors=("chachani",),
        region="arequipa",
        site="Tajo Chachani, rampa norte",
        commodities=("copper", "molybdenum"),
        areas=("safety", "logistics"),
        budget=("120000", "USD"),
        funding=(F_("Minera Chachani", PRIVATE, "120000", "USD", "chachani"),),
        trl=(5, 7),
        trl_now=6,
        created=-130,
        starts=-120,
        ends=90,
        public=(True, False, False),
        milestones=(
            M(
                "Etiquetas instaladas en 40 vehículos",
                -90,
                25,
                ACCEPTED,
                "Registro de instalación por placa y prueba de alcance.",
            ),
            M(
                "Alertas en cabina validadas en la rampa norte",
                5,
                35,
                SUBMITTED,
                "Informe de 312 eventos de proximidad con tiempos de respuesta.",
            ),
            M("Extensión a toda la flota de acarreo", 70, 40),
        ),
        indicators=(
            I(
                "Menos incidentes de proximidad",
                "Incidentes de proximidad reportados",
                "Reported proximity incidents",
                "incidentes/mes",
                "14",
                "3",
                ((-120, -91, "12"), (-90, -61, "7"), (-60, -31, "5"), (-30, -1, "4")),
                higher_is_better=False,
            ),
        ),
        updates=(
            U(
                -18,
                "Las alertas en cabina redujeron los incidentes de proximidad a cuatro por mes.",
                "Extender las etiquetas a la flota de acarreo.",
                comments=(
                    ("sponsor", "Seguridad de Chachani revisó los eventos: conforme."),
                    ("partner", "El registro de eventos ya exporta al sistema de seguridad."),
                ),
            ),
        ),
        impact=(
            E(
                K.INVESTMENT,
                "Inversión de FOGASUR en capital de trabajo de Segurimin para "
                "fabricar las etiquetas en Arequipa.",
                -35,
                ("250000", "PEN"),
                VERIFIED,
                counterpart="fogasur",
                manager_confirms=True,
                evidence="Carta de aprobación de la línea de financiamiento de FOGASUR.",
            ),
        ),
    ),
    DemoProject(
        title="Variadores de frecuencia y gestión de demanda en bombas de agua de mina",
        title_en="Variable frequency drives and demand management for mine water pumps",
        status=ACTIVE,
        summary="Variadores en las bombas de drenaje y un programa de bombeo fuera de hora "
        "punta para bajar el consumo y la demanda máxima de energía.",
        summary_en="Drives on the dewatering pumps and off-peak pumping schedules to lower "
        "energy use and peak demand.",
        lead="metalilo",
        partners=(("uncollao", "Auditoría energética"),),
        sponsors=("collao",),
        region="puno",
        site="Estación de bombeo Nv. 4 600, Antauta",
        commodities=("tin",),
        areas=("energy", "water"),
        budget=("180000", "PEN"),
        funding=(
            F_("Estaño Collao", PRIVATE, "150000", "PEN", "collao"),
            F_("Metalmecánica Ilo (aporte propio)", PRIVATE, "30000", "PEN", "metalilo"),
        ),
        trl=(6, 8),
        trl_now=7,
        created=-200,
        starts=-190,
        ends=30,
        milestones=(
            M(
                "Auditoría energética de la estación de bombeo",
                -170,
                20,
                ACCEPTED,
                "Línea base de consumo y perfil de demanda por bomba.",
            ),
            M(
                "Variadores instalados en cuatro bombas",
                -110,
                40,
                ACCEPTED,
                "Acta de puesta en marcha de los cuatro variadores.",
            ),
            M(
                "Programa de bombeo fuera de hora punta",
                -60,
                20,
                ACCEPTED,
                "Programa aprobado por operaciones y tendencias de nivel del sumidero.",
            ),
            M(
                "Sensor de nivel redundante",
                -50,
                5,
                DROPPED,
                "Operaciones instaló un sensor redundante con su propio presupuesto.",
            ),
            M("Informe de ahorro verificado", 20, 20),
        ),
        indicators=(
            I(
                "Menos energía por metro cúbico bombeado",
                "Energía específica de bombeo",
                "Specific pumping energy",
                "kWh/m³",
                "1.42",
                "1.05",
                ((-180, -121, "1.38"), (-120, -61, "1.17"), (-60, -1, "1.09")),
                higher_is_better=False,
            ),
        ),
        updates=(
            U(
                -55,
                "Los variadores bajaron la energía específica de 1,42 a 1,09 kWh/m³.",
                "Preparar el informe de ahorro verificado.",
                comments=(("sponsor", "Enviaremos las facturas de energía del trimestre."),),
            ),
        ),
        extra={"overdue": True},
        impact=(
            E(
                K.SALES,
                "Venta de variadores para la estación de bombeo del nivel 4 400.",
                -40,
                ("64000", "PEN"),
                CLAIMED,
                counterpart="collao",
            ),
        ),
    ),
    DemoProject(
        title="Beneficio de oro sin mercurio por gravimetría y flotación en Chaparra",
        title_en="Mercury-free gold recovery by gravity and flotation in Chaparra",
        status=COMPLETED,
        summary="Planta modular de gravimetría y flotación para la cooperativa, que reemplaza "
        "la amalgamación con mercurio y forma a los socios en su operación.",
        summary_en="A modular gravity and flotation plant for the cooperative, replacing "
        "amalgamation with mercury and training its members to run it.",
        lead="ecoandes",
        partners=(
            ("chaparra", "Frente de trabajo y socios operadores"),
            ("unsa", "Ensayos metalúrgicos"),
        ),
        sponsors=("pnim", "caf"),
        region="arequipa",
        site="Anexo Alto Molino, Chaparra, Caravelí",
        commodities=("gold",),
        areas=("environment-community", "training"),
        budget=("320000", "PEN"),
        funding=(
            F_("Programa Nacional de Innovación Minera", PUBLIC, "200000", "PEN", "pnim"),
            F_("CAF — fondo de cooperación técnica", PUBLIC, "90000", "PEN", "caf"),
            F_(
                "Coopemin Chaparra (mano de obra)",
                PRIVATE,
                "30000",
                "PEN",
                "chaparra",
                in_kind=True,
            ),
        ),
        trl=(5, 8),
        trl_now=8,
        created=-300,
        starts=-290,
        ends=-30,
        public=(True, True, True),
        milestones=(
            M(
                "Ensayos metalúrgicos del mineral de tres vetas",
                -250,
                20,
                ACCEPTED,
                "Recuperaciones por gravimetría y flotación por veta.",
            ),
            M(
                "Planta modular instalada y en marcha",
                -150,
                40,
                ACCEPTED,
                "Acta de puesta en marcha con la cooperativa y la autoridad regional.",
            ),
            M(
                "Veinte socios formados en la operación",
                -60,
                40,
                ACCEPTED,
                "Lista de asistencia y evaluación práctica de los socios.",
            ),
        ),
        indicators=(
            I(
                "Oro recuperado sin mercurio",
                "Mercurio usado por la cooperativa",
                "Mercury used by the cooperative",
                "kg/mes",
                "11",
                "0",
                ((-270, -181, "9"), (-180, -91, "3"), (-90, -31, "0")),
                higher_is_better=False,
                baseline_year=2025,
            ),
            I(
                "Más oro recuperado",
                "Recuperación de oro",
                "Gold recovery",
                "%",
                "45",
                "75",
                ((-180, -121, "68"), (-120, -61, "72"), (-60, -31, "74")),
            ),
        ),
        updates=(
            U(
                -120,
                "La planta opera dos turnos; el uso de mercurio bajó a 3 kg/mes.",
                "Formar al segundo grupo de socios.",
                comments=(("sponsor", "El PNIM difundirá el caso en su boletín."),),
            ),
            U(-35, "Cooperativa libre de mercurio desde hace tres meses.", ""),
        ),
        status_day=-28,
        status_reason="Planta transferida a la cooperativa; todos los hitos aceptados.",
        impact=(
            E(
                K.PILOT,
                "Planta piloto sin mercurio completada y transferida.",
                -40,
                1,
                VERIFIED,
                counterpart="chaparra",
            ),
            E(
                K.JOBS,
                "Empleos formales de operadores de planta en la cooperativa.",
                -45,
                12,
                VERIFIED,
                counterpart="chaparra",
                evidence="Planilla de la cooperativa con los doce operadores de planta.",
            ),
            E(
                K.SALES,
                "Venta de concentrado de oro a una refinería de Arequipa.",
                -50,
                ("48000", "USD"),
                VERIFIED,
                counterpart="chaparra",
                correction=DemoCorrection(
                    {"amount": Money(Decimal("42500"), "USD")},
                    "La refinería emitió una nota de crédito por ley menor del lote.",
                    VERIFIED,
                ),
            ),
            E(
                K.INVESTMENT,
                "Crédito de CAF a la cooperativa para una segunda planta.",
                -33,
                ("150000", "USD"),
                CONFIRMED,
                counterpart="caf",
            ),
        ),
    ),
    DemoProject(
        title="Planta solar flotante en el reservorio de agua de proceso",
        title_en="Floating solar plant on the process water reservoir",
        status=PLANNED,
        summary="Un megavatio fotovoltaico flotante que además reduce la evaporación del "
        "reservorio de agua de proceso.",
        summary_en="A floating one-megawatt solar plant that also cuts evaporation from the "
        "process water reservoir.",
        lead="solarmisti",
        sponsors=("pichupichu",),
        region="moquegua",
        site="Reservorio de agua de proceso, concentradora Pichu Pichu",
        commodities=("copper", "molybdenum"),
        areas=("energy", "water"),
        budget=("210000", "USD"),
        funding=(F_("Pichu Pichu", PRIVATE, "210000", "USD", "pichupichu"),),
        trl=(6, 8),
        created=-12,
        starts=20,
        ends=300,
        public=(True, False, False),
        milestones=(
            M("Estudio de anclajes y batimetría", 50, 20),
            M("Primer módulo de 250 kW conectado", 150, 40),
            M("Planta completa y medición de evaporación", 280, 40),
        ),
    ),
    DemoProject(
        title="Relleno en pasta con relaves cicloneados en mina subterránea",
        title_en="Paste backfill with cycloned tailings in an underground mine",
        status=ON_HOLD,
        summary="Relleno en pasta de los tajeos explotados con relaves cicloneados y cemento, "
        "para bajar el volumen en la relavera.",
        summary_en="Paste backfill of mined stopes with cycloned tailings and cement, to store "
        "less in the tailings facility.",
        lead="relavesur",
        partners=(("cims", "Ensayos de resistencia"),),
        sponsors=("vilcabamba",),
        region="cusco",
        site="Unidad Vilcabamba, tajeos del nivel 3 900",
        commodities=("gold", "silver"),
        areas=("tailings",),
        budget=("150000", "PEN"),
        funding=(F_("Minera Vilcabamba", PRIVATE, "150000", "PEN", "vilcabamba"),),
        trl=(5, 7),
        trl_now=5,
        created=-140,
        starts=-130,
        ends=110,
        milestones=(
            M(
                "Ensayos de resistencia de mezclas",
                -90,
                30,
                ACCEPTED,
                "Resistencias a 7 y 28 días de seis mezclas.",
            ),
            M("Planta de relleno piloto instalada", 20, 70),
        ),
        indicators=(
            I(
                "Menos relave en la relavera",
                "Relave colocado como relleno",
                "Tailings placed as backfill",
                "t/mes",
                "0",
                "6000",
                ((-120, -91, "0"), (-90, -61, "0"), (-60, -31, "0")),
            ),
        ),
        updates=(
            U(
                -40,
                "Los ensayos definieron la mezcla; la planta piloto espera la modificación "
                "del instrumento ambiental.",
                "",
                risks="Sin la modificación aprobada no se puede instalar la planta.",
            ),
        ),
        status_day=-30,
        status_reason="En espera de la aprobación de la modificación del instrumento de gestión "
        "ambiental por la autoridad.",
    ),
    DemoProject(
        title="Telemetría del consumo de agua fresca por circuito de flotación",
        title_en="Fresh water use telemetry per flotation circuit",
        status=ACTIVE,
        summary="Caudalímetros y un balance hídrico en línea por circuito, para encontrar y "
        "cerrar las pérdidas de agua fresca.",
        summary_en="Flow meters and an online water balance per circuit, to find and close "
        "fresh water losses.",
        lead="hidroandina",
        sponsors=("cailloma",),
        region="arequipa",
        site="Planta concentradora Caylloma",
        commodities=("silver", "lead", "zinc"),
        areas=("water", "automation-digital"),
        budget=("95000", "PEN"),
        funding=(
            F_("Cailloma Andina", PRIVATE, "75000", "PEN", "cailloma"),
            F_("Hidroandina (aporte propio)", PRIVATE, "20000", "PEN", "hidroandina"),
        ),
        trl=(6, 8),
        trl_now=7,
        created=-100,
        starts=-95,
        ends=60,
        public=(True, False, False),
        milestones=(
            M(
                "Caudalímetros instalados en seis circuitos",
                -70,
                40,
                ACCEPTED,
                "Certificados de calibración y acta de instalación.",
            ),
            M(
                "Balance hídrico en línea publicado",
                10,
                30,
                SUBMITTED,
                "Capturas del balance en línea y validación con el balance mensual.",
            ),
            M("Plan de cierre de pérdidas", 45, 30),
        ),
        indicators=(
            I(
                "Menos agua fresca por tonelada",
                "Agua fresca por tonelada tratada",
                "Fresh water per tonne treated",
                "m³/t",
                "0.62",
                "0.45",
                ((-90, -61, "0.60"), (-60, -31, "0.55"), (-30, -1, "0.52")),
                higher_is_better=False,
            ),
        ),
        updates=(
            U(
                -15,
                "Se ubicaron dos pérdidas en el circuito de zinc; el balance en línea está listo.",
                "Plan de cierre de pérdidas con operaciones.",
            ),
        ),
        impact=(
            E(
                K.PILOT,
                "Piloto de balance hídrico en línea completado.",
                -6,
                1,
                CLAIMED,
                counterpart="cailloma",
            ),
        ),
    ),
    DemoProject(
        title="Inspección con drones de fajas transportadoras y chancadoras",
        title_en="Drone inspection of conveyor belts and crushers",
        status=CANCELLED,
        summary="Vuelos con cámara térmica para detectar polines calientes y desgaste de "
        "fajas sin detener la línea.",
        summary_en="Thermal camera flights to find hot idlers and belt wear without stopping "
        "the line.",
        lead="tacnadrones",
        sponsors=("candarave",),
        region="tacna",
        site="Faja overland de la mina Candarave",
        commodities=("copper",),
        areas=("maintenance", "safety"),
        budget=("70000", "PEN"),
        funding=(F_("Minera Candarave", PRIVATE, "70000", "PEN", "candarave"),),
        trl=(6, 7),
        trl_now=6,
        created=-180,
        starts=-170,
        ends=-10,
        milestones=(
            M(
                "Vuelos de prueba y protocolo de seguridad",
                -140,
                30,
                ACCEPTED,
                "Protocolo de vuelo aprobado por seguridad de la mina.",
            ),
            M("Detección automática de polines calientes", -60, 70),
        ),
        updates=(
            U(
                -100,
                "Vuelos de prueba completados; el sponsor evalúa reemplazar la faja.",
                "",
                risks="La faja overland podría reemplazarse por camiones.",
            ),
        ),
        status_day=-70,
        status_reason="Minera Candarave reemplazó la faja overland por acarreo con camiones: "
        "el piloto perdió su objeto.",
    ),
    DemoProject(
        title="Capacitación en realidad virtual para operadores de perforación en quechua",
        title_en="Virtual reality training for drill operators in Quechua",
        status=ACTIVE,
        summary="Simulador de perforación en realidad virtual con instrucciones en quechua y "
        "castellano para jóvenes de las comunidades del área de influencia.",
        summary_en="A virtual reality drilling simulator with instructions in Quechua and "
        "Spanish for young people of the neighbouring communities.",
        lead="capacita",
        partners=(("perfoapu", "Instructores y guiones de perforación"),),
        sponsors=("chalhuanca",),
        region="apurimac",
        site="Centro de formación comunal de Chalhuanca",
        commodities=("copper", "gold"),
        areas=("training", "safety"),
        budget=("60000", "PEN"),
        funding=(
            F_("Minera Chalhuanca", PRIVATE, "45000", "PEN", "chalhuanca"),
            F_(
                "Gobierno Regional de Arequipa — fondo concursable",
                PUBLIC,
                "15000",
                "PEN",
                "goreaqp",
            ),
        ),
        trl=(6, 8),
        trl_now=7,
        created=-90,
        starts=-85,
        ends=95,
        public=(True, True, True),
        milestones=(
            M(
                "Guiones de perforación grabados en quechua",
                -60,
                20,
                ACCEPTED,
                "Guiones validados por instructores y traductores de la comunidad.",
                by_partner=True,
            ),
            M(
                "Primer grupo de 25 jóvenes formados",
                -10,
                40,
                ACCEPTED,
                "Lista de participantes y resultados de la evaluación práctica.",
            ),
            M("Segundo grupo y certificación", 80, 40),
        ),
        indicators=(
            I(
                "Jóvenes de la comunidad formados",
                "Personas formadas",
                "People trained",
                "personas",
                "0",
                "50",
                ((-80, -51, "8"), (-50, -21, "19"), (-20, -1, "25")),
            ),
        ),
        updates=(
            U(
                -7,
                "Primer grupo formado; once participantes pasaron a la evaluación de la "
                "contratista de perforación.",
                "Convocar al segundo grupo.",
                comments=(
                    ("sponsor", "Excelente. Chalhuanca cubre el transporte del segundo grupo."),
                ),
            ),
        ),
        impact=(
            E(
                K.JOBS,
                "Cinco jóvenes contratados como ayudantes de perforación por PerfoApu.",
                -5,
                5,
                CLAIMED,
                counterpart="perfoapu",
                evidence="Contratos de trabajo de los cinco ayudantes de perforación.",
            ),
            E(
                K.JOBS,
                "Ocho jóvenes contratados por la minera.",
                -20,
                8,
                REJECTED,
                counterpart="chalhuanca",
                reason="Las contrataciones son del programa de empleo local de la minera, "
                "anterior al piloto.",
            ),
        ),
    ),
    DemoProject(
        title="Recuperación de agua de relaves en la planta de estaño",
        title_en="Water recovery from tailings at the tin plant",
        status=ACTIVE,
        summary="Espesador de alta densidad y recirculación del agua clarificada a la planta "
        "de estaño, con tratamiento para metales disueltos.",
        summary_en="A high-density thickener and recirculation of the clarified water to the "
        "tin plant, with treatment for dissolved metals.",
        lead="aguasaltiplano",
        partners=(("uncollao", "Monitoreo de calidad de agua"),),
        sponsors=("collao", "caf"),
        region="puno",
        site="Planta de estaño, Antauta",
        commodities=("tin",),
        areas=("water", "tailings", "environment-community"),
        budget=("140000", "USD"),
        funding=(
            F_("Estaño Collao", PRIVATE, "90000", "USD", "collao"),
            F_("CAF — programa de agua y minería", PUBLIC, "50000", "USD", "caf"),
        ),
        trl=(5, 7),
        trl_now=6,
        created=-75,
        starts=-70,
        ends=200,
        public=(True, True, False),
        milestones=(
            M(
                "Ensayos de espesamiento",
                -40,
                25,
                ACCEPTED,
                "Curvas de espesamiento y diseño del espesador.",
            ),
            M("Espesador de alta densidad en operación", 60, 50),
            M("Recirculación al circuito de flotación", 150, 25),
        ),
        indicators=(
            I(
                "Más agua recirculada",
                "Agua recirculada a la planta",
                "Water recirculated",
                "%",
                "35",
                "75",
                ((-70, -51, "35"), (-50, -31, "38"), (-30, -11, "41")),
            ),
        ),
        updates=(
            U(
                -6,
                "Ensayos aceptados; el espesador está en fabricación en Arequipa.",
                "Montaje del espesador.",
            ),
        ),
        impact=(
            E(
                K.CONTRACT,
                "Contrato de Estaño Collao por el tratamiento de agua del segundo año.",
                -18,
                ("75000", "USD"),
                VERIFIED,
                counterpart="collao",
            ),
        ),
    ),
    DemoProject(
        title="Control de polvo en vías de acarreo con supresores biodegradables",
        title_en="Dust control on haul roads with biodegradable suppressants",
        status=PLANNED,
        summary="Riego con supresores biodegradables y sensores de material particulado para "
        "reducir el polvo y el agua de riego en las vías.",
        summary_en="Biodegradable suppressants and particulate sensors to cut dust and "
        "watering on the haul roads.",
        lead="cierreverde",
        sponsors=("ocona",),
        region="arequipa",
        site="Vías de acarreo de Minera Ocoña",
        commodities=("gold",),
        areas=("environment-community", "water"),
        budget=("45000", "PEN"),
        funding=(F_("Minera Ocoña", PRIVATE, "45000", "PEN", "ocona"),),
        trl=(6, 8),
        created=-5,
        starts=30,
        ends=210,
        milestones=(
            M("Línea base de material particulado", 60, 30),
            M("Tramo piloto de tres kilómetros tratado", 120, 70),
        ),
    ),
]

PROJECTS_BY_TITLE = {spec.title: spec for spec in PROJECTS}
DIRECT_TITLES = [spec.title for spec in PROJECTS if not spec.award]


def portfolio_manager() -> User:
    return person(PORTFOLIO_MANAGER_EMAIL)


# --- The demo's clock ------------------------------------------------------------------------


@contextmanager
def _on(when: datetime.datetime) -> Iterator[None]:
    """Run services as if it were ``when`` (they read ``django.utils.timezone.now``)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def _date(days: int) -> datetime.date:
    """``days`` from the real today (also inside :func:`_on`, where ``at`` would count from
    the moment being played)."""
    return _TODAY[0] + datetime.timedelta(days=days)


#: The real today, taken when :func:`seed` starts.
_TODAY: list[datetime.date] = [datetime.date.min]


def _day(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment of the demo's past: never later than yesterday."""
    return at(min(days, -1), hour, minute)


def demo_projects() -> models.QuerySet[Project]:
    """The demo's projects: those of the demo calls' awards and those created directly."""
    codes = [plan.call for plan in DECIDED_CALLS]
    return Project.objects.filter(Q(proposal__call__code__in=codes) | Q(title__in=DIRECT_TITLES))


def _shift_rows(queryset: models.QuerySet, names: list[str], delta: datetime.timedelta) -> None:
    queryset.update(**{name: F(name) + delta for name in names})


def shift(delta: datetime.timedelta) -> None:
    """Move the demo portfolio's dates forward by ``delta`` (``challenges.demo.clock``).

    Frozen impact entries (confirmed, verified) keep their dates: the ledger's trigger refuses
    any change to them, and a ledger's history does not move. Measurements move one by one,
    latest first, so a period never lands on the next one's start on the way.
    """
    projects = demo_projects()
    ids = list(projects.values_list("pk", flat=True))
    _shift_rows(
        Project.objects.filter(pk__in=ids).exclude(next_update_due=None),
        ["next_update_due"],
        delta,
    )
    # Start and end together where both are set (the end never falls before the start).
    dated = Project.objects.filter(pk__in=ids)
    _shift_rows(
        dated.exclude(starts_on=None).exclude(ends_on=None), ["starts_on", "ends_on"], delta
    )
    _shift_rows(dated.exclude(starts_on=None).filter(ends_on=None), ["starts_on"], delta)
    _shift_rows(dated.filter(starts_on=None).exclude(ends_on=None), ["ends_on"], delta)
    _shift_rows(Project.objects.filter(pk__in=ids), ["created_at", "updated_at"], delta)
    _shift_rows(Milestone.objects.filter(project__in=ids), ["due_on"], delta)
    for name in ("submitted_at", "accepted_at"):
        _shift_rows(
            Milestone.objects.filter(project__in=ids).exclude(**{name: None}), [name], delta
        )
    for measurement in Measurement.objects.filter(indicator__project__in=ids).order_by(
        "-period_start"
    ):
        _shift_rows(
            Measurement.objects.filter(pk=measurement.pk),
            ["period_start", "period_end", "recorded_at"],
            delta,
        )
    _shift_rows(
        ProgressUpdate.objects.filter(project__in=ids), ["period_end", "submitted_at"], delta
    )
    _shift_rows(ProgressComment.objects.filter(update__project__in=ids), ["created_at"], delta)
    _shift_rows(
        ImpactEntry.objects.filter(project__in=ids).exclude(status__in=ImpactEntry.FROZEN),
        ["occurred_on", "claimed_at"],
        delta,
    )


# --- Seeding ---------------------------------------------------------------------------------


def _money(value: tuple[str, str]) -> Money:
    return Money(Decimal(value[0]), value[1])


def _capabilities(slugs: tuple[str, ...], dimension: str) -> list[Capability]:
    return list(Capability.objects.filter(slug__in=slugs, dimension=dimension))


def _lead_admin(project: Project) -> User:
    lead = project.participants.get(role="lead")
    return admin_of(_key(lead.organization_id))


_KEYS: dict[int, str] = {}


def _key(organization_id: int) -> str:
    if not _KEYS:
        from members.demo.organizations import ORGANIZATIONS

        for row in ORGANIZATIONS:
            _KEYS[organization(row[0]).pk] = row[0]
    return _KEYS[organization_id]


def _keys(project: Project, role: str) -> list[str]:
    return [_key(p.organization_id) for p in project.participants.filter(role=role)]


def _create(spec: DemoProject) -> Project:
    manager = portfolio_manager()
    data: dict[str, object] = {
        "title": spec.title,
        "title_en": spec.title_en,
        "summary": spec.summary,
        "summary_en": spec.summary_en,
        "region": spec.region,
        "site": spec.site,
        "update_every_days": spec.update_every_days,
        "commodities": _capabilities(spec.commodities, Capability.Dimension.COMMODITY),
        "service_areas": _capabilities(spec.areas, Capability.Dimension.SERVICE_AREA),
    }
    if spec.budget:
        data["budget"] = _money(spec.budget)
    if spec.trl:
        data["trl_start"], data["trl_target"] = spec.trl
    if spec.starts is not None:
        data["starts_on"] = _date(spec.starts)
    if spec.ends is not None:
        data["ends_on"] = _date(spec.ends)
    with _on(_day(spec.created, 11)):
        project = services.project_create(
            actor=manager,
            data=data,
            lead=organization(spec.lead),
            partners=[(organization(key), part) for key, part in spec.partners],
            sponsors=[organization(key) for key in spec.sponsors],
        )
        for funding in spec.funding:
            services.project_funding_add(
                actor=manager,
                project=project,
                source=funding.source,
                kind=funding.kind,
                amount=Money(Decimal(funding.amount), funding.currency),
                organization=organization(funding.organization) if funding.organization else None,
                in_kind=funding.in_kind,
            )
    return project


def _evidence(title: str, body: str) -> list:
    return [demo_pdf("evidencia.pdf", title, body or _NOTE)]


def _milestones(spec: DemoProject, project: Project, first_day: int) -> None:
    lead = _lead_admin(project)
    partner_keys = _keys(project, "partner")
    sponsor = admin_of(_keys(project, "sponsor")[0])
    with _on(_day(first_day, 12)):
        added = [
            services.milestone_add(
                actor=lead,
                project=project,
                title=m.title,
                due_on=_date(m.due),
                weight=m.weight,
                position=index,
            )
            for index, m in enumerate(spec.milestones)
        ]
    for m, milestone in zip(spec.milestones, added, strict=True):
        if m.outcome == PENDING:
            continue
        if m.outcome == DROPPED:
            with _on(_day(m.due - 5, 9, 30)):
                services.milestone_cancel(
                    actor=portfolio_manager(), milestone=milestone, reason=m.note
                )
            continue
        submitter = admin_of(partner_keys[0]) if m.by_partner and partner_keys else lead
        submitted = min(m.due - 2, -3)
        note = m.note if m.outcome != RETURNED else "Prueba de la integración con el sistema."
        with _on(_day(submitted, 16, 40)):
            services.milestone_submit(
                actor=submitter,
                milestone=milestone,
                note=note,
                files=_evidence(m.title, note),
            )
        if m.outcome == ACCEPTED:
            with _on(_day(submitted + 2, 10, 15)):
                services.milestone_accept(actor=sponsor, milestone=milestone)
        elif m.outcome == RETURNED:
            with _on(_day(submitted + 1, 11, 20)):
                services.milestone_return(actor=sponsor, milestone=milestone, reason=m.note)


def _indicators(spec: DemoProject, project: Project, first_day: int) -> None:
    lead = _lead_admin(project)
    for position, kpi in enumerate(spec.indicators):
        with _on(_day(first_day, 12, 30)):
            indicator = services.indicator_add(
                actor=lead,
                project=project,
                data={
                    "result": kpi.result,
                    "name": kpi.name,
                    "name_en": kpi.name_en,
                    "unit": kpi.unit,
                    "baseline": kpi.baseline,
                    "baseline_year": kpi.baseline_year,
                    "target": kpi.target,
                    "higher_is_better": kpi.higher_is_better,
                    "position": position,
                },
            )
        for start, end, value in sorted(kpi.periods):
            with _on(_day(end + 3, 17)):
                services.measurement_record(
                    actor=lead,
                    indicator=indicator,
                    period_start=_date(start),
                    period_end=_date(end),
                    value=value,
                )
        if kpi.correction is not None:
            index, value, reason = kpi.correction
            start, end, _value = kpi.periods[index]
            with _on(_day(end + 20, 9, 45)):
                services.measurement_record(
                    actor=lead,
                    indicator=indicator,
                    period_start=_date(start),
                    period_end=_date(end),
                    value=value,
                    comment=reason,
                )


def _commenter(who: str, project: Project) -> User:
    if who == "sponsor":
        return admin_of(_keys(project, "sponsor")[0])
    if who == "partner":
        return admin_of(_keys(project, "partner")[0])
    return portfolio_manager()


def _updates(spec: DemoProject, project: Project) -> None:
    lead = _lead_admin(project)
    for update_spec in spec.updates:
        submitted = update_spec.period_end + 1
        if spec.extra.get("overdue"):
            submitted = update_spec.period_end  # its next update is overdue now
        with _on(_day(submitted, 18, 10)):
            update = services.progress_update_submit(
                actor=lead,
                project=project,
                period_end=_date(update_spec.period_end),
                summary=update_spec.summary,
                next_steps=update_spec.next_steps,
                risks=update_spec.risks,
            )
        for index, (who, body) in enumerate(update_spec.comments):
            with _on(_day(submitted + 1 + index, 9, 20)):
                services.progress_comment_add(
                    actor=_commenter(who, project), update=update, body=body
                )


def _confirm_and_verify(entry: ImpactEntry, spec: DemoImpact, day: int, outcome: str) -> None:
    project = entry.project
    confirmer = portfolio_manager() if spec.manager_confirms else None
    confirmer = confirmer or admin_of(_keys(project, "sponsor")[0])
    with _on(_day(day + 4, 11, 30)):
        entry = impacts.impact_confirm(actor=confirmer, entry=entry)
    if outcome == VERIFIED:
        verifier = person(ADMINISTRATOR_EMAIL) if spec.manager_confirms else portfolio_manager()
        with _on(_day(day + 7, 15, 10)):
            impacts.impact_verify(actor=verifier, entry=entry)


def _impact(spec: DemoProject, project: Project) -> None:
    lead = _lead_admin(project)
    for item in spec.impact:
        data: dict[str, object] = {
            "kind": item.kind,
            "description": item.description,
            "occurred_on": _date(item.occurred),
            "counterpart": organization(item.counterpart) if item.counterpart else None,
        }
        if isinstance(item.value, int):
            data["count"] = item.value
        else:
            data["amount"] = _money(item.value)
        claimed = item.occurred + 2
        files = _evidence(str(ImpactEntry.Kind(item.kind).label), item.evidence)
        with _on(_day(claimed, 16)):
            entry = impacts.impact_claim(
                actor=lead,
                project=project,
                data=data,
                files=files if item.evidence else (),
            )
        if item.outcome == REJECTED:
            with _on(_day(claimed + 3, 10)):
                impacts.impact_reject(
                    actor=admin_of(_keys(project, "sponsor")[0]), entry=entry, reason=item.reason
                )
        elif item.outcome in (CONFIRMED, VERIFIED):
            _confirm_and_verify(entry, item, claimed, item.outcome)
        if item.correction is not None:
            fix = item.correction
            corrected_on = claimed + 12
            entry.refresh_from_db()
            with _on(_day(corrected_on, 12)):
                correction = impacts.impact_correct(
                    actor=lead,
                    entry=entry,
                    data=fix.data,
                    reason=fix.reason,
                    files=_evidence("Corrección", fix.reason),
                )
            if fix.outcome == VERIFIED:
                _confirm_and_verify(correction, item, corrected_on, VERIFIED)


def _enrich(spec: DemoProject, project: Project) -> None:
    manager = portfolio_manager()
    lead = _lead_admin(project)
    running = spec.status != PLANNED and spec.starts is not None
    first_day = spec.starts if running and spec.starts is not None else spec.created
    if spec.award:
        with _on(_day(first_day - 3, 9)):
            project = services.project_update(
                actor=manager, project=project, data={"title_en": spec.title_en}
            )
    if spec.status != PLANNED and project.status == PLANNED:
        with _on(_day(first_day, 8, 30)):
            project = services.project_transition(actor=manager, project=project, name="start")
    consent = dict(zip(services.CONSENT_FIELDS, spec.public, strict=True))
    if any(consent.values()):
        with _on(_day(first_day + 2, 15)):
            services.project_update(
                actor=lead, project=project, data={k: v for k, v in consent.items() if v}
            )
    _milestones(spec, project, first_day)
    _indicators(spec, project, first_day)
    _updates(spec, project)
    if spec.trl_now is not None and spec.trl_now != project.trl_now:
        last = min([u.period_end for u in spec.updates] or [first_day + 10])
        with _on(_day(max(last, first_day + 10), 17, 30)):
            services.project_update(actor=lead, project=project, data={"trl_now": spec.trl_now})
    transitions: dict[str, str] = {ON_HOLD: "hold", COMPLETED: "complete", CANCELLED: "cancel"}
    transition = transitions.get(spec.status)
    if transition:
        with _on(_day(spec.status_day, 12)):
            services.project_transition(
                actor=manager, project=project, name=transition, reason=spec.status_reason
            )
    _impact(spec, project)


def _award_project(spec: DemoProject) -> Project | None:
    codes = [plan.call for plan in DECIDED_CALLS]
    return Project.objects.filter(
        proposal__title=spec.title, proposal__call__code__in=codes
    ).first()


def _restamp_award(project: Project) -> None:
    """A project of an award was created when its batch was published (in the demo's
    history, which ``challenges.demo.evaluation`` re-dated)."""
    batch = DecisionBatch.objects.filter(call=project.call_id).first()
    if batch is not None and batch.published_at < project.created_at:
        Project.objects.filter(pk=project.pk).update(
            created_at=batch.published_at, updated_at=batch.published_at
        )


def seed(*, stdout: TextIO) -> None:
    # The people write in Spanish; notifications are stored in each recipient's language.
    _KEYS.clear()
    _TODAY[0] = lima_today()
    created = enriched = 0
    with translation.override("es"):
        for spec in PROJECTS:
            if spec.award:
                project = _award_project(spec)
                if project is None or project.milestones.exists():
                    continue
                _restamp_award(project)
                enriched += 1
            else:
                if Project.objects.filter(title=spec.title, proposal__isnull=True).exists():
                    continue
                project = _create(spec)
                created += 1
            _enrich(spec, project)
    projects = demo_projects()
    stdout.write(
        f"  portfolio: {projects.count()} projects ({created} new, {enriched} from awards "
        f"enriched), {Milestone.objects.filter(project__in=projects).count()} milestones, "
        f"{Indicator.objects.filter(project__in=projects).count()} KPIs, "
        f"{ImpactEntry.objects.filter(project__in=projects).count()} impact entries"
    )
