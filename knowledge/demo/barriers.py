"""The demo's regulatory barrier register: fourteen barriers that members of a southern mining
cluster meet (water licences, environmental certification, archaeology, municipal licences,
explosives, hazardous-materials transport, customs, controlled chemicals, grid connection), in
every state of ``knowledge.workflows.BARRIER``.

The editor records each one (``barrier_create``, with evidence for some), links it to the demo
challenges it blocks and the projects it affects (``barrier_link``); the admins of member
organizations endorse it while it is being worked on, most with a statement
(``barrier_endorse``); the editor then moves it through its lifecycle with a note per step and
INDECOPI's case or resolution numbers where there is one (``barrier_transition``). Every step
runs at its moment, so the history rows carry their dates. A barrier is found by its title
and built only when missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from challenges.demo.proposals import demo_pdf
from challenges.models import Challenge, Project
from cluster_portal.core.money import Money
from members.models import Capability

from ..models import RegulatoryBarrier, Visibility
from ..services.barriers import barrier_create, barrier_endorse, barrier_link, barrier_transition
from .common import admin_of, editor, moment, on, organization

Status = RegulatoryBarrier.Status


@dataclass(frozen=True)
class Move:
    """A lifecycle step: transition name, when, the history note, the case number given
    (``{year}`` is the year of the step: the numbers follow the demo's relative dates)."""

    name: str
    days: int
    note: str = ""
    case_number: str | None = None


@dataclass(frozen=True)
class Endorse:
    organization: str
    days: int
    statement: str = ""


@dataclass(frozen=True)
class Spec:
    title: str
    description: str
    rule: str
    rule_article: str
    authority: str
    manifestation: str
    stage: str
    proposal: str
    created: int
    cost: tuple[str, str] | None = None
    delay_days: int | None = None
    visibility: str = Visibility.PUBLIC
    endorsements: tuple[Endorse, ...] = ()
    moves: tuple[Move, ...] = ()
    challenges: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    evidence: tuple[str, str, str] | None = None


ANA = "Autoridad Nacional del Agua (ANA), Autoridad Administrativa del Agua Caplina-Ocoña"
SENACE = "Servicio Nacional de Certificación Ambiental para las Inversiones Sostenibles (SENACE)"

BARRIERS: list[Spec] = [
    Spec(
        title="Plazos excesivos para obtener la licencia de uso de agua en las cuencas del sur",
        description="El procedimiento de **licencia de uso de agua** (acreditación de "
        "disponibilidad hídrica, autorización de obras y licencia) tarda en promedio más de "
        "300 días hábiles en la AAA Caplina-Ocoña, frente a los 90 que suman los plazos del "
        "TUPA.\n\nLas operaciones no pueden ampliar su planta ni usar agua recuperada en "
        "nuevos circuitos mientras esperan.",
        rule="Ley 29338, Ley de Recursos Hídricos, y su Reglamento (DS 001-2010-AG)",
        rule_article="Arts. 79 a 84 del Reglamento; TUPA de la ANA",
        authority=ANA,
        manifestation="Expedientes con más de tres observaciones sucesivas, cada una con un "
        "nuevo plazo; inspecciones oculares reprogramadas por falta de movilidad de la ALA.",
        stage="processing",
        cost=("1850000", "PEN"),
        delay_days=310,
        proposal="Evaluación en paralelo de la disponibilidad hídrica y la autorización de "
        "obras, observaciones en un solo acto y silencio administrativo positivo en la "
        "licencia cuando el agua proviene de recirculación.",
        created=-420,
        endorsements=(
            Endorse(
                "chachani",
                -410,
                "Nuestra ampliación de planta espera la licencia hace catorce meses.",
            ),
            Endorse(
                "pichupichu", -400, "Respaldamos la propuesta de observaciones en un solo acto."
            ),
            Endorse("hidroandina", -395),
            Endorse(
                "apromis",
                -380,
                "Los proveedores de tratamiento de agua no pueden "
                "instalar plantas piloto sin licencia.",
            ),
        ),
        moves=(
            Move(
                "document",
                -390,
                "Seis expedientes revisados con los miembros; plazos "
                "medidos desde el cargo de presentación.",
            ),
            Move("propose", -330, "Propuesta presentada a la Mesa técnica de agua y relaves."),
            Move(
                "open_dialogue",
                -240,
                "Reunión con la Jefatura de la ANA; INDECOPI admitió la denuncia de un asociado.",
                case_number="000231-{year}/CEB",
            ),
        ),
        challenges=(
            "Alto consumo de agua fresca en la planta de flotación",
            "Baja recuperación de agua en el espesador de relaves",
        ),
        projects=("Relaves filtrados a escala piloto para recuperar agua",),
        evidence=(
            "plazos-licencias-agua.pdf",
            "Plazos de licencias de uso de agua - AAA Caplina-Ocoña",
            "Cuadro de seis expedientes de licencia de uso de agua: fecha de presentación, "
            "observaciones y días hábiles transcurridos.",
        ),
    ),
    Spec(
        title="Autorización de reúso de agua residual tratada con opiniones previas sin plazo",
        description="El reúso de agua residual tratada en el proceso minero requiere una "
        "autorización de la ANA que a su vez espera la opinión de la autoridad de salud; la "
        "opinión no tiene un plazo propio.",
        rule="Ley 29338, Ley de Recursos Hídricos; Reglamento (DS 001-2010-AG)",
        rule_article="Art. 82 de la Ley; arts. 147 a 149 del Reglamento",
        authority=ANA,
        manifestation="Autorizaciones de reúso que superan los ocho meses por la opinión "
        "previa; convenios con empresas de saneamiento que no pueden ejecutarse.",
        stage="processing",
        delay_days=240,
        proposal="Fijar un plazo de 30 días hábiles para la opinión previa, con silencio "
        "positivo, y un procedimiento único para convenios con empresas de saneamiento.",
        created=-200,
        endorsements=(
            Endorse("hidroandina", -190, "Tenemos dos convenios de reúso detenidos."),
            Endorse("aguasaltiplano", -185),
        ),
        moves=(Move("document", -150, "Casos documentados en Arequipa y Tacna."),),
        challenges=("Alto consumo de agua fresca en la planta de flotación",),
    ),
    Spec(
        title="Evaluación del EIA detallado muy por encima del plazo legal",
        description="La evaluación de un **EIA-d** de un proyecto minero por el SENACE "
        "supera en la práctica los dos años, frente al plazo legal de 150 días hábiles, por "
        "rondas sucesivas de observaciones y opiniones técnicas vinculantes sin plazo "
        "efectivo.",
        rule="DS 040-2014-EM, Reglamento de Protección y Gestión Ambiental para las "
        "actividades de explotación, beneficio, labor general, transporte y almacenamiento "
        "minero; Ley 27446 (SEIA)",
        rule_article="Arts. 33 a 40 del DS 040-2014-EM",
        authority=SENACE,
        manifestation="Proyectos de ampliación de concentradoras con la inversión "
        "aprobada y la certificación pendiente; proveedores sin contratos de obra.",
        stage="development",
        cost=("12000000", "USD"),
        delay_days=420,
        proposal="Opiniones técnicas de la ANA y el SERNANP en paralelo y con plazo "
        "perentorio; una sola ronda de observaciones integradas; reunión de pre-evaluación "
        "obligatoria.",
        created=-380,
        endorsements=(
            Endorse(
                "chachani",
                -370,
                "La ampliación de nuestra concentradora lleva 26 meses en evaluación.",
            ),
            Endorse("torata", -360),
            Endorse("ccia", -350, "La demora del EIA-d frena la inversión regional."),
            Endorse(
                "goreaqp",
                -345,
                "La Gerencia Regional apoya la propuesta de observaciones integradas.",
            ),
        ),
        moves=(
            Move(
                "document",
                -340,
                "Plazos de cinco EIA-d medidos con información pública del SENACE.",
            ),
            Move("propose", -260, "Propuesta enviada al MINEM y al SENACE."),
        ),
        challenges=("Capital de trabajo para ampliar la planta de beneficio",),
    ),
    Spec(
        title="Cambio de tecnología de disposición de relaves sin vía simplificada (ITS)",
        description="Pasar de relave convencional a **relave filtrado o espesado** en un "
        "área ya impactada reduce riesgos y consumo de agua, pero la autoridad lo trata como "
        "una modificación del EIA (MEIA) y no admite el Informe Técnico Sustentatorio.",
        rule="DS 054-2013-PCM, disposiciones especiales para procedimientos de "
        "certificación ambiental; DS 040-2014-EM",
        rule_article="Art. 4 del DS 054-2013-PCM; art. 131 del DS 040-2014-EM",
        authority="Ministerio de Energía y Minas (MINEM), Dirección General de Asuntos "
        "Ambientales Mineros, y SENACE",
        manifestation="Proyectos de relaves filtrados que esperan 12 a 18 meses una MEIA "
        "aunque la huella y los impactos disminuyen.",
        stage="processing",
        cost=("4500000", "USD"),
        delay_days=360,
        proposal="Admitir el ITS cuando el cambio de tecnología de relaves reduce el "
        "consumo de agua y el riesgo de falla sin ampliar la huella.",
        created=-330,
        endorsements=(
            Endorse(
                "relavesur", -320, "Es la principal barrera para los relaves filtrados en el sur."
            ),
            Endorse(
                "pichupichu", -310, "Nuestra planta de relaves espesados depende de este cambio."
            ),
            Endorse("unsa", -300),
            Endorse("cims", -290, "Menos agua y menos riesgo deberían tramitarse más rápido."),
        ),
        moves=(
            Move(
                "document", -300, "Tres casos documentados con la Mesa técnica de agua y relaves."
            ),
            Move("propose", -250, "Propuesta de criterios técnicos para el ITS de relaves."),
            Move("open_dialogue", -120, "Mesa de trabajo con la DGAAM y el SENACE."),
        ),
        challenges=(
            "Pérdidas de agua por evaporación e infiltración en la relavera",
            "Estabilidad física del depósito de relaves Quenamari en zona sísmica",
        ),
        projects=(
            "Relaves filtrados a escala piloto para recuperar agua",
            "Relleno en pasta con relaves cicloneados en mina subterránea",
        ),
        evidence=(
            "relaves-its-casos.pdf",
            "Cambio de tecnología de relaves - casos",
            "Tres proyectos de relaves filtrados y espesados tramitados como MEIA: fechas, "
            "áreas y reducción del consumo de agua.",
        ),
    ),
    Spec(
        title="CIRA exigido para obras en áreas ya disturbadas por la operación minera",
        description="Se exige un nuevo **Certificado de Inexistencia de Restos "
        "Arqueológicos (CIRA)** para instalar componentes menores (tuberías, líneas "
        "eléctricas, plantas modulares) dentro de plataformas ya construidas.",
        rule="DS 003-2014-MC, Reglamento de Intervenciones Arqueológicas",
        rule_article="Arts. 54 a 57",
        authority="Ministerio de Cultura, Dirección Desconcentrada de Cultura de Arequipa",
        manifestation="Pilotos de proveedores retrasados tres meses por el trámite del CIRA "
        "en plataformas de concreto existentes.",
        stage="extraction",
        cost=("320000", "PEN"),
        delay_days=90,
        proposal="Constancia de área disturbada en lugar del CIRA cuando el componente se "
        "instala sobre infraestructura existente.",
        created=-520,
        endorsements=(
            Endorse("andestech", -510, "Dos pilotos retrasados por este trámite."),
            Endorse("solarmisti", -505),
            Endorse("chachani", -500, "Apoyamos la constancia de área disturbada."),
        ),
        moves=(
            Move(
                "document", -480, "Evidencia de cuatro trámites de CIRA en plataformas existentes."
            ),
            Move("propose", -450, "Propuesta presentada a la DDC Arequipa."),
            Move("open_dialogue", -400, "Reuniones con la DDC Arequipa."),
            Move(
                "resolve",
                -250,
                "La DDC Arequipa adoptó el criterio de área disturbada: constancia en 10 días "
                "hábiles para componentes sobre infraestructura existente.",
                case_number="Oficio N.° 000412-{year}-DDC-ARE/MC",
            ),
        ),
        projects=("Planta solar flotante en el reservorio de agua de proceso",),
    ),
    Spec(
        title="Licencia municipal de funcionamiento exigida para cada campamento temporal",
        description="Municipalidades distritales exigen una **licencia de funcionamiento** "
        "nueva para cada campamento temporal de contratistas dentro de la concesión, además "
        "de la del titular minero.",
        rule="Ley 28976, Ley Marco de Licencia de Funcionamiento; ordenanzas distritales",
        rule_article="Art. 3 de la Ley 28976",
        authority="Municipalidades distritales de Caylloma y Candarave",
        manifestation="Cobros de derechos de trámite por campamento y clausuras temporales "
        "de campamentos de contratistas.",
        stage="extraction",
        cost=("95000", "PEN"),
        delay_days=45,
        proposal="Una licencia por establecimiento del titular, que cubra los campamentos "
        "temporales dentro de la concesión.",
        created=-600,
        endorsements=(
            Endorse("cailloma", -590, "Nuestros contratistas pagan licencias por cada campamento."),
            Endorse("perfoapu", -585, "Hemos sufrido clausuras de campamentos de perforación."),
            Endorse("apromis", -580),
        ),
        moves=(
            Move("document", -560, "Ordenanzas y recibos de derechos reunidos."),
            Move("propose", -540, "Propuesta de licencia única por establecimiento."),
            Move(
                "open_dialogue",
                -500,
                "Denuncia ante la Comisión de Eliminación de Barreras Burocráticas.",
                case_number="000118-{year}/CEB",
            ),
            Move(
                "resolve",
                -380,
                "INDECOPI declaró barrera burocrática ilegal la exigencia de licencias por "
                "campamento; las municipalidades dejaron de aplicarla.",
                case_number="Resolución N.° 0456-{year}/CEB-INDECOPI",
            ),
        ),
        evidence=(
            "ordenanzas-campamentos.pdf",
            "Ordenanzas y cobros por campamentos temporales",
            "Copia de las ordenanzas distritales y de los recibos de derechos de trámite "
            "cobrados por campamento temporal de contratistas.",
        ),
    ),
    Spec(
        title="Autorización de transporte de explosivos por viaje, sin autorización periódica",
        description="Los proveedores de voladura deben tramitar ante la **SUCAMEC** una "
        "guía de tránsito por cada viaje; una observación menor obliga a empezar de nuevo.",
        rule="Ley 30299, Ley de armas de fuego, municiones, explosivos, productos "
        "pirotécnicos y materiales relacionados de uso civil; Reglamento (DS 010-2017-IN)",
        rule_article="Título sobre explosivos de uso civil del Reglamento",
        authority="Superintendencia Nacional de Control de Servicios de Seguridad, Armas, "
        "Municiones y Explosivos de Uso Civil (SUCAMEC)",
        manifestation="Voladuras reprogramadas por guías observadas; camiones cargados "
        "esperando en los polvorines.",
        stage="extraction",
        cost=("640000", "PEN"),
        delay_days=10,
        proposal="Autorización periódica (trimestral) por ruta y destino para proveedores "
        "con historial limpio.",
        created=-160,
        endorsements=(
            Endorse("segurimin", -150, "Reprogramamos voladuras cada mes por esta razón."),
            Endorse("candarave", -145),
            Endorse(
                "gremiopeq",
                -140,
                "Los pequeños productores dependen de proveedores de "
                "voladura con autorizaciones al día.",
            ),
        ),
        moves=(Move("document", -100, "Registro de 40 guías de tránsito y sus demoras."),),
        challenges=("Estudio de vibraciones por voladura cerca del poblado de Torata",),
    ),
    Spec(
        title="Habilitación vehicular del MTC para materiales peligrosos con requisitos duplicados",
        description="Para transportar reactivos y explosivos el vehículo necesita la "
        "habilitación del MTC y, además, requisitos equivalentes de la SUCAMEC y de la mina.",
        rule="DS 021-2008-MTC, Reglamento Nacional de Transporte Terrestre de Materiales y "
        "Residuos Peligrosos",
        rule_article="Arts. 17 y 25",
        authority="Ministerio de Transportes y Comunicaciones (MTC), Dirección General de "
        "Autorizaciones en Transportes",
        manifestation="Inspecciones técnicas y cursos repetidos ante tres entidades para el "
        "mismo vehículo y el mismo conductor.",
        stage="extraction",
        delay_days=60,
        proposal="Reconocimiento mutuo de inspecciones y capacitaciones entre MTC y SUCAMEC.",
        created=-40,
        endorsements=(Endorse("segurimin", -35, "Triple inspección del mismo camión."),),
    ),
    Spec(
        title="Despacho aduanero de repuestos críticos importados sin canal prioritario",
        description="Los repuestos críticos de planta (revestimientos de molino, bombas de "
        "pulpa, rodamientos de chancadoras) pasan por el despacho aduanero general; un canal "
        "rojo puede dejar una línea detenida una semana.",
        rule="Decreto Legislativo 1053, Ley General de Aduanas, y su Reglamento",
        rule_article="Arts. 163 a 165 (control aduanero)",
        authority="Superintendencia Nacional de Aduanas y de Administración Tributaria (SUNAT)",
        manifestation="Paradas de planta prolongadas a la espera del levante de un "
        "repuesto; sobrecostos de almacenaje en el Callao y Matarani.",
        stage="processing",
        cost=("2500000", "USD"),
        delay_days=7,
        proposal="Despacho anticipado con garantía y levante prioritario para repuestos "
        "críticos de operadores económicos autorizados (OEA) mineros.",
        created=-250,
        endorsements=(
            Endorse(
                "pichupichu",
                -240,
                "Una parada por un repuesto retenido nos costó cuatro días de producción.",
            ),
            Endorse("yura", -235),
            Endorse("metalilo", -230, "Los talleres locales también importan insumos críticos."),
        ),
        moves=(
            Move("document", -210, "Casos de diez despachos documentados por tres miembros."),
            Move(
                "propose",
                -150,
                "Propuesta enviada a la Intendencia Nacional de Desarrollo e Innovación Aduanera.",
            ),
        ),
        challenges=(
            "Gestión de repuestos críticos de la planta",
            "Desgaste prematuro de revestimientos en molinos SAG",
        ),
        projects=("Gemelo digital del desgaste de revestimientos de molinos SAG",),
    ),
    Spec(
        title="Registro de bienes fiscalizados para el ácido sulfúrico de uso metalúrgico",
        description="El **ácido sulfúrico** que usan las plantas de lixiviación es un bien "
        "fiscalizado: cada traslado necesita registro, guías y reportes mensuales, también "
        "entre instalaciones del mismo titular.",
        rule="Decreto Legislativo 1126, medidas de control en los insumos químicos y "
        "productos fiscalizados",
        rule_article="Arts. 6, 15 y 17",
        authority="SUNAT, Intendencia Nacional de Insumos Químicos y Bienes Fiscalizados",
        manifestation="Traslados de ácido retenidos en controles por diferencias menores "
        "en las guías; reportes duplicados.",
        stage="smelting-refining",
        cost=("410000", "PEN"),
        delay_days=5,
        proposal="Régimen simplificado para traslados entre instalaciones del mismo titular "
        "y para el ácido de fundición vendido a plantas de lixiviación registradas.",
        visibility=Visibility.MEMBERS,
        created=-180,
        endorsements=(
            Endorse("mollendo", -170, "Afecta directamente la venta de ácido de fundición."),
            Endorse("collao", -165),
        ),
        moves=(
            Move("document", -150, "Casos de retenciones reunidos con FR Mollendo."),
            Move("propose", -110, "Propuesta de régimen simplificado."),
            Move("open_dialogue", -60, "Mesa de trabajo con la Intendencia de Insumos Químicos."),
        ),
    ),
    Spec(
        title="Estudio de pre-operatividad del COES para plantas solares de autoconsumo",
        description="Plantas solares de autoconsumo que no inyectan energía a la red "
        "deben pasar el mismo estudio de pre-operatividad que un generador del SEIN.",
        rule="Procedimiento Técnico COES PR-20, ingreso, modificación y retiro de "
        "instalaciones en el SEIN",
        rule_article="Numerales 5 y 6",
        authority="Comité de Operación Económica del Sistema Interconectado Nacional (COES)",
        manifestation="Proyectos solares de 5 a 20 MW en mina con 8 a 12 meses de estudios "
        "de conexión.",
        stage="extraction",
        delay_days=270,
        proposal="Procedimiento simplificado para autoconsumo sin inyección con protección "
        "anti-inyección certificada.",
        created=-70,
        endorsements=(
            Endorse("solarmisti", -60, "Tres proyectos de autoconsumo esperan su estudio."),
            Endorse("pichupichu", -55),
        ),
        challenges=("Dependencia de grupos electrógenos diésel",),
        projects=("Planta solar flotante en el reservorio de agua de proceso",),
    ),
    Spec(
        title="Renovación frecuente de la autorización de vertimiento de efluentes tratados",
        description="Las autorizaciones de vertimiento de efluentes mineros tratados se "
        "otorgan por plazos cortos y su renovación exige el mismo expediente que la primera "
        "vez.",
        rule="Ley 29338, Ley de Recursos Hídricos; Reglamento (DS 001-2010-AG)",
        rule_article="Art. 79 de la Ley; arts. 135 a 138 del Reglamento",
        authority=ANA,
        manifestation="Equipos ambientales dedicados a renovar autorizaciones en lugar de "
        "mejorar el tratamiento.",
        stage="closure",
        delay_days=120,
        proposal="Renovación automática cuando el monitoreo cumple los ECA y los límites "
        "máximos permisibles durante el periodo.",
        visibility=Visibility.MEMBERS,
        created=-25,
        endorsements=(Endorse("ecoandes", -20),),
    ),
    Spec(
        title="Exigencia de EIA detallado para plantas de refinación de pequeña escala",
        description="Se reportó que las plantas de refinación y fundición de pequeña escala "
        "debían presentar un EIA-d como una fundición de gran escala.",
        rule="DS 040-2014-EM",
        rule_article="Anexo de categorización",
        authority="Ministerio de Energía y Minas (MINEM)",
        manifestation="Un proyecto de planta de alambre esmaltado consultó si debía "
        "presentar un EIA-d.",
        stage="smelting-refining",
        proposal="Aclarar la categorización de plantas de pequeña escala.",
        created=-300,
        endorsements=(Endorse("metalilo", -295),),
        moves=(
            Move(
                "drop",
                -270,
                "No es una barrera: la categorización permite una DIA o un EIA-sd según la "
                "escala; se publicó una nota aclaratoria en la base de conocimiento.",
            ),
        ),
    ),
    Spec(
        title="Tasa municipal por uso de vías para el transporte de concentrado",
        description="Se denunció el cobro de una tasa municipal por el paso de camiones de "
        "concentrado por vías vecinales.",
        rule="Ordenanza municipal distrital (sin número confirmado)",
        rule_article="",
        authority="Municipalidad distrital de la provincia de Islay",
        manifestation="Cobros en garitas informales reportados por transportistas.",
        stage="processing",
        cost=("60000", "PEN"),
        proposal="Verificar la ordenanza y, si existe, denunciarla ante INDECOPI.",
        created=-450,
        endorsements=(
            Endorse("camaratacna", -440, "Transportistas asociados reportan los cobros."),
        ),
        moves=(
            Move("document", -420, "Se buscaron la ordenanza y los recibos."),
            Move(
                "drop",
                -360,
                "No se encontró la ordenanza ni recibos oficiales: los cobros eran "
                "informales y se derivaron a la Policía y a la municipalidad provincial.",
            ),
        ),
    ),
]

BARRIER_TITLES = [spec.title for spec in BARRIERS]


def _ids_by_title(model: Any, titles: tuple[str, ...]) -> list[int]:
    found: dict[str, int] = {}
    for pk, title in model.objects.filter(title__in=titles).values_list("pk", "title"):
        found.setdefault(title, pk)
    missing = set(titles) - set(found)
    if missing:
        raise LookupError(f"Demo {model.__name__} not found: {sorted(missing)}")
    return [found[title] for title in titles]


def _build(spec: Spec) -> RegulatoryBarrier:
    the_editor = editor()
    data: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        "rule": spec.rule,
        "rule_article": spec.rule_article,
        "authority": spec.authority,
        "manifestation": spec.manifestation,
        "value_chain_stage": Capability.objects.get(
            dimension=Capability.Dimension.VALUE_CHAIN, slug=spec.stage
        ),
        "estimated_cost": Money(Decimal(spec.cost[0]), spec.cost[1]) if spec.cost else None,
        "estimated_delay_days": spec.delay_days,
        "improvement_proposal": spec.proposal,
        "visibility": spec.visibility,
    }
    files = [demo_pdf(*spec.evidence)] if spec.evidence else []
    with on(spec.created):
        barrier = barrier_create(actor=the_editor, data=data, files=files)
        if spec.challenges or spec.projects:
            barrier_link(
                actor=the_editor,
                barrier=barrier,
                challenge_ids=_ids_by_title(Challenge, spec.challenges),
                project_ids=_ids_by_title(Project, spec.projects),
            )
    events: list[tuple[int, Endorse | Move]] = [(e.days, e) for e in spec.endorsements]
    events += [(m.days, m) for m in spec.moves]
    for days, event in sorted(events, key=lambda pair: pair[0]):
        with on(days, 12):
            if isinstance(event, Endorse):
                barrier_endorse(
                    actor=admin_of(event.organization),
                    barrier=barrier,
                    organization=organization(event.organization),
                    statement=event.statement,
                )
            else:
                barrier = barrier_transition(
                    actor=the_editor,
                    barrier=barrier,
                    transition=event.name,
                    note=event.note,
                    case_number=(
                        event.case_number.format(year=moment(days).year)
                        if event.case_number
                        else None
                    ),
                )
    barrier.refresh_from_db()
    return barrier


def seed(*, stdout: TextIO) -> list[RegulatoryBarrier]:
    existing = set(
        RegulatoryBarrier.objects.filter(title__in=BARRIER_TITLES).values_list("title", flat=True)
    )
    # In the order they happened, so the numbers and ids follow the demo's history.
    for spec in sorted(BARRIERS, key=lambda spec: spec.created):
        if spec.title not in existing:
            _build(spec)
    barriers = list(RegulatoryBarrier.objects.filter(title__in=BARRIER_TITLES))
    by_status: dict[str, int] = {}
    for barrier in barriers:
        by_status[barrier.status] = by_status.get(barrier.status, 0) + 1
    stdout.write(
        f"  regulatory barriers: {len(barriers)} ("
        + ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        + ")"
    )
    return barriers
