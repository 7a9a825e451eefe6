"""Demo challenge survey: two rounds (one closed a year ago, one open now) and 34 operational
challenges of the demo's mining companies, in every state of the ``CHALLENGE`` table and at
every confidentiality level.

Everything goes through ``challenges.services.surveys`` (so references, audit entries and
notifications are real), acted by the companies' people and the demo call manager; only the
times are set afterwards (``QuerySet.update``) so that the queue's clocks show days of waiting
and the first round's challenges were submitted while it was open. Challenges are found by
their title and company: running the seed twice changes nothing.

The texts are the companies' own (Spanish only: challenges are not bilingual); restricted ones
carry a sanitized public version, one of them written by the secretariat.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from djmoney.money import Money

from members.models import Capability

from ..models import Challenge, SurveyRound
from ..services import surveys as services
from .common import ago, at, call_manager, organization, person

Status = Challenge.Status
Area = Challenge.OperationalArea
Altitude = Challenge.AltitudeBand
PUBLIC = Challenge.Confidentiality.PUBLIC
MEMBERS = Challenge.Confidentiality.MEMBERS
RESTRICTED = Challenge.Confidentiality.RESTRICTED

FIRST = "first"
SECOND = "second"

#: key → (title, English title, description (Markdown), English description, opens, closes):
#: days from today at 08:00 and 18:00 in Lima.
ROUNDS: dict[str, tuple[str, str, str, str, int, int]] = {
    FIRST: (
        "Primera encuesta de desafíos operacionales",
        "First survey of operational challenges",
        "La primera ronda del programa de innovación abierta del clúster: las empresas mineras "
        "del sur reportaron sus problemas operacionales más costosos, que dieron origen a las "
        "primeras convocatorias.",
        "The first round of the cluster's open innovation programme: the mining companies of "
        "the south reported their costliest operational problems, which became the first calls.",
        -420,
        -360,
    ),
    SECOND: (
        "Segunda encuesta de desafíos operacionales",
        "Second survey of operational challenges",
        "Reporte los desafíos de su operación: **agua, relaves, energía, seguridad, "
        "mantenimiento** y más. La secretaría técnica los revisa y agrupa los desafíos "
        "similares de distintas empresas para lanzar convocatorias conjuntas.\n\n"
        "Puede marcar un desafío como *restringido*: solo su empresa y la secretaría leerán el "
        "original, y el resto verá una versión pública sin datos que la identifiquen.",
        "Report the challenges of your operation: **water, tailings, energy, safety, "
        "maintenance** and more. The technical secretariat reviews them and groups similar "
        "challenges of different companies into joint calls.\n\n"
        "You may mark a challenge as *restricted*: only your company and the secretariat read "
        "the original; everyone else sees a public version that does not identify you.",
        -45,
        30,
    ),
}


@dataclass(frozen=True)
class DemoChallenge:
    key: str
    company: str  # organization key in members/demo/organizations.py
    author: str  # email of one of its people
    round: str
    status: str
    title: str
    problem: str
    area: str
    site: str
    region: str
    altitude: str
    desired_outcome: str
    #: cost, safety, environment, production
    impacts: tuple[str, str, str, str] = ("medium", "low", "low", "medium")
    annual_cost: tuple[str, str] | None = None  # amount, currency
    impact_notes: str = ""
    constraints: str = ""
    stages: str = ""  # value-chain slugs
    services: str = ""  # service-area slugs
    confidentiality: str = MEMBERS
    public_title: str = ""
    public_summary: str = ""
    #: The public version is written by the secretariat rather than the company.
    public_by_secretariat: bool = False
    #: Days before today it was submitted (drafts: written).
    submitted: int = 10
    #: For challenges in the queue: how long it has waited (days, hours).
    waiting: tuple[int, int] | None = None
    #: Days before today the secretariat decided (accept, decline, merge, ask for detail).
    triaged: int | None = None
    detail_checklist: tuple[str, ...] = ()
    detail_message: str = ""
    #: An answer to the request for detail: the challenge is back in the queue.
    detail_answer: str = ""
    decline_reason: str = ""
    merge_into: str = ""  # key of the challenge it duplicates
    share_with: tuple[str, ...] = ()


CHALLENGES: list[DemoChallenge] = [
    # --- First round (closed): accepted challenges the first calls were built on ---------------
    DemoChallenge(
        key="sag-liners",
        company="chachani",
        author="carlos.zegarra@minera-chachani.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Desgaste prematuro de revestimientos en molinos SAG",
        problem="Los revestimientos de acero-caucho de los dos molinos SAG duran en promedio "
        "4,5 meses frente a los 7 que garantiza el fabricante. Cada cambio detiene la línea "
        "36 horas y no tenemos forma de medir el desgaste sin parar el molino.",
        area=Area.MAINTENANCE,
        site="Planta concentradora, líneas 1 y 2",
        region="arequipa",
        altitude=Altitude.FROM_2500,
        impacts=("high", "medium", "low", "high"),
        annual_cost=("4800000", "PEN"),
        impact_notes="Seis paradas mayores al año; cada hora de molino detenido equivale a "
        "unas 1 100 t de mineral no procesado.",
        desired_outcome="Conocer el espesor remanente de los revestimientos con el molino en "
        "operación y planificar los cambios con al menos tres semanas de anticipación.",
        constraints="Ningún equipo puede ingresar al molino en operación; la instrumentación "
        "debe soportar vibración y polvo permanentes.",
        stages="processing",
        services="maintenance automation-digital",
        confidentiality=PUBLIC,
        submitted=405,
        triaged=380,
    ),
    DemoChallenge(
        key="slurry-pumps",
        company="cailloma",
        author="s.bedoya@caillomaandina.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Paradas no programadas de bombas de pulpa en interior mina",
        problem="Las bombas que elevan la pulpa de relleno hidráulico y el agua de mina fallan "
        "sin aviso: sellos y impulsores se desgastan más rápido de lo previsto por la alta "
        "abrasividad y la altura de bombeo.",
        area=Area.MAINTENANCE,
        site="Nivel 4 370, Unidad Caylloma",
        region="arequipa",
        altitude=Altitude.ABOVE_4500,
        impacts=("medium", "medium", "medium", "high"),
        annual_cost=("1350000", "PEN"),
        desired_outcome="Anticipar las fallas de las bombas con al menos 48 horas y reducir "
        "a la mitad las paradas no programadas.",
        constraints="Sin conectividad permanente en interior mina; el personal de "
        "mantenimiento trabaja en turnos 14x7.",
        stages="extraction processing",
        services="maintenance",
        submitted=400,
        triaged=378,
    ),
    DemoChallenge(
        key="thickener-water",
        company="pichupichu",
        author="r.delgado@pichupichu.com.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Baja recuperación de agua en el espesador de relaves",
        problem="El espesador de relaves recupera el 58 % del agua, lejos del 70 % de diseño. "
        "El resto se pierde en la relavera por infiltración y evaporación, en una cuenca con "
        "estrés hídrico y comunidades agrícolas aguas abajo.",
        area=Area.TAILINGS,
        site="Concentradora, espesador de relaves de 90 m",
        region="moquegua",
        altitude=Altitude.FROM_3500,
        impacts=("high", "low", "high", "medium"),
        annual_cost=("2100000", "PEN"),
        desired_outcome="Recuperar al menos el 68 % del agua del relave y reducir el consumo "
        "de agua fresca en 80 l/s.",
        constraints="No se puede detener el espesador más de 12 horas; cualquier reactivo "
        "nuevo debe ser compatible con el circuito de flotación de molibdeno.",
        stages="processing closure",
        services="water tailings",
        submitted=402,
        triaged=377,
        share_with=("flotation-water",),
    ),
    DemoChallenge(
        key="flotation-water",
        company="torata",
        author="j.portugal@toratanorte.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Alto consumo de agua fresca en la planta de flotación",
        problem="La planta consume 0,9 m³ de agua fresca por tonelada tratada. La licencia de "
        "uso de agua no permite crecer y la ampliación prevista depende de recircular más.",
        area=Area.WATER,
        site="Planta de flotación",
        region="moquegua",
        altitude=Altitude.FROM_2500,
        impacts=("medium", "none", "high", "high"),
        desired_outcome="Bajar el consumo a 0,6 m³/t sin perder recuperación de cobre ni de zinc.",
        stages="processing",
        services="water",
        confidentiality=PUBLIC,
        submitted=398,
        triaged=376,
    ),
    DemoChallenge(
        key="tailings-evaporation",
        company="pichupichu",
        author="l.apaza@pichupichu.com.pe",
        round=FIRST,
        status=Status.MERGED,
        title="Pérdidas de agua por evaporación e infiltración en la relavera",
        problem="Estimamos que la relavera pierde más de 100 l/s por evaporación e "
        "infiltración. Necesitamos recuperar esa agua antes de que llegue al depósito.",
        area=Area.WATER,
        site="Depósito de relaves",
        region="moquegua",
        altitude=Altitude.FROM_3500,
        impacts=("medium", "low", "high", "low"),
        desired_outcome="Reducir las pérdidas de agua del depósito de relaves.",
        stages="processing",
        services="water tailings",
        submitted=396,
        triaged=375,
        merge_into="thickener-water",
    ),
    DemoChallenge(
        key="tailings-stability",
        company="collao",
        author="e.mamani@estanocollao.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Estabilidad física del depósito de relaves Quenamari en zona sísmica",
        problem="El depósito de relaves Quenamari, construido aguas arriba en los años noventa, "
        "tiene piezómetros manuales que se leen una vez al mes. La autoridad pide monitoreo "
        "continuo y nuestro estudio de estabilidad sísmica tiene diez años.",
        area=Area.TAILINGS,
        site="Depósito de relaves Quenamari, Antauta",
        region="puno",
        altitude=Altitude.ABOVE_4500,
        impacts=("medium", "critical", "critical", "medium"),
        annual_cost=("900000", "USD"),
        desired_outcome="Monitoreo geotécnico continuo (presión de poros, deformación) con "
        "alertas tempranas, operable con heladas y nevadas.",
        constraints="Temperaturas de -15 °C en la noche; energía solo solar en la zona del "
        "depósito; acceso restringido de diciembre a marzo.",
        stages="processing closure",
        services="tailings safety",
        confidentiality=RESTRICTED,
        public_title="Monitoreo de la estabilidad de un depósito de relaves de una mina de "
        "estaño en Puno, a más de 4 500 m",
        public_summary="Un depósito de relaves antiguo, en zona sísmica y con heladas "
        "severas, necesita monitoreo geotécnico continuo con alertas tempranas y energía "
        "autónoma.",
        submitted=401,
        triaged=379,
    ),
    DemoChallenge(
        key="acid-drainage",
        company="chalhuanca",
        author="h.quispe@minerachalhuanca.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Drenaje ácido en las desmonteras antiguas del tajo Sur",
        problem="Las desmonteras del tajo Sur, de la operación anterior, generan drenaje ácido "
        "con pH 3 en época de lluvias. Lo tratamos con cal en una planta que opera al límite y "
        "la comunidad de Pampamarca vigila la quebrada.",
        area=Area.ENVIRONMENT,
        site="Desmonteras del tajo Sur",
        region="apurimac",
        altitude=Altitude.FROM_3500,
        impacts=("high", "low", "critical", "low"),
        desired_outcome="Reducir en origen la generación de drenaje ácido y el consumo de cal "
        "a la mitad, con un método que la comunidad pueda monitorear.",
        stages="closure",
        services="environment-community water",
        confidentiality=RESTRICTED,
        public_title="Drenaje ácido en desmonteras de una mina de cobre y hierro en Apurímac, "
        "a 3 800 m",
        public_summary="Desmonteras antiguas generan drenaje ácido en época de lluvias; se "
        "busca reducirlo en origen con un método que la comunidad vecina pueda monitorear.",
        public_by_secretariat=True,
        submitted=399,
        triaged=374,
    ),
    DemoChallenge(
        key="night-fatigue",
        company="candarave",
        author="v.flores@mineracandarave.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Fatiga de operadores de volquetes en el turno noche",
        problem="Tres incidentes con volquetes en el último año ocurrieron entre las 3 y las "
        "5 de la mañana. Los operadores trabajan a 4 200 m, con jornadas de 12 horas y "
        "traslados largos desde Candarave.",
        area=Area.SAFETY,
        site="Rampa principal y vías de acarreo",
        region="tacna",
        altitude=Altitude.FROM_3500,
        impacts=("medium", "critical", "low", "medium"),
        desired_outcome="Detectar la somnolencia antes de que ocurra un incidente y ajustar "
        "turnos y pausas con datos.",
        constraints="Los operadores deben aceptar la solución: nada que se perciba como "
        "vigilancia punitiva.",
        stages="extraction",
        services="safety training",
        confidentiality=PUBLIC,
        submitted=394,
        triaged=373,
        share_with=("haul-road-interaction",),
    ),
    DemoChallenge(
        key="haul-road-interaction",
        company="vilcabamba",
        author="g.cusi@mineravilcabamba.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Interacción entre camionetas y equipos pesados en las vías de acarreo",
        problem="Las camionetas de supervisión comparten vías con camiones de 200 t. Los "
        "puntos ciegos y la neblina de la temporada de lluvias causaron dos casi-accidentes "
        "graves este año.",
        area=Area.LOADING_HAULING,
        site="Vías de acarreo del tajo y accesos a botaderos",
        region="cusco",
        altitude=Altitude.FROM_3500,
        impacts=("low", "critical", "none", "medium"),
        desired_outcome="Un sistema anticolisión que funcione con neblina y avise a ambos "
        "conductores.",
        stages="extraction",
        services="safety automation-digital",
        submitted=393,
        triaged=372,
    ),
    DemoChallenge(
        key="concentrate-dust",
        company="pampahierro",
        author="m.salazar@pampadehierro.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Polvo fugitivo en el transporte de concentrado de hierro al puerto",
        problem="El concentrado viaja 15 km en fajas y camiones hasta el puerto. Con el viento "
        "paracas de la tarde el polvo llega a San Juan de Marcona y recibimos quejas "
        "vecinales y observaciones de la autoridad ambiental.",
        area=Area.LOGISTICS,
        site="Faja de concentrado y cancha del puerto",
        region="ica",
        altitude=Altitude.BELOW_1000,
        impacts=("medium", "low", "high", "low"),
        desired_outcome="Reducir las emisiones de material particulado en el trayecto por "
        "debajo del estándar de calidad del aire, con medición en línea.",
        stages="processing",
        services="logistics environment-community",
        confidentiality=PUBLIC,
        submitted=390,
        triaged=370,
    ),
    DemoChallenge(
        key="grinding-energy",
        company="chachani",
        author="ana.torres@minera-chachani.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Alto consumo de energía en la molienda",
        problem="La molienda consume el 55 % de la energía de la unidad. El índice de trabajo "
        "del mineral sube a medida que profundizamos el tajo, y el costo de la energía "
        "contratada aumentó 18 % en dos años.",
        area=Area.ENERGY,
        site="Planta concentradora",
        region="arequipa",
        altitude=Altitude.FROM_2500,
        impacts=("critical", "none", "medium", "medium"),
        annual_cost=("12500000", "PEN"),
        desired_outcome="Reducir el consumo específico de la molienda (kWh/t) en 8 % sin "
        "perder capacidad.",
        stages="processing",
        services="energy automation-digital",
        submitted=389,
        triaged=369,
    ),
    DemoChallenge(
        key="working-capital",
        company="ocona",
        author="p.llerena@mineraocona.pe",
        round=FIRST,
        status=Status.DECLINED,
        title="Capital de trabajo para ampliar la planta de beneficio",
        problem="Necesitamos financiamiento para comprar un segundo molino de bolas y ampliar "
        "la planta de 50 a 100 t/d.",
        area=Area.OTHER,
        site="Planta de beneficio de Ocoña",
        region="arequipa",
        altitude=Altitude.BELOW_1000,
        impacts=("medium", "none", "none", "high"),
        desired_outcome="Conseguir un crédito de S/ 800 000.",
        stages="processing",
        confidentiality=PUBLIC,
        submitted=385,
        triaged=368,
        decline_reason="Gracias por su reporte. La encuesta recoge problemas operacionales que "
        "un proveedor o una universidad puedan resolver con una solución nueva; el "
        "financiamiento de una ampliación no lo es. Le sugerimos contactar al Fondo de "
        "Garantía Empresarial del Sur (FOGASUR), miembro del clúster.",
    ),
    DemoChallenge(
        key="deep-heat",
        company="cailloma",
        author="s.bedoya@caillomaandina.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Calor y ventilación insuficiente en las labores más profundas",
        problem="En las labores bajo el nivel 4 100 la temperatura supera los 30 °C y el "
        "caudal de aire no alcanza el mínimo del reglamento en dos tajeos.",
        area=Area.SAFETY,
        site="Veta Bateas, niveles inferiores",
        region="arequipa",
        altitude=Altitude.ABOVE_4500,
        impacts=("high", "high", "low", "medium"),
        desired_outcome="Ventilación a demanda que cumpla el reglamento con menor consumo de "
        "energía.",
        stages="extraction",
        services="safety energy",
        # Restricted without a public version: nobody outside the company and the
        # secretariat sees it at all.
        confidentiality=RESTRICTED,
        submitted=383,
        triaged=366,
    ),
    DemoChallenge(
        key="acid-pipes",
        company="candarave",
        author="v.flores@mineracandarave.pe",
        round=FIRST,
        status=Status.ACCEPTED,
        title="Corrosión de tuberías por agua de mina ácida",
        problem="Las tuberías de acero que evacúan el agua de mina se perforan en menos de un "
        "año; cada fuga obliga a detener el bombeo y a limpiar la rampa.",
        area=Area.MAINTENANCE,
        site="Sistema de bombeo de agua de mina",
        region="tacna",
        altitude=Altitude.FROM_3500,
        impacts=("medium", "medium", "medium", "low"),
        desired_outcome="Materiales o recubrimientos que duren al menos tres años.",
        stages="extraction",
        services="maintenance water",
        submitted=380,
        triaged=365,
    ),
    # --- Second round (open now) -----------------------------------------------------------------
    DemoChallenge(
        key="crushed-size",
        company="chachani",
        author="carlos.zegarra@minera-chachani.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Medición en línea de la granulometría del mineral chancado",
        problem="Solo conocemos la granulometría del producto del chancado secundario por "
        "muestreo manual dos veces por turno. Cuando el mineral sale grueso, el molino SAG "
        "pierde capacidad durante horas antes de que lo notemos.",
        area=Area.PROCESSING,
        site="Fajas de alimentación al molino SAG",
        region="arequipa",
        altitude=Altitude.FROM_2500,
        impacts=("medium", "none", "none", "high"),
        desired_outcome="Una medición continua de la granulometría (P80) integrada al control "
        "del molino.",
        stages="processing",
        services="automation-digital",
        confidentiality=PUBLIC,
        submitted=40,
        triaged=33,
    ),
    DemoChallenge(
        key="chute-blockages",
        company="torata",
        author="j.portugal@toratanorte.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Atoros en los chutes de transferencia del chancado",
        problem="Los chutes de transferencia se atoran con mineral húmedo en temporada de "
        "lluvias; los detectamos tarde, cuando la faja ya se detuvo por sobrecarga.",
        area=Area.PROCESSING,
        site="Chancado primario y secundario",
        region="moquegua",
        altitude=Altitude.FROM_2500,
        impacts=("medium", "high", "none", "high"),
        desired_outcome="Detectar el atoro antes de que detenga la faja y liberar el chute sin "
        "exponer al personal.",
        stages="processing",
        services="maintenance automation-digital safety",
        submitted=38,
        triaged=32,
    ),
    DemoChallenge(
        key="mercury-free",
        company="chaparra",
        author="t.ccahua@coopeminchaparra.org.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Recuperar el oro sin mercurio en la cooperativa",
        problem="Los 180 socios de la cooperativa amalgaman el oro con mercurio en sus "
        "quimbaletes. Queremos dejar de usarlo, pero la cianuración convencional es cara y "
        "peligrosa para operaciones pequeñas.",
        area=Area.PROCESSING,
        site="Quimbaletes de la cooperativa, Chaparra",
        region="arequipa",
        altitude=Altitude.FROM_1000,
        impacts=("medium", "high", "critical", "medium"),
        desired_outcome="Un proceso sin mercurio que recupere al menos lo mismo que la "
        "amalgamación, al alcance de un minero artesanal y con capacitación en su idioma.",
        constraints="Sin red eléctrica en la mayoría de los frentes; bajo capital; muchos "
        "socios hablan quechua.",
        stages="processing",
        services="environment-community training",
        confidentiality=PUBLIC,
        submitted=36,
        triaged=28,
        share_with=("fine-gold",),
    ),
    DemoChallenge(
        key="fine-gold",
        company="ocona",
        author="p.llerena@mineraocona.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Baja recuperación de oro fino en la planta de beneficio",
        problem="Perdemos en los relaves casi el 25 % del oro, en partículas menores a 75 µm "
        "que la concentración gravimétrica no captura.",
        area=Area.PROCESSING,
        site="Planta de beneficio de Ocoña (50 t/d)",
        region="arequipa",
        altitude=Altitude.BELOW_1000,
        impacts=("high", "low", "medium", "medium"),
        desired_outcome="Subir la recuperación de oro del 75 % al 88 % sin usar mercurio.",
        stages="processing",
        services="environment-community",
        submitted=35,
        triaged=28,
    ),
    DemoChallenge(
        key="degraded-soils",
        company="huepetuhe",
        author="d.huaman@aurorahuepetuhe.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Recuperación de suelos degradados por la minería aluvial",
        problem="Nuestra concesión tiene 40 ha de gravas lavadas sin suelo orgánico. El plan "
        "de cierre exige revegetarlas, pero las especies que probamos no prosperan.",
        area=Area.ENVIRONMENT,
        site="Concesión Aurora, Huepetuhe",
        region="madre_de_dios",
        altitude=Altitude.BELOW_1000,
        impacts=("medium", "none", "high", "none"),
        desired_outcome="Un método de revegetación con especies nativas que logre cobertura "
        "en dos temporadas de lluvia.",
        stages="closure",
        services="environment-community",
        confidentiality=PUBLIC,
        submitted=33,
        triaged=25,
    ),
    DemoChallenge(
        key="pumping-energy",
        company="pichupichu",
        author="r.delgado@pichupichu.com.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Costo energético del bombeo de agua desde la represa Huaytire",
        problem="Bombeamos el agua de proceso 28 km y 900 m de desnivel desde la represa "
        "Huaytire. El bombeo es el segundo consumo eléctrico de la unidad y depende de una "
        "sola línea de transmisión.",
        area=Area.ENERGY,
        site="Estaciones de bombeo Huaytire 1 y 2",
        region="moquegua",
        altitude=Altitude.ABOVE_4500,
        impacts=("high", "low", "medium", "medium"),
        annual_cost=("3400000", "PEN"),
        desired_outcome="Cubrir parte del bombeo con energía renovable y almacenamiento, y "
        "operar las bombas según la tarifa horaria.",
        stages="extraction processing",
        services="energy water",
        confidentiality=RESTRICTED,
        public_title="Energía para el bombeo de agua de una operación de cobre en Moquegua, "
        "a más de 4 500 m",
        public_summary="El bombeo de agua de proceso a gran altura es el segundo consumo "
        "eléctrico de la operación; se busca energía renovable y almacenamiento.",
        submitted=42,
        triaged=30,
    ),
    DemoChallenge(
        key="water-monitoring",
        company="vilcabamba",
        author="g.cusi@mineravilcabamba.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Monitoreo participativo de la calidad del agua con las comunidades",
        problem="Las comunidades de Chumbivilcas desconfían de los resultados de nuestro "
        "monitoreo de agua. El monitoreo participativo trimestral no basta y los resultados "
        "del laboratorio tardan tres semanas.",
        area=Area.COMMUNITIES,
        site="Cuencas de los ríos Velille y Santo Tomás",
        region="cusco",
        altitude=Altitude.FROM_3500,
        impacts=("low", "none", "high", "medium"),
        desired_outcome="Mediciones en línea que las comunidades vean al mismo tiempo que la "
        "empresa, con sensores que ellas mismas ayuden a mantener.",
        stages="extraction",
        services="water environment-community",
        confidentiality=PUBLIC,
        submitted=2,
        waiting=(2, 4),
    ),
    DemoChallenge(
        key="silica-dust",
        company="collao",
        author="e.mamani@estanocollao.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Exposición a sílice cristalina en la planta de chancado",
        problem="Las mediciones de sílice respirable en el chancado secundario superan el "
        "límite ocupacional en dos puestos, aun con respiradores.",
        area=Area.SAFETY,
        site="Chancado secundario",
        region="puno",
        altitude=Altitude.ABOVE_4500,
        impacts=("medium", "critical", "medium", "low"),
        desired_outcome="Controlar el polvo en la fuente y medir la exposición en tiempo real.",
        stages="processing",
        services="safety",
        submitted=9,
        waiting=(9, 2),
    ),
    DemoChallenge(
        key="steep-tracks",
        company="sora",
        author="f.ayala@minerasora.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Transporte de mineral en trochas de alta pendiente",
        problem="Sacamos el mineral en camiones de 15 t por trochas con pendientes del 14 % "
        "que se deterioran con cada lluvia.",
        area=Area.LOADING_HAULING,
        site="Trocha de Sora a Puquio",
        region="ayacucho",
        altitude=Altitude.FROM_3500,
        impacts=("medium", "high", "low", "medium"),
        desired_outcome="Mantener la trocha transitable todo el año a un costo que la pequeña "
        "minería pueda asumir.",
        stages="extraction",
        services="logistics safety",
        confidentiality=PUBLIC,
        submitted=16,
        waiting=(16, 7),
    ),
    DemoChallenge(
        key="underground-radio",
        company="candarave",
        author="v.flores@mineracandarave.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Sin comunicaciones en los frentes de avance de interior mina",
        problem="La red de radio no llega a los frentes de avance; ante una emergencia el "
        "personal depende de mensajeros.",
        area=Area.DIGITAL,
        site="Rampas y frentes de avance",
        region="tacna",
        altitude=Altitude.FROM_3500,
        impacts=("low", "critical", "none", "medium"),
        desired_outcome="Voz y datos en todos los frentes, y ubicación del personal en "
        "emergencias.",
        stages="extraction",
        services="safety automation-digital",
        submitted=24,
        triaged=20,
        detail_checklist=("site", "data_available"),
        detail_message="¿Cuántos frentes y qué longitud de labores deben cubrirse? ¿Qué "
        "infraestructura de red existe hoy?",
        detail_answer="Son seis frentes activos y unos 9 km de rampas y galerías. Hay fibra "
        "óptica hasta el nivel 3 950 y radio VHF con repetidoras hasta allí.",
        waiting=(3, 5),
    ),
    DemoChallenge(
        key="grade-estimation",
        company="chalhuanca",
        author="h.quispe@minerachalhuanca.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Estimación de leyes con pocos sondajes en el cuerpo Ccollpa",
        problem="El cuerpo Ccollpa tiene solo 23 sondajes y la varianza de leyes es alta; "
        "necesitamos decidir la ampliación del tajo sin duplicar la campaña de perforación.",
        area=Area.EXPLORATION,
        site="Cuerpo Ccollpa",
        region="apurimac",
        altitude=Altitude.FROM_3500,
        impacts=("high", "none", "none", "medium"),
        desired_outcome="Un modelo de leyes con incertidumbre cuantificada que guíe dónde "
        "perforar los próximos sondajes.",
        stages="exploration",
        services="automation-digital",
        confidentiality=RESTRICTED,
        public_title="Estimación de leyes con pocos sondajes en un yacimiento de cobre del "
        "sur del Perú",
        public_summary="Con pocos sondajes y alta varianza de leyes, se busca un modelo que "
        "cuantifique la incertidumbre y guíe la perforación.",
        submitted=5,
        waiting=(5, 1),
    ),
    DemoChallenge(
        key="hydraulic-hoses",
        company="chalhuanca",
        author="h.quispe@minerachalhuanca.pe",
        round=SECOND,
        status=Status.SUBMITTED,
        title="Rotura de mangueras hidráulicas en las perforadoras",
        problem="Las mangueras hidráulicas de las perforadoras fallan con el frío de la "
        "madrugada; cada rotura derrama aceite y detiene el equipo un turno.",
        area=Area.DRILLING_BLASTING,
        site="Tajo Norte",
        region="apurimac",
        altitude=Altitude.FROM_3500,
        impacts=("medium", "medium", "medium", "medium"),
        desired_outcome="Duplicar la vida de las mangueras y detectar su deterioro antes de "
        "la rotura.",
        stages="extraction",
        services="maintenance",
        submitted=12,
        waiting=(12, 3),
    ),
    DemoChallenge(
        key="paste-fill",
        company="cailloma",
        author="s.bedoya@caillomaandina.pe",
        round=SECOND,
        status=Status.DETAIL_REQUESTED,
        title="Relleno en pasta para los tajeos explotados",
        problem="El relleno hidráulico actual drena mal y demora el ciclo de minado. "
        "Queremos evaluar relleno en pasta con nuestros relaves.",
        area=Area.TAILINGS,
        site="Unidad Caylloma",
        region="arequipa",
        altitude=Altitude.ABOVE_4500,
        impacts=("medium", "medium", "medium", "high"),
        desired_outcome="Un diseño de relleno en pasta validado con nuestros relaves.",
        stages="extraction processing",
        services="tailings",
        submitted=14,
        triaged=8,
        detail_checklist=("impact_figures", "data_available", "timeline"),
        detail_message="Para presentarlo a los proveedores necesitamos el volumen de relleno "
        "mensual, los ensayos de relaves disponibles y el horizonte del proyecto.",
    ),
    DemoChallenge(
        key="residual-mercury",
        company="huepetuhe",
        author="d.huaman@aurorahuepetuhe.pe",
        round=SECOND,
        status=Status.DETAIL_REQUESTED,
        title="Mercurio residual en las pozas de sedimentación",
        problem="Heredamos pozas de sedimentación con mercurio de la operación informal anterior.",
        area=Area.ENVIRONMENT,
        site="Concesión Aurora",
        region="madre_de_dios",
        altitude=Altitude.BELOW_1000,
        impacts=("low", "medium", "critical", "none"),
        desired_outcome="Remediar las pozas.",
        stages="closure",
        services="environment-community",
        confidentiality=PUBLIC,
        submitted=11,
        triaged=6,
        detail_checklist=("site", "photos", "tried_before", "desired_outcome"),
        detail_message="¿Cuántas pozas son, de qué tamaño y a qué distancia del río? "
        "Agradeceremos fotos y los análisis de mercurio que tengan.",
    ),
    DemoChallenge(
        key="blast-vibration",
        company="torata",
        author="j.portugal@toratanorte.pe",
        round=SECOND,
        status=Status.DECLINED,
        title="Estudio de vibraciones por voladura cerca del poblado de Torata",
        problem="Necesitamos el estudio anual de vibraciones exigido por el instrumento de "
        "gestión ambiental.",
        area=Area.DRILLING_BLASTING,
        site="Tajo Torata Norte",
        region="moquegua",
        altitude=Altitude.FROM_2500,
        impacts=("low", "low", "medium", "none"),
        desired_outcome="Contar con el estudio aprobado.",
        stages="extraction",
        services="environment-community",
        confidentiality=PUBLIC,
        submitted=20,
        triaged=15,
        decline_reason="El estudio que describe es una obligación de su instrumento de gestión "
        "ambiental, que ya tiene proveedores homologados; la encuesta busca problemas "
        "abiertos que requieran una solución nueva. Si las vibraciones siguen generando "
        "conflicto con el poblado pese al estudio, repórtelo así y lo revisaremos.",
    ),
    DemoChallenge(
        key="crusher-dust",
        company="collao",
        author="e.mamani@estanocollao.pe",
        round=SECOND,
        status=Status.MERGED,
        title="Polvo en el chancado secundario",
        problem="Hay mucho polvo en el chancado secundario y los trabajadores se quejan.",
        area=Area.SAFETY,
        site="Chancado secundario",
        region="puno",
        altitude=Altitude.ABOVE_4500,
        impacts=("low", "high", "low", "low"),
        desired_outcome="Menos polvo en la planta.",
        stages="processing",
        services="safety",
        submitted=8,
        triaged=4,
        merge_into="silica-dust",
    ),
    DemoChallenge(
        key="groundwater-ramp",
        company="candarave",
        author="v.flores@mineracandarave.pe",
        round=SECOND,
        status=Status.ACCEPTED,
        title="Ingreso de agua subterránea en la rampa de profundización",
        problem="La rampa de profundización corta acuíferos con caudales de hasta 60 l/s que "
        "inundan el frente tras cada voladura.",
        area=Area.WATER,
        site="Rampa de profundización",
        region="tacna",
        altitude=Altitude.FROM_3500,
        impacts=("high", "medium", "medium", "high"),
        desired_outcome="Anticipar los acuíferos antes de cortarlos y controlar el ingreso de "
        "agua.",
        stages="development extraction",
        services="water",
        submitted=30,
        triaged=22,
    ),
    DemoChallenge(
        key="salt-corrosion",
        company="pampahierro",
        author="m.salazar@pampadehierro.pe",
        round=SECOND,
        status=Status.DRAFT,
        title="Corrosión de fajas y estructuras por la brisa marina",
        problem="Las estructuras de las fajas cerca del puerto pierden espesor por la brisa "
        "marina; repintamos cada dos años.",
        area=Area.MAINTENANCE,
        site="Fajas y puerto",
        region="ica",
        altitude=Altitude.BELOW_1000,
        desired_outcome="Proteger las estructuras por al menos ocho años.",
        stages="processing",
        services="maintenance",
        confidentiality=PUBLIC,
        submitted=6,
    ),
    DemoChallenge(
        key="critical-spares",
        company="chachani",
        author="ana.torres@minera-chachani.pe",
        round=SECOND,
        status=Status.DRAFT,
        title="Gestión de repuestos críticos de la planta",
        problem="Algunos repuestos críticos (coronas, piñones, motores) tienen plazos de "
        "importación de seis meses.",
        area=Area.LOGISTICS,
        site="Almacén central",
        region="arequipa",
        altitude=Altitude.FROM_2500,
        desired_outcome="Reducir el inventario inmovilizado sin arriesgar la continuidad.",
        stages="processing",
        services="logistics maintenance",
        submitted=3,
    ),
    DemoChallenge(
        key="diesel-gensets",
        company="ocona",
        author="p.llerena@mineraocona.pe",
        round=SECOND,
        status=Status.DRAFT,
        title="Dependencia de grupos electrógenos diésel",
        problem="La planta funciona con dos grupos electrógenos; el diésel es el 30 % del "
        "costo operativo.",
        area=Area.ENERGY,
        site="Planta de beneficio de Ocoña",
        region="arequipa",
        altitude=Altitude.BELOW_1000,
        desired_outcome="Reemplazar parte del diésel con energía solar.",
        stages="processing",
        services="energy",
        submitted=1,
    ),
]


def demo_rounds() -> dict[str, SurveyRound]:
    """The demo's rounds by key (created the first time)."""
    manager = call_manager()
    rounds: dict[str, SurveyRound] = {}
    for key, (title, title_en, description, description_en, opens, closes) in ROUNDS.items():
        found = SurveyRound.objects.filter(title=title).first()
        if found is None:
            found = services.survey_round_create(
                actor=manager,
                data={
                    "title": title,
                    "title_en": title_en,
                    "description": description,
                    "description_en": description_en,
                    # Open while the demo submits to it; the real dates are set below.
                    "opens_at": at(min(opens, -1), 8),
                    "closes_at": at(max(closes, 1), 18),
                },
            )
        rounds[key] = found
    return rounds


