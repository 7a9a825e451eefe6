"""Demo proposals: 28 proposals to the six demo calls that took them, written through
``challenges.services.proposals`` by the lead organizations' admins while each call was open
(``challenges.demo.calls`` builds the calls open and closes them afterwards).

They show the whole lifecycle: drafts (some with the 7-day reminder due), submitted proposals
with gapless references and real snapshots, one unsubmitted to be edited, one unsubmitted and
submitted again, withdrawn ones, consortia with confirmed (commitment letter uploaded), invited
and declined partners — universities and METS suppliers — and answers to every question.
After the services ran, the times are set to the demo's history (``QuerySet.update``); the
submission snapshots get their real submission time and their SHA-256 is recomputed, so a
receipt still verifies.

Proposals are found by title and call: running the seed twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from djmoney.money import Money
from fpdf import FPDF

from ..models import Call, Proposal, ProposalPartner, ProposalSubmission
from ..services import proposals as services
from ..services.proposals import snapshot_sha256
from ..workflows import ACCEPTS_PROPOSALS, CALL
from .calls import CALLS_BY_CODE, demo_calls
from .common import admin_of, at, organization
from .surveys import challenges_by_key

CONFIRMED = ProposalPartner.Status.CONFIRMED
INVITED = ProposalPartner.Status.INVITED
DECLINED = ProposalPartner.Status.DECLINED
DRAFT = Proposal.Status.DRAFT
SUBMITTED = Proposal.Status.SUBMITTED
WITHDRAWN = Proposal.Status.WITHDRAWN


@dataclass(frozen=True)
class DemoPartner:
    organization: str  # key
    role: str
    share: str  # budget share, in the call's currency
    status: str = CONFIRMED
    reason: str = ""  # why it declined


@dataclass(frozen=True)
class DemoProposal:
    call: str  # code
    lead: str  # organization key
    title: str
    summary: str
    approach: str
    team: str
    challenge: str  # key of the challenge addressed
    trl: tuple[int, int]
    budget: str
    months: int
    status: str
    answers: dict[str, object]
    co_funding: str = ""
    partners: tuple[DemoPartner, ...] = ()
    #: "unsubmitted": submitted, then back to draft to edit; "resubmitted": and submitted again.
    history: str = ""
    withdraw_reason: str = ""
    #: Upload the file answer of a file question.
    file_answer: bool = False
    created: int = -10  # days from today
    submitted: int | None = None


P = DemoProposal
CONSORTIUM_NOTE = "Ver reparto de tareas en la sección de consorcio."

PROPOSALS: list[DemoProposal] = [
    # --- Archived call: predictive maintenance ---------------------------------------------------
    P(
        call="mantenimiento-predictivo-plantas",
        lead="andestech",
        title="Gemelo digital del desgaste de revestimientos de molinos SAG",
        summary="Un modelo del desgaste alimentado por la potencia, el ruido acústico y las "
        "mediciones de cada parada estima el espesor remanente de los revestimientos.",
        approach="Sensores acústicos en la carcasa, datos del sistema de control y un modelo "
        "calibrado con escaneos láser en cada cambio de revestimientos.",
        team="Ingeniera de confiabilidad (líder), dos científicos de datos, técnico "
        "instrumentista; apoyo metalúrgico de la UNSA.",
        challenge="sag-liners",
        trl=(4, 7),
        budget="118000",
        co_funding="30000",
        months=10,
        status=SUBMITTED,
        answers={
            "validation": "Piloto de seis meses en la línea 2, comparando la estimación con "
            "el escaneo láser de dos cambios de revestimientos.",
            "hours": "72",
        },
        partners=(DemoPartner("unsa", "Ensayos de desgaste y validación metalúrgica", "25000"),),
        created=-320,
        submitted=-292,
    ),
    P(
        call="mantenimiento-predictivo-plantas",
        lead="yura",
        title="Medición ultrasónica del espesor de revestimientos sin detener el molino",
        summary="Sondas ultrasónicas fijas en pernos de revestimiento transmiten el espesor "
        "por radio en cada vuelta del molino.",
        approach="Adaptamos sondas de medición de espesor industriales a pernos instrumentados "
        "con batería de dos años.",
        team="Gerente de taller, dos técnicos de ensayos no destructivos, electrónico.",
        challenge="sag-liners",
        trl=(3, 6),
        budget="95000",
        months=8,
        status=SUBMITTED,
        answers={
            "validation": "Pernos instrumentados en diez posiciones del molino SAG 1, "
            "contrastados con medición manual en la parada programada.",
            "hours": "48",
        },
        created=-315,
        submitted=-291,
    ),
    P(
        call="mantenimiento-predictivo-plantas",
        lead="atacama",
        title="Monitoreo de vibraciones y sellos en bombas de pulpa de interior mina",
        summary="Sensores inalámbricos de vibración y temperatura con una pasarela que "
        "almacena datos hasta llegar a zona con cobertura.",
        approach="Analítica de vibraciones probada en bombas de relaves de Antofagasta, "
        "adaptada a la altura y al relleno hidráulico.",
        team="Country manager, especialista en análisis de vibraciones, dos técnicos; el ITS "
        "Moquegua forma a los técnicos de la unidad.",
        challenge="slurry-pumps",
        trl=(6, 8),
        budget="110000",
        co_funding="20000",
        months=9,
        status=SUBMITTED,
        answers={
            "validation": "Doce bombas del nivel 4 370 durante cinco meses; indicador: "
            "paradas no programadas frente al año anterior.",
            "hours": "160",
        },
        partners=(DemoPartner("itsmoquegua", "Formación de técnicos de mantenimiento", "12000"),),
        created=-318,
        submitted=-293,
    ),
    # --- Decided call: water and tailings (USD) --------------------------------------------------
    P(
        call="agua-relaves-moquegua",
        lead="hidroandina",
        title="Más agua del espesador con floculación optimizada y control en línea",
        summary="Control de la dosificación de floculante con medición en línea de la "
        "densidad del underflow y de la turbidez del rebose.",
        approach="Pruebas de sedimentación con relaves de ambas operaciones y un lazo de "
        "control en el sistema existente.",
        team="Gerente técnico, dos metalurgistas, ingeniero de control; CIMS mide el "
        "balance de agua.",
        challenge="thickener-water",
        trl=(5, 7),
        budget="58000",
        co_funding="10000",
        months=8,
        status=SUBMITTED,
        answers={
            "validation": "Tres meses en el espesador de 90 m con la misma mineralogía.",
            "litres": "65",
        },
        partners=(DemoPartner("cims", "Balance hídrico y monitoreo independiente", "9000"),),
        created=-190,
        submitted=-162,
    ),
    P(
        call="agua-relaves-moquegua",
        lead="relavesur",
        title="Relaves filtrados a escala piloto para recuperar agua",
        summary="Un filtro prensa piloto junto al espesador recupera agua y produce relave "
        "apilable.",
        approach="Ensayos de filtración en laboratorio, luego un piloto de 20 t/d.",
        team="Ingeniera geotécnica principal, metalurgista, dos técnicos; Atacama Mining "
        "Services opera el filtro; UNSA hace los ensayos.",
        challenge="thickener-water",
        trl=(4, 6),
        budget="60000",
        months=12,
        status=SUBMITTED,
        answers={
            "validation": "Piloto de 20 t/d durante cuatro meses en la operación de Pichu Pichu.",
            "litres": "40",
        },
        partners=(
            DemoPartner("atacama", "Suministro y operación del filtro piloto", "22000"),
            DemoPartner("unsa", "Ensayos de filtración y geotecnia", "8000"),
        ),
        created=-185,
        submitted=-161,
    ),
    P(
        call="agua-relaves-moquegua",
        lead="ecoandes",
        title="Balance hídrico en línea de la planta y la relavera",
        summary="Caudalímetros y un modelo de balance que muestran dónde se pierde el agua, "
        "en tiempo real.",
        approach="Instrumentación de diez puntos y un tablero compartido con la mesa de agua.",
        team="Director ambiental, hidrólogo, analista de datos.",
        challenge="flotation-water",
        trl=(6, 8),
        budget="42000",
        months=6,
        status=SUBMITTED,
        answers={
            "validation": "Seis meses en la planta de Torata Norte con auditoría del balance.",
            "litres": "25",
        },
        created=-180,
        submitted=-163,
    ),
    P(
        call="agua-relaves-moquegua",
        lead="aguasaltiplano",
        title="Coberturas flotantes contra la evaporación en la relavera",
        summary="Módulos flotantes de polietileno que reducen la evaporación de la laguna de "
        "la relavera.",
        approach="Piloto de 2 ha con medición de evaporación comparada.",
        team="Fundadora, ingeniero hidráulico.",
        challenge="thickener-water",
        trl=(5, 7),
        budget="35000",
        months=6,
        status=WITHDRAWN,
        answers={
            "validation": "Piloto de 2 ha en la laguna de la relavera.",
            "litres": "15",
        },
        withdraw_reason="El fabricante de los módulos no puede entregarlos a tiempo.",
        created=-178,
        submitted=-165,
    ),
    # --- Call in evaluation: high-altitude tailings and waste dumps -----------------------------
    P(
        call="relaves-desmonteras-altoandinas",
        lead="relavesur",
        title="Monitoreo satelital InSAR y piezómetros inalámbricos para relaveras de altura",
        summary="Deformación por InSAR cada seis días y piezómetros de cuerda vibrante con "
        "energía solar, en un solo tablero con alertas.",
        approach="Procesamiento InSAR con imágenes abiertas, piezómetros con registradores "
        "autónomos y umbrales acordados con el ingeniero de registro.",
        team="Ingeniera geotécnica principal, especialista InSAR de GeoIntel Cusco, "
        "investigador de la UNI Collao.",
        challenge="tailings-stability",
        trl=(5, 7),
        budget="195000",
        co_funding="40000",
        months=14,
        status=SUBMITTED,
        answers={
            "validation": "Doce meses en el depósito, con contraste de las lecturas manuales.",
            "altitude": "si",
        },
        partners=(
            DemoPartner("uncollao", "Modelamiento geotécnico y sísmico", "30000"),
            DemoPartner("geocusco", "Procesamiento de imágenes InSAR", "35000"),
        ),
        created=-60,
        submitted=-31,
    ),
    P(
        call="relaves-desmonteras-altoandinas",
        lead="tacnadrones",
        title="Fotogrametría con drones y alertas de deformación en depósitos de relaves",
        summary="Vuelos quincenales y modelos 3D comparados para detectar deformaciones de "
        "centímetros.",
        approach="Drones con RTK preparados para vuelo a 4 800 m y comparación de nubes de puntos.",
        team="Fundador, dos pilotos certificados; UPSC procesa los modelos.",
        challenge="tailings-stability",
        trl=(6, 7),
        budget="120000",
        months=10,
        status=SUBMITTED,
        answers={
            "validation": "Veinte vuelos en diez meses con puntos de control topográfico.",
            "altitude": "pruebas",
        },
        partners=(DemoPartner("santacatalina", "Procesamiento y ciencia de datos", "20000"),),
        created=-55,
        submitted=-32,
    ),
    P(
        call="relaves-desmonteras-altoandinas",
        lead="cierreverde",
        title="Coberturas secas y revegetación nativa para desmonteras con drenaje ácido",
        summary="Una cobertura de suelo y especies nativas que reduce la infiltración de agua "
        "de lluvia en las desmonteras.",
        approach="Parcelas de prueba con tres diseños de cobertura y lisímetros.",
        team="Gerente general, bióloga, edafólogo; CIMS monitorea la calidad del agua con la "
        "comunidad.",
        challenge="acid-drainage",
        trl=(4, 6),
        budget="160000",
        co_funding="25000",
        months=18,
        status=SUBMITTED,
        answers={
            "validation": "Tres parcelas de 1 000 m² durante dos temporadas de lluvia.",
            "altitude": "si",
        },
        partners=(DemoPartner("cims", "Monitoreo participativo del agua", "28000"),),
        created=-50,
        submitted=-30,
    ),
    # --- Closed call: haulage safety ---------------------------------------------------------
    P(
        call="seguridad-fatiga-acarreo",
        lead="segurimin",
        title="Detección de somnolencia con visión artificial en cabina",
        summary="Una cámara infrarroja detecta microsueños y avisa al operador y al despacho.",
        approach="Modelo entrenado con datos de operadores andinos, procesado en el equipo, "
        "sin grabar video.",
        team="Gerente general, ingeniera de seguridad, desarrollador; UPSC valida el modelo.",
        challenge="night-fatigue",
        trl=(6, 8),
        budget="98000",
        co_funding="15000",
        months=8,
        status=SUBMITTED,
        answers={
            "operators": "Comité de operadores del turno noche en el diseño de alertas; "
            "ningún dato se usa para sanciones.",
            "kind": "equipo",
        },
        partners=(DemoPartner("santacatalina", "Validación del modelo", "15000"),),
        created=-40,
        submitted=-5,
    ),
    P(
        call="seguridad-fatiga-acarreo",
        lead="minesoft",
        title="Sistema anticolisión integrado al despacho de flota",
        summary="Radios de proximidad en camionetas y camiones, con alertas en cabina y en el "
        "sistema de despacho.",
        approach="Integración con el despacho existente; pruebas con neblina simulada.",
        team="CTO, dos desarrolladores, especialista en radiofrecuencia.",
        challenge="haul-road-interaction",
        trl=(7, 8),
        budget="100000",
        months=7,
        status=SUBMITTED,
        answers={
            "operators": "Pruebas con conductores de camionetas y operadores de camiones en "
            "cada guardia.",
            "kind": "software",
        },
        created=-38,
        submitted=-4,
    ),
    P(
        call="seguridad-fatiga-acarreo",
        lead="capacita",
        title="Gestión de la fatiga: formación de operadores y supervisores en español y quechua",
        summary="Un programa de formación y un protocolo de pausas diseñados con los operadores.",
        approach="Talleres, materiales en quechua y seguimiento de indicadores de fatiga.",
        team="Directora académica, psicóloga ocupacional, dos instructores bilingües.",
        challenge="night-fatigue",
        trl=(7, 9),
        budget="45000",
        months=6,
        status=SUBMITTED,
        answers={
            "operators": "Los operadores co-diseñan el protocolo de pausas en cuatro talleres.",
            "kind": "formacion",
        },
        created=-35,
        submitted=-6,
    ),
    P(
        call="seguridad-fatiga-acarreo",
        lead="santacatalina",
        title="Modelo de riesgo de fatiga con datos de turnos y biometría",
        summary="Un índice de riesgo por operador y turno, calculado con horarios, traslados "
        "y pulseras biométricas voluntarias.",
        approach="Estudio observacional de tres meses y un modelo validado con incidentes "
        "históricos.",
        team="Decana de ingeniería, dos investigadores, estudiante de maestría.",
        challenge="night-fatigue",
        trl=(3, 5),
        budget="70000",
        months=12,
        status=SUBMITTED,
        answers={
            "operators": "Participación voluntaria con consentimiento informado.",
            "kind": "software",
        },
        created=-30,
        submitted=-4,
    ),
    P(
        call="seguridad-fatiga-acarreo",
        lead="tacnadrones",
        title="Vigilancia con drones de las vías de acarreo con neblina",
        summary="Drones con cámara térmica que señalan equipos detenidos y personas en la vía.",
        approach="Vuelos automáticos en los tramos con neblina frecuente.",
        team="Fundador, piloto certificado.",
        challenge="haul-road-interaction",
        trl=(5, 7),
        budget="60000",
        months=6,
        # Still a draft: the company's extension after a power cut lets it submit later.
        status=DRAFT,
        answers={"operators": "Validación con el área de seguridad de la unidad."},
        created=-20,
    ),
    # --- Open call, closing in 5 days: energy ------------------------------------------------
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="andestech",
        title="Control experto de la molienda para reducir el consumo de energía",
        summary="Un control avanzado que ajusta la velocidad y la alimentación del molino SAG "
        "para bajar los kWh por tonelada.",
        approach="Control predictivo sobre el sistema existente, con el gemelo digital del "
        "molino de nuestro proyecto anterior.",
        team="Gerente general, ingeniera de control, metalurgista; UNSA valida la línea base.",
        challenge="grinding-energy",
        trl=(6, 8),
        budget="145000",
        co_funding="35000",
        months=10,
        status=SUBMITTED,
        answers={
            "baseline": "Tres meses de datos del molino SAG 1 normalizados por dureza del mineral.",
            "savings": "1.8",
            "site": "molienda",
        },
        partners=(DemoPartner("unsa", "Auditoría de la línea base y del ahorro", "18000"),),
        created=-18,
        submitted=-3,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="andestech",
        title="Bombeo según la tarifa horaria con variadores de velocidad",
        summary="Operar las bombas de agua de proceso según la tarifa horaria con "
        "almacenamiento en los reservorios intermedios.",
        approach="Optimización diaria del programa de bombeo.",
        team="Jefa de proyectos, ingeniero eléctrico.",
        challenge="pumping-energy",
        trl=(5, 7),
        budget="90000",
        months=8,
        status=DRAFT,
        answers={"site": "bombeo"},
        created=-6,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="solarmisti",
        title="Planta solar con baterías para las estaciones de bombeo de altura",
        summary="Dos megavatios solares con almacenamiento cubren el bombeo diurno y "
        "respaldan la línea de transmisión.",
        approach="Diseño para 4 600 m: paneles bifaciales, estructura para nieve, baterías en "
        "contenedor climatizado.",
        team="Gerente general, dos ingenieros electricistas.",
        challenge="pumping-energy",
        trl=(7, 9),
        budget="150000",
        co_funding="60000",
        months=12,
        status=SUBMITTED,
        answers={
            "baseline": "Consumo horario de las estaciones de bombeo del último año.",
            "savings": "0.6",
            "site": "bombeo",
        },
        created=-16,
        submitted=-2,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="metalilo",
        title="Revestimientos livianos de molino para bajar el consumo de energía",
        summary="Revestimientos de acero-caucho de menor peso que reducen la potencia del molino.",
        approach="Diseño con simulación de elementos discretos y fabricación en Ilo.",
        team="Gerente general, ingeniero de diseño.",
        challenge="grinding-energy",
        trl=(4, 6),
        budget="120000",
        months=10,
        status=DRAFT,
        answers={"baseline": "Potencia del molino antes y después del cambio."},
        created=-12,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="yura",
        title="Mantenimiento de motores de molino para recuperar eficiencia",
        summary="Diagnóstico y reparación de motores de molino que perdieron eficiencia.",
        approach="Ensayos de eficiencia en taller y en sitio.",
        team="Gerente de taller, dos electricistas.",
        challenge="grinding-energy",
        trl=(6, 8),
        budget="65000",
        months=6,
        status=DRAFT,
        answers={
            "baseline": "Eficiencia medida de los motores en servicio.",
            "savings": "0.4",
            "site": "molienda",
        },
        history="unsubmitted",
        created=-14,
        submitted=-4,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="minesoft",
        title="Optimización en tiempo real de la carga del molino SAG",
        summary="Un optimizador que mantiene la carga del molino en su punto de menor "
        "consumo específico.",
        approach="Modelos de aprendizaje automático sobre los datos del sistema de control.",
        team="CTO, dos científicos de datos.",
        challenge="grinding-energy",
        trl=(5, 7),
        budget="110000",
        months=9,
        status=SUBMITTED,
        answers={
            "baseline": "Seis meses de datos históricos del molino.",
            "savings": "1.2",
            "site": "molienda",
        },
        history="resubmitted",
        created=-15,
        submitted=-1,
    ),
    P(
        call="eficiencia-energetica-molienda-bombeo",
        lead="mollendo",
        title="Recuperación de calor residual para precalentar agua de proceso",
        summary="Intercambiadores que aprovechan el calor residual de los compresores.",
        approach="Estudio de factibilidad y piloto.",
        team="Gerente de proyecto.",
        challenge="grinding-energy",
        trl=(3, 5),
        budget="50000",
        months=6,
        status=WITHDRAWN,
        answers={},
        withdraw_reason="Fuera del alcance de la convocatoria: la molienda no usa agua caliente.",
        created=-17,
    ),
    # --- Open call, closing in 12 days: mercury-free gold --------------------------------------
    P(
        call="oro-sin-mercurio",
        lead="capacita",
        title="Mesas gravimétricas y lixiviación en circuito cerrado para la cooperativa, con "
        "formación en quechua",
        summary="Un módulo de beneficio sin mercurio que los socios operan tras un programa de "
        "formación en su idioma.",
        approach="Concentración gravimétrica, lixiviación en tanques cerrados y manejo seguro "
        "de relaves; la UNI Collao optimiza el proceso.",
        team="Directora académica, metalurgista de la UNI Collao, dos instructores bilingües.",
        challenge="mercury-free",
        trl=(5, 7),
        budget="78000",
        co_funding="8000",
        months=12,
        status=SUBMITTED,
        answers={
            "contact": "Silvia Calla Yupanqui, +51 951 234 567",
            "field": "Módulo piloto en Chaparra con veinte socios durante cuatro meses.",
            "recovery": "85",
            "scale": "piloto",
            "languages": ["es", "qu"],
        },
        partners=(DemoPartner("uncollao", "Optimización metalúrgica del proceso", "20000"),),
        file_answer=True,
        created=-9,
        submitted=-2,
    ),
    P(
        call="oro-sin-mercurio",
        lead="uncollao",
        title="Concentradores centrífugos de bajo costo para oro fino",
        summary="Un concentrador centrífugo fabricado en Puno que recupera el oro fino sin "
        "mercurio.",
        approach="Diseño abierto, fabricación local y pruebas con relaves de ambas operaciones.",
        team="Vicerrector de investigación, dos ingenieros metalurgistas; CIMS evalúa el "
        "impacto ambiental.",
        challenge="fine-gold",
        trl=(4, 6),
        budget="80000",
        months=10,
        status=SUBMITTED,
        answers={
            "contact": "Marco Choque Apaza, +51 951 765 432",
            "field": "Pruebas en la planta de Ocoña y en un quimbalete de Chaparra.",
            "recovery": "88",
            "scale": "operacion",
            "languages": ["es", "qu", "ay"],
        },
        partners=(DemoPartner("cims", "Evaluación ambiental y de salud", "12000"),),
        created=-8,
        submitted=-1,
    ),
    P(
        call="oro-sin-mercurio",
        lead="geodatos",
        title="Caracterización mineralógica del oro fino con microscopía automatizada",
        summary="Saber en qué minerales y a qué tamaño se pierde el oro para elegir el "
        "proceso correcto.",
        approach="Microscopía automatizada de relaves y concentrados, con ensayos de "
        "liberación en la UNSA.",
        team="Geóloga principal, mineralogista, investigador de la UNSA.",
        challenge="fine-gold",
        trl=(6, 7),
        budget="55000",
        months=6,
        status=DRAFT,
        answers={
            "contact": "Claudia Medina Pastor, +51 954 111 222",
            "scale": "laboratorio",
            "languages": ["es"],
        },
        partners=(DemoPartner("unsa", "Ensayos de liberación", "10000"),),
        created=-5,
    ),
    P(
        call="oro-sin-mercurio",
        lead="aguasaltiplano",
        title="Recuperación de oro fino con lixiviación de tiosulfato",
        summary="Un reactivo menos tóxico que el cianuro para recuperar el oro fino.",
        approach="Pruebas de laboratorio y piloto en la planta de Ocoña.",
        team="Fundadora, química.",
        challenge="fine-gold",
        trl=(3, 5),
        budget="60000",
        months=10,
        status=DRAFT,
        answers={"field": "Pruebas en la planta de Ocoña.", "languages": ["es", "ay"]},
        partners=(DemoPartner("cims", "Pruebas de laboratorio", "15000", status=INVITED),),
        created=-4,
    ),
    P(
        call="oro-sin-mercurio",
        lead="cierreverde",
        title="Planta modular de beneficio sin mercurio para la cooperativa",
        summary="Una planta modular compartida por los socios, con manejo de relaves y "
        "cierre progresivo.",
        approach="Módulo transportable y plan de cierre de las pozas actuales.",
        team="Gerente general, ingeniero metalurgista.",
        challenge="mercury-free",
        trl=(5, 7),
        budget="79000",
        months=12,
        status=DRAFT,
        answers={"scale": "operacion"},
        partners=(
            DemoPartner(
                "unsa",
                "Diseño metalúrgico",
                "15000",
                status=DECLINED,
                reason="Nuestro laboratorio ya está comprometido con otro consorcio en esta "
                "convocatoria.",
            ),
            DemoPartner("santacatalina", "Diseño metalúrgico", "15000", status=INVITED),
        ),
        created=-7,
    ),
    P(
        call="oro-sin-mercurio",
        lead="segurimin",
        title="Seguridad y salud en la transición al beneficio sin mercurio",
        summary="Protocolos de seguridad química y vigilancia de la salud para los socios "
        "que dejan el mercurio.",
        approach="Diagnóstico, protocolos y formación con la UNI Collao y Capacita Sur.",
        team="Gerente general, médica ocupacional.",
        challenge="mercury-free",
        trl=(6, 8),
        budget="40000",
        months=8,
        status=DRAFT,
        answers={"languages": ["es", "qu"]},
        partners=(
            DemoPartner("uncollao", "Vigilancia de la salud", "8000"),
            DemoPartner("capacita", "Formación en quechua", "6000", status=INVITED),
        ),
        created=-3,
    ),
]


def demo_pdf(filename: str, title: str, body: str) -> SimpleUploadedFile:
    """A one-page PDF (made with fpdf2; Latin-1 text for its core font)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=14)
    pdf.multi_cell(0, 8, title)
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, body + "\n\nDocumento de demostración del portal del CMSP.")
    return SimpleUploadedFile(filename, bytes(pdf.output()), "application/pdf")


