"""Demo challenge calls: eight calls, one or two in every state of the ``CALL`` table, built by
the demo call manager around the survey's accepted challenges through
``challenges.services.calls``.

Calls are found by their code. A new call is built in two steps, because proposals can only be
written while a call is open: :func:`seed` creates it, adds its questions and criteria,
publishes and opens it (dates in the future while it must take proposals), then
``challenges.demo.proposals`` writes its proposals, and :func:`finish` gives it its real dates
(``QuerySet.update``: the past cannot be reached through a service) and takes it through the
rest of its lifecycle with the services — closed, extended for one organization, in evaluation.
Calls that end decided stay in evaluation, with their evaluation end still ahead, until
``challenges.demo.evaluation`` has evaluated them and published their decisions (which decides
them) and given them their real dates; :func:`archive_decided` then archives the one that ends
archived. Running the seed twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from djmoney.money import Money

from cluster_portal.core.peru import SOUTHERN_REGIONS
from members.models import Organization

from ..models import Call, CallClarification, CallQuestion, Challenge
from ..services import calls as services
from .common import at, call_manager, organization, person
from .surveys import challenges_by_key

Status = Call.Status
QKind = CallQuestion.Kind
METS = str(Organization.Kind.METS_SUPPLIER)
ACADEMIA = str(Organization.Kind.ACADEMIA)

#: The order a call moves in; the demo takes each call along it up to its final state.
LIFECYCLE: list[str] = [
    Status.DRAFT,
    Status.SCHEDULED,
    Status.OPEN,
    Status.CLOSED,
    Status.IN_EVALUATION,
    Status.DECIDED,
    Status.ARCHIVED,
]


@dataclass(frozen=True)
class DemoQuestion:
    key: str
    kind: str
    label: str
    label_en: str
    help_text: str = ""
    help_text_en: str = ""
    options: tuple[tuple[str, str, str], ...] = ()  # value, label, English label
    required: bool = True
    visible_to_evaluators: bool = True
    personal_data: bool = False


@dataclass(frozen=True)
class DemoClarification:
    asker: str  # email
    organization: str  # key
    question: str
    #: Published anonymised with an answer (both languages); empty: still pending.
    public_question: str = ""
    public_question_en: str = ""
    answer: str = ""
    answer_en: str = ""
    asked: int = -5  # days from today
    published: int = -4


@dataclass(frozen=True)
class DemoCall:
    code: str
    status: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    description: str
    description_en: str
    challenges: tuple[str, ...]
    sponsors: tuple[str, ...]
    #: opens, closes, evaluation ends, results: days from today (opens 09:00, closes 17:00).
    timeline: tuple[int, int, int, int]
    funding: tuple[str, str, str]  # per project, total, currency
    max_awards: int
    eligible_kinds: tuple[str, ...] = (METS, ACADEMIA)
    eligible_regions: tuple[str, ...] = ()
    members_only: bool = True
    required_partner_kinds: tuple[str, ...] = ()
    max_proposals: int | None = None
    questions: tuple[DemoQuestion, ...] = ()
    criteria: tuple[tuple[str, str, str, str, int], ...] = ()
    clarifications: tuple[DemoClarification, ...] = ()
    subscribers: tuple[str, ...] = ()
    #: (organization key, new deadline in days from today, the incident) for a closed call.
    extension: tuple[str, int, str] | None = None


# name, English name, description, English description, weight
STANDARD_CRITERIA = (
    (
        "Pertinencia para el desafío",
        "Fit with the challenge",
        "Qué tan bien responde la propuesta al problema de la operación patrocinadora.",
        "How well the proposal answers the sponsoring operation's problem.",
        30,
    ),
    (
        "Solidez técnica e innovación",
        "Technical soundness and innovation",
        "Método, evidencia previa y grado de novedad frente a lo que ya existe.",
        "Method, prior evidence and novelty compared with what exists.",
        25,
    ),
    (
        "Viabilidad del piloto en operación",
        "Feasibility of the pilot on site",
        "Plan de trabajo, riesgos, seguridad y condiciones de altura.",
        "Work plan, risks, safety and high-altitude conditions.",
        20,
    ),
    (
        "Capacidad del equipo y del consorcio",
        "Team and consortium capacity",
        "Experiencia del equipo y aporte de cada socio.",
        "The team's experience and each partner's contribution.",
        15,
    ),
    (
        "Costo-beneficio y cofinanciamiento",
        "Value for money and co-funding",
        "Presupuesto razonable y aporte propio o de terceros.",
        "A reasonable budget and own or third-party co-funding.",
        10,
    ),
)
COMMUNITY_CRITERIA = (
    STANDARD_CRITERIA[0],
    STANDARD_CRITERIA[1],
    (
        "Adopción por mineros artesanales",
        "Adoption by artisanal miners",
        "Costo, simplicidad y capacitación en el idioma de los usuarios.",
        "Cost, simplicity and training in the users' language.",
        25,
    ),
    (
        "Impacto ambiental y en la salud",
        "Environmental and health impact",
        "Mercurio evitado y manejo seguro de reactivos y relaves.",
        "Mercury avoided and safe handling of reagents and tailings.",
        20,
    ),
)

VALIDATION_QUESTION = DemoQuestion(
    key="validation",
    kind=QKind.LONG_TEXT,
    label="¿Cómo validará la solución en la operación del patrocinador?",
    label_en="How will you validate the solution at the sponsor's operation?",
    help_text="Plan de pruebas, indicadores y duración del piloto.",
    help_text_en="Test plan, indicators and length of the pilot.",
)
LEAD_CONTACT_QUESTION = DemoQuestion(
    key="contact",
    kind=QKind.TEXT,
    label="Responsable técnico de la propuesta (nombre y teléfono)",
    label_en="Technical lead of the proposal (name and phone)",
    visible_to_evaluators=False,
    personal_data=True,
)

CALLS: list[DemoCall] = [
    DemoCall(
        code="mantenimiento-predictivo-plantas",
        status=Status.ARCHIVED,
        title="Mantenimiento predictivo en plantas concentradoras",
        title_en="Predictive maintenance in concentrator plants",
        summary="Soluciones para anticipar fallas de revestimientos de molinos y de bombas de "
        "pulpa, validadas en dos operaciones del sur.",
        summary_en="Solutions that anticipate failures of mill liners and slurry pumps, "
        "validated at two operations in the south.",
        description="La primera convocatoria del programa de innovación abierta.\n\n"
        "## Qué buscamos\n\n- Medir el desgaste de revestimientos con el molino en "
        "operación.\n- Anticipar fallas de bombas de pulpa en interior mina.\n\n"
        "Los pilotos se ejecutan en las operaciones de las empresas patrocinadoras.",
        description_en="The first call of the open innovation programme.\n\n"
        "## What we look for\n\n- Measuring liner wear while the mill runs.\n"
        "- Anticipating slurry pump failures underground.\n\n"
        "Pilots run at the sponsoring companies' operations.",
        challenges=("sag-liners", "slurry-pumps"),
        sponsors=("chachani", "cailloma"),
        timeline=(-330, -290, -260, -250),
        funding=("120000", "360000", "PEN"),
        max_awards=3,
        questions=(
            VALIDATION_QUESTION,
            DemoQuestion(
                key="hours",
                kind=QKind.NUMBER,
                label="Horas de parada no programada que espera evitar al año",
                label_en="Hours of unplanned downtime you expect to avoid per year",
            ),
        ),
        criteria=STANDARD_CRITERIA,
    ),
    DemoCall(
        code="agua-relaves-moquegua",
        status=Status.DECIDED,
        title="Recuperación de agua en relaves y plantas de Moquegua",
        title_en="Water recovery in tailings and plants in Moquegua",
        summary="Recuperar más agua del relave y reducir el consumo de agua fresca de dos "
        "operaciones de cobre en una cuenca con estrés hídrico.",
        summary_en="Recover more water from tailings and cut the fresh-water use of two "
        "copper operations in a water-stressed basin.",
        description="Dos empresas de Moquegua comparten el mismo problema y patrocinan juntas "
        "esta convocatoria.\n\nSe financian pilotos de **espesamiento, filtrado y control en "
        "línea** que recuperen agua sin afectar la recuperación metalúrgica.",
        description_en="Two companies in Moquegua share the same problem and sponsor this call "
        "together.\n\nWe fund pilots of **thickening, filtering and online control** that "
        "recover water without hurting metallurgical recovery.",
        challenges=("thickener-water", "flotation-water"),
        sponsors=("pichupichu", "torata"),
        timeline=(-200, -160, -130, -120),
        funding=("60000", "180000", "USD"),
        max_awards=3,
        questions=(
            VALIDATION_QUESTION,
            DemoQuestion(
                key="litres",
                kind=QKind.NUMBER,
                label="Caudal de agua que espera recuperar (l/s)",
                label_en="Water flow you expect to recover (l/s)",
            ),
        ),
        criteria=STANDARD_CRITERIA,
    ),
    DemoCall(
        code="relaves-desmonteras-altoandinas",
        status=Status.IN_EVALUATION,
        title="Relaves y desmonteras en la alta montaña: monitoreo y drenaje ácido",
        title_en="Tailings and waste dumps in the high Andes: monitoring and acid drainage",
        summary="Monitoreo geotécnico continuo de depósitos de relaves y control en origen del "
        "drenaje ácido, por encima de los 3 500 m.",
        summary_en="Continuous geotechnical monitoring of tailings deposits and source control "
        "of acid drainage, above 3,500 m.",
        description="Las operaciones que originan esta convocatoria pidieron reserva: sus "
        "desafíos se publican en versión pública y el Programa Nacional de Innovación Minera "
        "la patrocina.\n\nCada propuesta debe incluir una **universidad o centro de "
        "investigación** como socio del consorcio.",
        description_en="The operations behind this call asked for confidentiality: their "
        "challenges are published in their public version and the National Mining "
        "Innovation Programme sponsors it.\n\nEvery proposal must include a **university or "
        "research centre** as a consortium partner.",
        challenges=("tailings-stability", "acid-drainage"),
        sponsors=("pnim",),
        timeline=(-75, -30, 15, 25),
        funding=("200000", "400000", "PEN"),
        max_awards=2,
        required_partner_kinds=(ACADEMIA,),
        questions=(
            VALIDATION_QUESTION,
            DemoQuestion(
                key="altitude",
                kind=QKind.SINGLE_CHOICE,
                label="¿Ha operado equipos por encima de los 4 000 m?",
                label_en="Have you operated equipment above 4,000 m?",
                options=(
                    ("si", "Sí, en operación minera", "Yes, at a mining operation"),
                    ("pruebas", "Solo en pruebas", "Only in trials"),
                    ("no", "No", "No"),
                ),
            ),
        ),
        criteria=STANDARD_CRITERIA,
    ),
    DemoCall(
        code="seguridad-fatiga-acarreo",
        status=Status.CLOSED,
        title="Seguridad en el acarreo: fatiga y anticolisión",
        title_en="Haulage safety: fatigue and collision avoidance",
        summary="Detectar la fatiga de los operadores y evitar colisiones entre equipos "
        "livianos y pesados en las vías de acarreo de altura.",
        summary_en="Detect operator fatigue and prevent collisions between light and heavy "
        "vehicles on high-altitude haul roads.",
        description="Dos empresas con desafíos similares en Tacna y Cusco patrocinan juntas "
        "esta convocatoria.\n\nLas soluciones deben ser **aceptadas por los operadores**: "
        "se valoran los pilotos diseñados con ellos.",
        description_en="Two companies with similar challenges in Tacna and Cusco sponsor this "
        "call together.\n\nSolutions must be **accepted by the operators**: pilots designed "
        "with them are valued.",
        challenges=("night-fatigue", "haul-road-interaction"),
        sponsors=("candarave", "vilcabamba"),
        timeline=(-50, -3, 30, 40),
        funding=("100000", "300000", "PEN"),
        max_awards=3,
        questions=(
            DemoQuestion(
                key="operators",
                kind=QKind.LONG_TEXT,
                label="¿Cómo participarán los operadores en el diseño y la prueba?",
                label_en="How will the operators take part in design and testing?",
            ),
            DemoQuestion(
                key="kind",
                kind=QKind.SINGLE_CHOICE,
                label="Tipo de solución",
                label_en="Kind of solution",
                options=(
                    ("equipo", "Equipo embarcado", "On-board equipment"),
                    ("software", "Software y analítica", "Software and analytics"),
                    ("formacion", "Formación y gestión", "Training and management"),
                ),
            ),
        ),
        criteria=STANDARD_CRITERIA,
        extension=(
            "tacnadrones",
            2,
            "Corte del suministro eléctrico en el parque industrial de Tacna el día del cierre, "
            "de 9:00 a 18:00 (constancia de la distribuidora adjunta al expediente).",
        ),
    ),
    DemoCall(
        code="eficiencia-energetica-molienda-bombeo",
        status=Status.OPEN,
        title="Eficiencia energética en molienda y bombeo",
        title_en="Energy efficiency in grinding and pumping",
        summary="Reducir el consumo de energía de la molienda y del bombeo de agua de proceso "
        "en operaciones de cobre del sur, con pilotos medibles.",
        summary_en="Cut the energy used by grinding and process-water pumping at copper "
        "operations in the south, with measurable pilots.",
        description="La energía es el mayor costo variable de las plantas del sur. CAF "
        "cofinancia esta convocatoria.\n\n## Condiciones\n\n- Solo organizaciones miembro "
        "activas del clúster.\n- Cada organización puede liderar **hasta dos** propuestas.\n"
        "- El ahorro se mide contra una línea base acordada con el patrocinador.",
        description_en="Energy is the largest variable cost of the southern plants. CAF "
        "co-funds this call.\n\n## Conditions\n\n- Active member organizations of the "
        "cluster only.\n- Each organization may lead **up to two** proposals.\n"
        "- Savings are measured against a baseline agreed with the sponsor.",
        challenges=("grinding-energy", "pumping-energy"),
        sponsors=("chachani", "caf"),
        timeline=(-20, 5, 35, 45),
        funding=("150000", "450000", "PEN"),
        max_awards=3,
        max_proposals=2,
        questions=(
            DemoQuestion(
                key="baseline",
                kind=QKind.LONG_TEXT,
                label="Línea base y método de medición del ahorro",
                label_en="Baseline and how the savings will be measured",
            ),
            DemoQuestion(
                key="savings",
                kind=QKind.NUMBER,
                label="Ahorro de energía esperado (kWh por tonelada)",
                label_en="Expected energy savings (kWh per tonne)",
            ),
            DemoQuestion(
                key="site",
                kind=QKind.SINGLE_CHOICE,
                label="¿Dónde se haría el piloto?",
                label_en="Where would the pilot run?",
                options=(
                    ("molienda", "Molienda", "Grinding"),
                    ("bombeo", "Bombeo de agua", "Water pumping"),
                    ("ambos", "Ambos", "Both"),
                ),
            ),
        ),
        criteria=STANDARD_CRITERIA,
        clarifications=(
            DemoClarification(
                asker="d.rojas@minesoft.pe",
                organization="minesoft",
                question="Somos de Lima: ¿podemos postular si la empresa no tiene sede en el sur?",
                public_question="¿Pueden postular organizaciones con sede fuera del sur?",
                public_question_en="May organizations based outside the south apply?",
                answer="Sí. Esta convocatoria no limita la región: basta con ser miembro activo "
                "del clúster. El piloto sí se ejecuta en la operación patrocinadora.",
                answer_en="Yes. This call sets no region: being an active member of the "
                "cluster is enough. The pilot does run at the sponsoring operation.",
                asked=-15,
                published=-13,
            ),
        ),
        subscribers=("jorge.huaman@andestech.pe", "a.cano@solarmisti.pe"),
    ),
    DemoCall(
        code="oro-sin-mercurio",
        status=Status.OPEN,
        title="Oro sin mercurio para la pequeña minería y la minería artesanal",
        title_en="Mercury-free gold for small-scale and artisanal mining",
        summary="Procesos sin mercurio al alcance de mineros artesanales y pequeños "
        "productores del sur, con capacitación en su idioma.",
        summary_en="Mercury-free processes within reach of artisanal miners and small "
        "producers in the south, with training in their language.",
        description="Una cooperativa artesanal y una pequeña minera comparten el desafío.\n\n"
        "## Quiénes pueden postular\n\n- Proveedores y universidades con sede en la macro "
        "región sur, **miembros del clúster o no**.\n- Cada consorcio debe incluir una "
        "**universidad o centro de investigación** confirmado.\n\nLa capacitación en quechua "
        "o aimara suma puntaje.",
        description_en="An artisanal cooperative and a small mining company share this "
        "challenge.\n\n## Who may apply\n\n- Suppliers and universities based in the southern "
        "macro-region, **members of the cluster or not**.\n- Every consortium must include a "
        "confirmed **university or research centre**.\n\nTraining in Quechua or Aymara scores "
        "higher.",
        challenges=("mercury-free", "fine-gold"),
        sponsors=("chaparra", "ocona"),
        timeline=(-10, 12, 42, 52),
        funding=("80000", "240000", "PEN"),
        max_awards=3,
        members_only=False,
        eligible_regions=tuple(str(r) for r in SOUTHERN_REGIONS),
        required_partner_kinds=(ACADEMIA,),
        max_proposals=2,
        questions=(
            LEAD_CONTACT_QUESTION,
            DemoQuestion(
                key="field",
                kind=QKind.LONG_TEXT,
                label="¿Cómo probará el proceso con los mineros de la cooperativa?",
                label_en="How will you test the process with the cooperative's miners?",
                help_text="Lugar, número de socios participantes y acompañamiento.",
                help_text_en="Place, number of members taking part and follow-up.",
            ),
            DemoQuestion(
                key="recovery",
                kind=QKind.NUMBER,
                label="Recuperación de oro esperada (%)",
                label_en="Expected gold recovery (%)",
            ),
            DemoQuestion(
                key="scale",
                kind=QKind.SINGLE_CHOICE,
                label="Escala del piloto",
                label_en="Scale of the pilot",
                options=(
                    ("laboratorio", "Laboratorio", "Laboratory"),
                    ("piloto", "Planta piloto", "Pilot plant"),
                    ("operacion", "En operación", "In operation"),
                ),
            ),
            DemoQuestion(
                key="languages",
                kind=QKind.MULTIPLE_CHOICE,
                label="Idiomas de la capacitación",
                label_en="Languages of the training",
                options=(
                    ("es", "Español", "Spanish"),
                    ("qu", "Quechua", "Quechua"),
                    ("ay", "Aimara", "Aymara"),
                ),
            ),
            DemoQuestion(
                key="letter",
                kind=QKind.FILE,
                label="Carta de respaldo de una organización minera artesanal",
                label_en="Letter of support from an artisanal mining organization",
                help_text="Opcional. PDF firmado.",
                help_text_en="Optional. A signed PDF.",
                required=False,
            ),
        ),
        criteria=COMMUNITY_CRITERIA,
        clarifications=(
            DemoClarification(
                asker="s.calla@capacitasur.pe",
                organization="capacita",
                question="¿La universidad socia puede ser de fuera del sur, por ejemplo de Lima?",
                public_question="¿El socio académico también debe tener sede en el sur?",
                public_question_en="Must the academic partner also be based in the south?",
                answer="No. La regla de región se aplica a la organización líder; el socio "
                "académico puede tener sede en cualquier región.",
                answer_en="No. The region rule applies to the lead organization; the academic "
                "partner may be based in any region.",
                asked=-8,
                published=-7,
            ),
            DemoClarification(
                asker="c.medina@geodatos.pe",
                organization="geodatos",
                question="¿Se puede usar cianuro si es en circuito cerrado?",
                public_question="¿Se aceptan procesos con cianuro en circuito cerrado?",
                public_question_en="Are closed-circuit cyanide processes accepted?",
                answer="Sí, si la propuesta detalla el manejo seguro de reactivos y relaves y "
                "la capacitación de los usuarios. Se evalúa en el criterio de impacto "
                "ambiental y en la salud.",
                answer_en="Yes, if the proposal details the safe handling of reagents and "
                "tailings and the users' training. It is scored under the environmental and "
                "health impact criterion.",
                asked=-6,
                published=-4,
            ),
            DemoClarification(
                asker="j.mamani@aguasaltiplano.pe",
                organization="aguasaltiplano",
                question="Nuestro socio académico aún no confirma. ¿Podemos enviar la propuesta y "
                "agregar la carta después?",
                asked=-1,
            ),
        ),
        subscribers=(
            "s.calla@capacitasur.pe",
            "j.mamani@aguasaltiplano.pe",
            "m.choque@unicollao.edu.pe",
        ),
    ),
    DemoCall(
        code="sensores-plantas-concentradoras",
        status=Status.SCHEDULED,
        title="Sensores y analítica para el chancado y la molienda",
        title_en="Sensors and analytics for crushing and grinding",
        summary="Medición en línea de la granulometría y detección temprana de atoros en "
        "chutes, integradas al control de planta.",
        summary_en="Online particle-size measurement and early detection of chute blockages, "
        "integrated with plant control.",
        description="Anunciada: abre por sí sola en la fecha indicada. Puede hacer preguntas "
        "desde ahora.\n\nSe valoran soluciones que se integren a los sistemas de control "
        "existentes (OPC UA).",
        description_en="Announced: it opens by itself on the date shown. You may ask "
        "questions now.\n\nSolutions that integrate with the existing control systems "
        "(OPC UA) are valued.",
        challenges=("crushed-size", "chute-blockages"),
        sponsors=("chachani", "torata"),
        timeline=(10, 55, 85, 95),
        funding=("130000", "260000", "PEN"),
        max_awards=2,
        questions=(
            VALIDATION_QUESTION,
            DemoQuestion(
                key="integration",
                kind=QKind.MULTIPLE_CHOICE,
                label="Protocolos de integración que soporta",
                label_en="Integration protocols supported",
                options=(
                    ("opcua", "OPC UA", "OPC UA"),
                    ("modbus", "Modbus TCP", "Modbus TCP"),
                    ("mqtt", "MQTT", "MQTT"),
                ),
            ),
        ),
        criteria=STANDARD_CRITERIA,
    ),
    DemoCall(
        code="polvo-transporte-concentrado",
        status=Status.DRAFT,
        title="Control del polvo en el transporte de concentrado",
        title_en="Dust control in concentrate transport",
        summary="Reducir y medir en línea el polvo fugitivo del transporte de concentrado "
        "entre la planta y el puerto.",
        summary_en="Reduce and measure online the fugitive dust of concentrate transport "
        "between plant and port.",
        description="Borrador de la secretaría: falta confirmar el financiamiento con la "
        "empresa patrocinadora.",
        description_en="The secretariat's draft: the funding is still to be confirmed with "
        "the sponsoring company.",
        challenges=("concentrate-dust",),
        sponsors=("pampahierro",),
        timeline=(30, 75, 105, 115),
        funding=("90000", "180000", "PEN"),
        max_awards=2,
        eligible_regions=("ica", "arequipa", "lima"),
        questions=(VALIDATION_QUESTION,),
        criteria=STANDARD_CRITERIA,
    ),
]

CALLS_BY_CODE = {spec.code: spec for spec in CALLS}


def timeline(spec: DemoCall) -> dict[str, datetime.datetime]:
    opens, closes, evaluation, results = spec.timeline
    return {
        "opens_at": at(opens, 9),
        "closes_at": at(closes, 17),
        "evaluation_ends_at": at(evaluation, 17),
        "results_at": at(results, 12),
    }


def _working_timeline(spec: DemoCall) -> dict[str, datetime.datetime]:
    """Dates that let the call take proposals now: a call that ends up closed (or later) is
    built open, and gets its real, past dates in :func:`finish`."""
    real = timeline(spec)
    if LIFECYCLE.index(spec.status) <= LIFECYCLE.index(Status.OPEN):
        return real
    return {
        "opens_at": real["opens_at"],
        "closes_at": at(1, 17),
        "evaluation_ends_at": at(2, 17),
        "results_at": at(3, 12),
    }


def _create(spec: DemoCall, challenges: dict[str, Challenge]) -> Call:
    manager = call_manager()
    per_project, total, currency = spec.funding
    data: dict[str, object] = {
        "code": spec.code,
        "title": spec.title,
        "title_en": spec.title_en,
        "summary": spec.summary,
        "summary_en": spec.summary_en,
        "description": spec.description,
        "description_en": spec.description_en,
        "eligible_kinds": list(spec.eligible_kinds),
        "eligible_regions": list(spec.eligible_regions),
        "members_only": spec.members_only,
        "required_partner_kinds": list(spec.required_partner_kinds),
        "max_proposals_per_organization": spec.max_proposals,
        "funding_per_project": Money(Decimal(per_project), currency),
        "total_funding": Money(Decimal(total), currency),
        "max_awards": spec.max_awards,
        **_working_timeline(spec),
    }
    call = services.call_create(
        actor=manager,
        data=data,
        challenges=[challenges[key] for key in spec.challenges],
        sponsors=[organization(key) for key in spec.sponsors],
    )
    for question in spec.questions:
        services.call_question_add(
            actor=manager,
            call=call,
            data={
                "kind": question.kind,
                "label": question.label,
                "label_en": question.label_en,
                "help_text": question.help_text,
                "help_text_en": question.help_text_en,
                "options": [
                    {"value": value, "label": label, "label_en": label_en}
                    for value, label, label_en in question.options
                ],
                "required": question.required,
                "visible_to_evaluators": question.visible_to_evaluators,
                "personal_data": question.personal_data,
            },
        )
    for name, name_en, description, description_en, weight in spec.criteria:
        services.call_criterion_add(
            actor=manager,
            call=call,
            data={
                "name": name,
                "name_en": name_en,
                "description": description,
                "description_en": description_en,
                "weight": weight,
                "scale_min": 0,
                "scale_max": 5,
            },
        )
    if spec.status == Status.DRAFT:
        return call
    call = services.call_schedule(actor=manager, call=call)
    for email in spec.subscribers:
        services.call_subscribe(actor=person(email), call=call)
    if LIFECYCLE.index(spec.status) >= LIFECYCLE.index(Status.OPEN):
        call = services.call_open(actor=None, call=call)
    for clarification in spec.clarifications:
        _clarify(call, clarification)
    opens = timeline(spec)["opens_at"]
    Call.objects.filter(pk=call.pk).update(
        created_at=opens - datetime.timedelta(days=24),
        published_at=opens - datetime.timedelta(days=14),
    )
    return call


def _clarify(call: Call, spec: DemoClarification) -> None:
    asked = services.clarification_ask(
        actor=person(spec.asker),
        call=call,
        organization=organization(spec.organization),
        question=spec.question,
    )
    times: dict[str, datetime.datetime] = {"asked_at": at(spec.asked, 11, 20)}
    if spec.public_question:
        services.clarification_publish(
            actor=call_manager(),
            clarification=asked,
            public_question=spec.public_question,
            public_question_en=spec.public_question_en,
            answer=spec.answer,
            answer_en=spec.answer_en,
        )
        times["published_at"] = at(spec.published, 16, 45)
    CallClarification.objects.filter(pk=asked.pk).update(**times)


def demo_calls() -> dict[str, Call]:
    return {call.code: call for call in Call.objects.filter(code__in=CALLS_BY_CODE)}


def seed(*, stdout: TextIO) -> None:
    """Create the calls that do not exist yet, up to the state in which they take proposals."""
    existing = demo_calls()
    challenges = challenges_by_key()
    created = [_create(spec, challenges) for spec in CALLS if spec.code not in existing]
    stdout.write(f"  calls: {len(existing) + len(created)} ({len(created)} new)")


def finish(*, stdout: TextIO) -> None:
    """Give calls built open their real dates and take them on to their final state, or to
    evaluation for the calls that end decided (``challenges.demo.evaluation`` decides them:
    until then their evaluation ends in two days, so that reviews can be written)."""
    manager = call_manager()
    moves: dict[str, Callable[[Any], Call]] = {
        Status.CLOSED: lambda call: services.call_close(actor=None, call=call),
        Status.IN_EVALUATION: lambda call: services.call_start_evaluation(actor=manager, call=call),
    }
    last = LIFECYCLE.index(Status.IN_EVALUATION)
    for code, call in demo_calls().items():
        spec = CALLS_BY_CODE[code]
        if call.status != Status.OPEN or spec.status == Status.OPEN:
            continue
        dates = timeline(spec)
        if LIFECYCLE.index(spec.status) > last:
            dates |= {"evaluation_ends_at": at(2, 17), "results_at": at(3, 12)}
        Call.objects.filter(pk=call.pk).update(**dates)
        call.refresh_from_db()
        end = min(LIFECYCLE.index(spec.status), last)
        for status in LIFECYCLE[LIFECYCLE.index(Status.CLOSED) : end + 1]:
            call = moves[status](call)
            if status == Status.CLOSED and spec.extension:
                key, days, reason = spec.extension
                services.extension_grant(
                    actor=manager,
                    call=call,
                    organization=organization(key),
                    closes_at=at(days, 17),
                    reason=reason,
                )


def archive_decided(*, stdout: TextIO) -> None:
    """Archive the decided calls that end archived (after ``challenges.demo.evaluation``
    published their decisions), and report the calls by state."""
    for code, call in demo_calls().items():
        if call.status == Status.DECIDED and CALLS_BY_CODE[code].status == Status.ARCHIVED:
            services.call_archive(actor=call_manager(), call=call)
    counts = dict.fromkeys(LIFECYCLE, 0)
    for call in demo_calls().values():
        counts[call.status] += 1
    stdout.write("  calls by state: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