def _close_rounds(rounds: dict[str, SurveyRound]) -> None:
    """Give the rounds their real dates (the first one closed long ago)."""
    manager = call_manager()
    for key, survey_round in rounds.items():
        *_texts, opens, closes = ROUNDS[key]
        wanted = {"opens_at": at(opens, 8), "closes_at": at(closes, 18)}
        if any(getattr(survey_round, name) != value for name, value in wanted.items()):
            services.survey_round_update(actor=manager, survey_round=survey_round, data=wanted)


def _data(
    spec: DemoChallenge, survey_round: SurveyRound, terms: dict[tuple[str, str], Capability]
) -> dict[str, object]:
    cost, safety, environment, production = spec.impacts
    return {
        "survey_round": survey_round,
        "title": spec.title,
        "problem": spec.problem,
        "operational_area": spec.area,
        "site": spec.site,
        "region": spec.region,
        "altitude_band": spec.altitude,
        "impact_cost": cost,
        "impact_safety": safety,
        "impact_environment": environment,
        "impact_production": production,
        "estimated_annual_cost": (
            Money(Decimal(spec.annual_cost[0]), spec.annual_cost[1]) if spec.annual_cost else None
        ),
        "impact_notes": spec.impact_notes,
        "desired_outcome": spec.desired_outcome,
        "constraints": spec.constraints,
        "confidentiality": spec.confidentiality,
        "public_title": "" if spec.public_by_secretariat else spec.public_title,
        "public_summary": "" if spec.public_by_secretariat else spec.public_summary,
        "value_chain_stages": [
            terms[(Capability.Dimension.VALUE_CHAIN, s)] for s in spec.stages.split()
        ],
        "service_areas": [
            terms[(Capability.Dimension.SERVICE_AREA, s)] for s in spec.services.split()
        ],
    }