def commitment_letter(partner: str, lead: str, title: str) -> SimpleUploadedFile:
    return demo_pdf(
        "carta-de-compromiso.pdf",
        "Carta de compromiso",
        f"{partner} se compromete a participar como socio del consorcio liderado por {lead} en "
        f"la propuesta '{title}', con el rol y el aporte indicados en el portal del Clúster "
        "Minero del Sur del Perú.",
    )


def support_letter(lead: str, title: str) -> SimpleUploadedFile:
    return demo_pdf(
        "carta-de-respaldo.pdf",
        "Carta de respaldo",
        f"La Cooperativa Minera Artesanal Chaparra respalda la propuesta '{title}' de {lead} y "
        "pondrá a disposición un frente de trabajo y veinte socios para el piloto.",
    )


def _money(amount: str, currency: str) -> Money | None:
    return Money(Decimal(amount), currency) if amount else None


def _create(spec: DemoProposal, call: Call, challenges: dict) -> Proposal:
    lead = organization(spec.lead)
    actor = admin_of(spec.lead)
    currency = call.funding_per_project.currency.code
    proposal = services.proposal_create(
        actor=actor, call=call, lead_organization=lead, title=spec.title
    )
    questions = list(call.questions.order_by("position", "pk"))
    keys = [q.key for q in CALLS_BY_CODE[call.code].questions]
    by_key = dict(zip(keys, questions, strict=True))
    proposal = services.proposal_update(
        actor=actor,
        proposal=proposal,
        data={
            "summary": spec.summary,
            "technical_approach": spec.approach,
            "trl_start": spec.trl[0],
            "trl_end": spec.trl[1],
            "budget": _money(spec.budget, currency),
            "co_funding": _money(spec.co_funding, currency),
            "duration_months": spec.months,
            "team": spec.team,
            "challenge": challenges[spec.challenge],
        },
        answers={by_key[key].pk: value for key, value in spec.answers.items()},
        expected_version=proposal.version,
    )
    if spec.file_answer:
        letter = next(q for q in questions if q.kind == q.Kind.FILE)
        services.proposal_file_add(
            actor=actor,
            proposal=proposal,
            uploaded_file=support_letter(lead.display_name, spec.title),
            question=letter,
        )
    for demo_partner in spec.partners:
        partner_org = organization(demo_partner.organization)
        partner = services.partner_invite(
            actor=actor,
            proposal=proposal,
            organization=partner_org,
            role=demo_partner.role,
            budget_share=_money(demo_partner.share, currency),
            message="Les invitamos a sumarse al consorcio de esta propuesta.",
        )
        if demo_partner.status == CONFIRMED:
            services.partner_confirm(
                actor=admin_of(demo_partner.organization),
                partner=partner,
                commitment_letter=commitment_letter(
                    partner_org.display_name, lead.display_name, spec.title
                ),
            )
        elif demo_partner.status == DECLINED:
            services.partner_decline(
                actor=admin_of(demo_partner.organization),
                partner=partner,
                reason=demo_partner.reason,
            )
    if spec.submitted is not None:
        proposal.refresh_from_db()
        services.proposal_submit(actor=actor, proposal=proposal)
    if spec.history:
        proposal.refresh_from_db()
        services.proposal_unsubmit(actor=actor, proposal=proposal)
    if spec.history == "resubmitted":
        proposal.refresh_from_db()
        services.proposal_submit(actor=actor, proposal=proposal)
    if spec.status == WITHDRAWN:
        proposal.refresh_from_db()
        services.proposal_withdraw(actor=actor, proposal=proposal, reason=spec.withdraw_reason)
    proposal.refresh_from_db()
    _set_times(spec, proposal)
    return proposal


def _set_times(spec: DemoProposal, proposal: Proposal) -> None:
    """The demo's history: written ``created`` days ago, submitted ``submitted`` days ago (an
    earlier submission the day before, when there were two), partners answering the day after
    their invitation, a withdrawal two days after the last submission."""
    created = at(spec.created, 10, 15)
    submissions = list(proposal.submissions.order_by("number"))
    stamps = [
        at(spec.submitted - (len(submissions) - 1 - index), 16, 40)
        for index in range(len(submissions))
        if spec.submitted is not None
    ]
    for submission, when in zip(submissions, stamps, strict=True):
        restamp_submission(submission, when)
    last = stamps[-1] if stamps else max(at(-1, 18, 5), created + datetime.timedelta(hours=3))
    times: dict[str, datetime.datetime | None] = {"created_at": created, "updated_at": last}
    if proposal.submitted_at is not None:
        times["submitted_at"] = last
    if proposal.withdrawn_at is not None:
        withdrawn = (
            last + datetime.timedelta(days=2) if stamps else created + datetime.timedelta(days=3)
        )
        times["withdrawn_at"] = withdrawn
        times["updated_at"] = withdrawn
    Proposal.objects.filter(pk=proposal.pk).update(**times)
    ProposalPartner.objects.filter(proposal=proposal).update(
        invited_at=created + datetime.timedelta(hours=1)
    )
    ProposalPartner.objects.filter(proposal=proposal, responded_at__isnull=False).update(
        responded_at=created + datetime.timedelta(days=1, hours=3)
    )


def restamp_submission(submission: ProposalSubmission, when: datetime.datetime) -> None:
    """Give a demo submission its time in the demo's history: the snapshot says when it was
    submitted, so its SHA-256 is computed again and the receipt still verifies."""
    snapshot = dict(submission.snapshot)
    snapshot["submitted_at"] = when.astimezone(datetime.UTC).isoformat()
    ProposalSubmission.objects.filter(pk=submission.pk).update(
        submitted_at=when, snapshot=snapshot, sha256=snapshot_sha256(snapshot)
    )


def seed(*, stdout: TextIO) -> None:
    calls = demo_calls()
    challenges = challenges_by_key()
    created = 0
    for spec in PROPOSALS:
        call = calls[spec.call]
        if Proposal.objects.filter(call=call, title=spec.title).exists():
            continue
        if not CALL.has_tag(call, ACCEPTS_PROPOSALS):
            continue  # the call has moved on: its proposals can no longer be written
        _create(spec, call, challenges)
        created += 1
    total = Proposal.objects.filter(call__in=calls.values()).count()
    stdout.write(f"  proposals: {total} ({created} new)")