def _create(
    spec: DemoChallenge,
    survey_round: SurveyRound,
    made: dict[str, Challenge],
    terms: dict[tuple[str, str], Capability],
) -> None:
    """Take the challenge through the services to its demo state."""
    manager = call_manager()
    author = person(spec.author)
    challenge = services.challenge_create(
        actor=author,
        organization=organization(spec.company),
        data=_data(spec, survey_round, terms),
    )
    if spec.public_by_secretariat:
        challenge = services.challenge_set_public_version(
            actor=manager,
            challenge=challenge,
            public_title=spec.public_title,
            public_summary=spec.public_summary,
        )
    if spec.status != Status.DRAFT:
        challenge = services.challenge_submit(actor=author, challenge=challenge)
    if spec.detail_checklist:
        challenge = services.challenge_request_detail(
            actor=manager,
            challenge=challenge,
            checklist=spec.detail_checklist,
            message=spec.detail_message,
        )
        if spec.detail_answer:
            challenge = services.challenge_answer_detail(
                actor=author, challenge=challenge, answer=spec.detail_answer
            )
    if spec.status == Status.ACCEPTED:
        challenge = services.challenge_accept(actor=manager, challenge=challenge)
    elif spec.status == Status.DECLINED:
        challenge = services.challenge_decline(
            actor=manager, challenge=challenge, reason=spec.decline_reason
        )
    elif spec.status == Status.MERGED:
        challenge = services.challenge_merge(
            actor=manager, challenge=challenge, into=made[spec.merge_into]
        )
    made[spec.key] = challenge
    _set_times(spec, challenge)


def _set_times(spec: DemoChallenge, challenge: Challenge) -> None:
    """The demo's history: when it was written, submitted and triaged, and how long it has
    waited in the queue (the services stamped everything "now")."""
    submitted = ago(spec.submitted, hours=3)
    times: dict[str, datetime.datetime | None] = {
        "created_at": submitted - datetime.timedelta(days=1, hours=2),
    }
    if challenge.status != Status.DRAFT:
        times["submitted_at"] = submitted
    if challenge.queued_at is not None:
        days, hours = spec.waiting or (spec.submitted, 3)
        times["queued_at"] = ago(days, hours=hours)
    if challenge.triaged_at is not None and spec.triaged is not None:
        times["triaged_at"] = ago(spec.triaged, hours=5)
    Challenge.objects.filter(pk=challenge.pk).update(**times)


def challenges_by_key() -> dict[str, Challenge]:
    """The demo challenges that exist, by key (found by title and company, in one query)."""
    rows = {
        (c.title, c.organization_id): c
        for c in Challenge.objects.filter(title__in=[spec.title for spec in CHALLENGES])
    }
    found: dict[str, Challenge] = {}
    for spec in CHALLENGES:
        challenge = rows.get((spec.title, organization(spec.company).pk))
        if challenge is not None:
            found[spec.key] = challenge
    return found


def seed(*, stdout: TextIO) -> None:
    rounds = demo_rounds()
    made = challenges_by_key()
    terms = {(c.dimension, c.slug): c for c in Capability.objects.all()}
    created = 0
    for spec in CHALLENGES:
        if spec.key in made:
            continue
        _create(spec, rounds[spec.round], made, terms)
        created += 1
    # Shared pairs: similar challenges of different companies, sponsored together.
    manager = call_manager()
    for spec in CHALLENGES:
        others = [made[k] for k in spec.share_with]
        missing = [o for o in others if not made[spec.key].shared_with.filter(pk=o.pk).exists()]
        if missing:
            services.challenge_share(actor=manager, challenge=made[spec.key], others=missing)
    _close_rounds(rounds)
    stdout.write(
        f"  challenge survey: {len(rounds)} rounds, {len(made)} challenges "
        f"({created} new) in every triage state"
    )
