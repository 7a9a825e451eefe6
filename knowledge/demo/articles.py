"""The demo's articles and documents: studies, regulations, reports and guides on water,
tailings, energy, regulation, industrialization, safety, automation and community relations,
in every state of ``knowledge.workflows.ARTICLE``.

Written by the designated member authors (drafts they send for review, the editor publishes or
returns them) and by the demo editor; each step runs through ``knowledge.services.articles`` at
its moment (so ``published_on`` is the day the editor published it, and each revision is dated).
Some articles have two or three revisions, a few carry a small PDF. An article is found by its
title and built only when missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from challenges.demo.proposals import demo_pdf
from members.models import User

from ..models import Article, Visibility
from ..services.articles import (
    article_archive,
    article_create,
    article_publish,
    article_return,
    article_submit,
    article_update,
)
from .common import editor, on, organization, person, topic_ids

Kind = Article.Kind
PUBLIC = Visibility.PUBLIC
MEMBERS = Visibility.MEMBERS


@dataclass(frozen=True)
class Edit:
    """A later save of the text: a paragraph added to the body, with the revision's note."""

    days: int
    note: str
    addition: str
    by_editor: bool = False


@dataclass(frozen=True)
class Step:
    """A lifecycle move: ``submit``, ``publish``, ``return`` (with ``reason``) or ``archive``."""

    name: str
    days: int
    reason: str = ""


@dataclass(frozen=True)
class Spec:
    title: str
    kind: str
    topics: tuple[str, ...]
    summary: str
    body: str
    created: int
    #: The designated author who writes it; empty: the editor writes it.
    author: str = ""
    #: The author organization an editor names (a designated author's is their own).
    organization: str = ""
    language: str = "es"
    visibility: str = PUBLIC
    edits: tuple[Edit, ...] = ()
    steps: tuple[Step, ...] = ()
    #: A PDF attached when it is created: file name, title, text.
    pdf: tuple[str, str, str] | None = None


def published(submitted: int, published_: int) -> tuple[Step, ...]:
    return (Step("submit", submitted), Step("publish", published_))


NUMBERS = "Cifras de demostración: valores plausibles, no datos oficiales."

ARTICLES: list[Spec] = [
    # --- Tailings ----------------------------------------------------------------------------
    Spec(
        title="Relaves filtrados en el sur del Perú: estado del arte y costos de operación",
        kind=Kind.STUDY,
        topics=("relaves", "agua"),
        author="n.pinto@relavesur.pe",
        created=-600,
        summary="Revisión de las tecnologías de filtrado de relaves (filtros prensa y de "
        "vacío), su consumo de energía y su costo por tonelada para operaciones de 5 000 a "
        "60 000 t/d en Arequipa, Moquegua y Tacna.",
        body="""## Por qué filtrar los relaves

En las cuencas del sur, donde el agua es escasa y el riesgo sísmico alto, el **relave
filtrado** (humedad de 12 % a 18 %) permite recuperar hasta el 85 % del agua del proceso y
apilar un depósito sin presa, mucho más estable que uno convencional.

## Tecnologías revisadas

- **Filtros prensa** de placas verticales y horizontales, hoy en operación en Chile y México
  para capacidades de hasta 20 000 t/d.
- **Filtros de vacío** de disco y banda, más baratos pero sensibles a la fracción de finos.
- Espesadores de alta densidad como etapa previa obligatoria.

## Costos

El costo operativo estimado va de 2,1 a 3,4 US$/t según la granulometría y el precio de la
energía; la inversión, de 18 a 25 millones de US$ por cada 10 000 t/d. El ahorro en agua fresca
y el menor riesgo del depósito compensan parte de la diferencia con el relave convencional.
""",
        edits=(
            Edit(
                -590,
                "Añadida la comparación con el relave espesado.",
                "## Comparación con el relave espesado\n\nEl relave espesado (55 % a 65 % de "
                "sólidos) recupera menos agua (60 % a 70 %) pero cuesta la mitad; es una "
                "alternativa razonable donde la presa existente puede seguir operando.",
            ),
            Edit(
                -200,
                "Actualizado con los primeros resultados del piloto de RelaveSur.",
                "## Actualización: piloto en Moquegua\n\nEl piloto de filtrado a escala de "
                "laboratorio recuperó el 83 % del agua con una torta de 15 % de humedad. "
                + NUMBERS,
                by_editor=True,
            ),
        ),
        steps=published(-585, -540),
        pdf=(
            "relaves-filtrados-resumen.pdf",
            "Relaves filtrados en el sur del Perú - resumen ejecutivo",
            "Resumen ejecutivo del estudio: tecnologías de filtrado, consumo de energía y costo "
            "por tonelada para operaciones de 5 000 a 60 000 t/d.",
        ),
    ),
    Spec(
        title="Guía de monitoreo geotécnico de depósitos de relaves en zona sísmica",
        kind=Kind.GUIDE,
        topics=("relaves", "seguridad"),
        author="n.pinto@relavesur.pe",
        created=-340,
        summary="Instrumentación mínima, frecuencias de lectura y umbrales de alerta para "
        "presas de relaves en la costa y la sierra sur, alineados con el GISTM.",
        body="""## Instrumentación mínima

Piezómetros de cuerda vibrante en el cuerpo de la presa y la fundación, inclinómetros en los
taludes críticos, prismas topográficos leídos con estación total robótica y un acelerógrafo
por depósito.

## Frecuencias y umbrales

Lecturas diarias en temporada de lluvias (diciembre a marzo) y semanales el resto del año.
Cada instrumento tiene tres umbrales —verde, ámbar y rojo— definidos por el ingeniero de
registro; un umbral ámbar obliga a revisar el plan de respuesta a emergencias.

## Monitoreo satelital

El InSAR complementa, no reemplaza, la instrumentación de campo: detecta deformaciones de
milímetros por mes en toda la presa y sus estribos.
""",
        steps=published(-330, -300),
    ),
    Spec(
        title="Estándar Global de Gestión de Relaves (GISTM) y la normativa peruana: brechas",
        kind=Kind.STUDY,
        topics=("relaves", "regulacion"),
        author="n.pinto@relavesur.pe",
        created=-230,
        summary="Comparación requisito por requisito del GISTM con el DS 040-2014-EM y el "
        "reglamento de seguridad minera: dónde la norma peruana ya cumple y dónde no.",
        body="""## Alcance

El GISTM (2020) tiene 15 principios y 77 requisitos. Los comparamos con el Reglamento de
Protección y Gestión Ambiental (DS 040-2014-EM) y el Reglamento de Seguridad y Salud
Ocupacional en Minería (DS 024-2016-EM).

## Brechas principales

1. **Ingeniero de registro** y revisión técnica independiente: no existen como figuras
   legales en el Perú.
2. **Clasificación de consecuencias** de falla: la norma peruana no la exige.
3. **Divulgación pública** de la información del depósito: limitada a los instrumentos de
   gestión ambiental.

## Recomendación

Una guía sectorial del MINEM que adopte la clasificación de consecuencias cerraría la brecha
más importante sin cambiar la ley.
""",
        steps=published(-215, -200),
    ),
    Spec(
        title="Tailings water recovery in the Andes: a primer for international suppliers",
        kind=Kind.GUIDE,
        topics=("relaves", "agua"),
        language="en",
        created=-170,
        summary="What a supplier from Australia or Chile should know before offering "
        "thickening or filtration in southern Peru: water licences, altitude, seismicity "
        "and local partners.",
        body="""## The context

Most concentrators in Arequipa, Moquegua and Tacna sit between 2,500 and 4,500 metres above
sea level, in basins where agriculture and cities compete for the same water. The water use
licence (Law 29338) caps what an operation may take, so **recovering water from tailings**
is often the only way to grow.

## What works here

- High-rate and paste thickeners, with flocculant dosing tuned for cold process water.
- Filtered tailings where the deposit has no room for a larger dam.
- Local partners for installation and maintenance: the cluster lists METS suppliers with
  tailings and water capabilities.

## Permits

Any change to the tailings system needs an amendment of the environmental certificate (ITS or
MEIA), reviewed by SENACE for the large operations.
""",
        steps=published(-160, -150),
    ),
    # --- Water ------------------------------------------------------------------------------
    Spec(
        title="Balance hídrico de concentradoras en cuencas con estrés hídrico: Chili, "
        "Moquegua y Locumba",
        kind=Kind.STUDY,
        topics=("agua",),
        author="o.chavez@hidroandina.pe",
        created=-470,
        summary="Balance de agua de seis concentradoras de cobre: agua fresca por tonelada, "
        "pérdidas en la relavera y potencial de recirculación por cuenca.",
        body="""## Método

Balances mensuales de seis concentradoras (2 en la cuenca del Chili, 3 en la del Moquegua y 1
en la del Locumba) con datos de caudalímetros, niveles de espesadores y evaporación medida en
las relaveras.

## Resultados

El consumo de agua fresca va de 0,45 a 0,95 m³ por tonelada tratada. Las **pérdidas en la
relavera** (evaporación e infiltración) explican entre el 35 % y el 55 % del agua que no se
recupera. """
        + NUMBERS
        + """

## Potencial

Con espesamiento de alta densidad y cubierta parcial de las pozas, las seis operaciones podrían
reducir su consumo de agua fresca en 20 % a 30 %.
""",
        edits=(
            Edit(
                -462,
                "Corregidas las cifras de evaporación de la cuenca del Locumba.",
                "> Nota: la evaporación de la cuenca del Locumba se midió con tanque clase A "
                "corregido por altitud.",
            ),
        ),
        steps=published(-460, -420),
        pdf=(
            "balance-hidrico-anexos.pdf",
            "Balance hídrico de concentradoras - anexos",
            "Anexos del estudio: balances mensuales por concentradora, caudales y evaporación "
            "en las cuencas del Chili, Moquegua y Locumba.",
        ),
    ),
    Spec(
        title="Recirculación de agua en espesadores: lecciones de cinco pilotos",
        kind=Kind.REPORT,
        topics=("agua", "relaves"),
        author="o.chavez@hidroandina.pe",
        visibility=MEMBERS,
        created=-140,
        summary="Qué funcionó y qué no en cinco pilotos de optimización de espesadores de "
        "relaves en operaciones asociadas al clúster.",
        body="""## Los pilotos

Cinco operaciones probaron floculantes de nueva generación, control en línea de la densidad de
descarga y cambios en el pozo de alimentación (feedwell) de sus espesadores de relaves.

## Lecciones

- El **control en línea** de la densidad dio más agua que cambiar de floculante.
- Sin un operador dedicado, las mejoras se pierden en tres meses.
- Los datos de caudal de agua recuperada deben medirse, no estimarse.

Informe reservado a los miembros del clúster: incluye los datos de cada operación.
""",
        steps=published(-128, -120),
    ),
    Spec(
        title="Ley 29338 y su reglamento: cómo tramitar la licencia de uso de agua para minería",
        kind=Kind.REGULATION,
        topics=("agua", "regulacion"),
        organization="hidroandina",
        created=-500,
        summary="Los pasos del procedimiento ante la Autoridad Nacional del Agua (ANA): "
        "acreditación de disponibilidad hídrica, autorización de obras y licencia de uso.",
        body="""## El marco

La **Ley 29338, Ley de Recursos Hídricos**, y su reglamento (DS 001-2010-AG) regulan el uso
del agua. Para uso minero se necesita una licencia de uso de agua otorgada por la ANA a través
de sus Autoridades Administrativas del Agua (AAA) y Administraciones Locales del Agua (ALA).

## Los tres pasos

1. **Acreditación de disponibilidad hídrica**, con un estudio hidrológico o hidrogeológico.
2. **Autorización de ejecución de obras** de aprovechamiento hídrico.
3. **Licencia de uso de agua**, una vez construidas las obras.

## Plazos

El TUPA de la ANA fija plazos de 20 a 30 días hábiles por etapa, pero en la práctica el
procedimiento completo supera los 300 días en las cuencas del sur (ver el registro de barreras
del clúster).
""",
        steps=published(-490, -480),
    ),
    Spec(
        title="Monitoreo participativo de la calidad del agua con comunidades campesinas",
        kind=Kind.GUIDE,
        topics=("comunidades", "agua"),
        organization="cims",
        created=-80,
        summary="Cómo diseñar un comité de monitoreo participativo: puntos de muestreo "
        "acordados, laboratorios acreditados por INACAL y resultados en quechua y castellano.",
        body="""## Principios

El monitoreo participativo funciona cuando la comunidad elige parte de los puntos de muestreo,
observa la toma de muestras y recibe los resultados de un laboratorio acreditado por INACAL,
no solo de la empresa.

## Pasos

1. Acta de conformación del comité con la comunidad y la autoridad local del agua.
2. Capacitación de monitores comunitarios (40 horas).
3. Muestreo trimestral, con contramuestras para el comité.
4. Presentación pública de resultados en asamblea, en **quechua y castellano**.

## Señales de alerta

Resultados entregados tarde o solo en tablas técnicas generan desconfianza aunque el agua
cumpla los Estándares de Calidad Ambiental (ECA).
""",
        steps=published(-70, -60),
    ),
    # --- Regulation -------------------------------------------------------------------------
    Spec(
        title="Certificación ambiental en minería: IGA, EIA-sd y EIA-d según el DS 040-2014-EM",
        kind=Kind.REGULATION,
        topics=("regulacion", "comunidades"),
        created=-470,
        summary="Qué instrumento de gestión ambiental corresponde a cada proyecto minero, quién "
        "lo evalúa (DGAAM o SENACE) y cuánto tarda en la práctica.",
        body="""## Los instrumentos

El **DS 040-2014-EM** ordena la certificación ambiental de la explotación y el beneficio:

- **DIA** (categoría I) para impactos leves;
- **EIA-sd** (categoría II) para impactos moderados, evaluado por la DGAAM del MINEM;
- **EIA-d** (categoría III) para impactos significativos, evaluado por el **SENACE**.

Las modificaciones se tramitan como MEIA o, si el cambio es menor, como Informe Técnico
Sustentatorio (ITS).

## Plazos

El plazo legal de evaluación de un EIA-d es de 150 días hábiles; el promedio real supera los
dos años cuando se suman las observaciones, la participación ciudadana y las opiniones
técnicas vinculantes (ANA, SERNANP).
""",
        edits=(
            Edit(
                -300,
                "Añadido el Informe Técnico Sustentatorio para cambios menores.",
                "## El ITS\n\nEl Informe Técnico Sustentatorio permite modificar componentes "
                "auxiliares o ampliar con impacto no significativo en 15 días hábiles; es la vía "
                "habitual para instalar un filtro de relaves en un área ya impactada.",
                by_editor=True,
            ),
        ),
        steps=published(-455, -450),
    ),
    Spec(
        title="Transporte de explosivos a operaciones mineras: permisos de SUCAMEC y del MTC",
        kind=Kind.GUIDE,
        topics=("seguridad", "regulacion"),
        organization="segurimin",
        visibility=MEMBERS,
        created=-260,
        summary="Las autorizaciones que necesita un proveedor para transportar explosivos y "
        "materiales relacionados a una mina del sur, y los plazos reales de cada una.",
        body="""## Autorizaciones

- **SUCAMEC**: autorización de transporte de explosivos por viaje o por periodo, guía de
  tránsito y licencia del personal de custodia.
- **MTC**: habilitación del vehículo para materiales y residuos peligrosos (DS 021-2008-MTC)
  y conductores con licencia especial.

## En la práctica

Las guías de tránsito se emiten en línea, pero una observación obliga a empezar de nuevo: los
proveedores reportan demoras de 5 a 15 días por viaje en temporada alta.

## Recomendaciones

Planifique las voladuras del mes con la mina y tramite autorizaciones por periodo.
""",
        steps=published(-245, -240),
    ),
    # --- Industrialization ------------------------------------------------------------------
    Spec(
        title="Del cátodo al alambrón: viabilidad de una planta de colada continua en el sur",
        kind=Kind.STUDY,
        topics=("industrializacion", "energia"),
        author="h.valdivia@unsa.edu.pe",
        created=-430,
        summary="Prefactibilidad de una planta de alambrón de cobre de 8 mm (colada y "
        "laminación continuas) de 150 000 t/año cerca de Ilo o Matarani.",
        body="""## Contexto

El Perú exporta cerca de dos millones de toneladas de cobre fino al año, pero casi todo como
concentrado y una parte como cátodos. El alambrón de cobre (subpartida **7408.11**) se importa
para la industria de conductores eléctricos.

## La planta

Colada y laminación continuas (tecnología tipo Southwire o Contirod) alimentadas con cátodos
grado A, 150 000 t/año, con hornos de cuba a gas natural.

## Resultados

Con el diferencial de precio entre alambrón y cátodo de 2023-2024 la planta alcanza una TIR de
14 % a 17 %; el factor crítico es el costo de la energía y el acceso a gas natural en el sur. """
        + NUMBERS
        + "\n",
        edits=(
            Edit(
                -420,
                "Incluida la sensibilidad al precio del gas natural.",
                "## Sensibilidad\n\nUn aumento de 30 % en el precio del gas natural reduce la TIR "
                "en 2,5 puntos.",
            ),
            Edit(
                -415,
                "Añadidas las fuentes (BCRP, SUNAT, MINEM).",
                "Fuentes: BCRP (exportaciones por producto), SUNAT (importaciones por "
                "subpartida), MINEM (Anuario Minero).",
            ),
        ),
        steps=published(-410, -380),
        pdf=(
            "alambron-prefactibilidad.pdf",
            "Del cátodo al alambrón - prefactibilidad",
            "Resumen de la prefactibilidad de una planta de alambrón de cobre de 8 mm de "
            "150 000 t/año en el sur del Perú: inversión, costos, TIR y sensibilidad.",
        ),
    ),
    Spec(
        title="Alambre de cobre esmaltado: mercado peruano e importaciones",
        kind=Kind.REPORT,
        topics=("industrializacion",),
        author="h.valdivia@unsa.edu.pe",
        visibility=MEMBERS,
        created=-230,
        summary="Quién compra alambre esmaltado para bobinados en el Perú, cuánto se importa "
        "(subpartida 8544.11) y qué haría falta para producirlo en el país.",
        body="""## Demanda

Los talleres de rebobinado de motores, los fabricantes de transformadores y el mantenimiento
minero consumen alambre esmaltado de 0,2 a 3 mm. Casi todo se importa de China, Brasil y
México.

## Producción local

Una línea de trefilado fino y esmaltado de 3 000 t/año es una inversión modesta; la barrera es
la certificación de los esmaltes (clase térmica 200 °C) y la escala frente a los importadores.

Informe para miembros: incluye la lista de compradores entrevistados.
""",
        steps=published(-215, -210),
    ),
    Spec(
        title="Ácido sulfúrico de fundición: oferta, demanda y logística en el sur",
        kind=Kind.STUDY,
        topics=("industrializacion", "energia"),
        author="m.benavides@frmollendo.pe",
        created=-190,
        summary="El ácido sulfúrico que producen las fundiciones del sur y el que consumen "
        "las plantas de lixiviación: balance, precios y transporte.",
        body="""## Oferta y demanda

Las fundiciones de cobre producen ácido sulfúrico (subpartida **2807**) al capturar el SO₂ de
sus gases. Las plantas de lixiviación y electroobtención (SX-EW) del sur lo consumen en grandes
volúmenes y en parte lo importan.

## Logística

El ácido viaja en cisternas por la Panamericana Sur y la carretera Binacional; el costo de
flete es una fracción importante de su precio puesto en mina.

## Oportunidad

Una fundición o refinería nueva en el sur tendría un mercado cercano para su ácido, lo que
mejora su economía y evita importaciones.
""",
        steps=published(-170, -160),
    ),
    Spec(
        title="Lingoteras y moldes de cobre: capacidades de fundición en Arequipa y Moquegua",
        kind=Kind.REPORT,
        topics=("industrializacion",),
        author="m.benavides@frmollendo.pe",
        created=-110,
        summary="Inventario de fundiciones y talleres metalmecánicos capaces de fabricar "
        "lingoteras y moldes de cobre para colada, y lo que les falta.",
        body="""## Qué se usa

Las refinerías y fundiciones usan **lingoteras** de cobre o hierro fundido para ánodos e
lingotes, y moldes de cobre enfriados por agua para la colada continua. Hoy se importan casi
todos.

## Capacidades locales

Tres talleres de Arequipa y Moquegua funden piezas de cobre de hasta 2 t; ninguno mecaniza aún
moldes de colada continua con las tolerancias requeridas.

## Siguiente paso

Un proyecto piloto entre una fundición y un taller metalmecánico del clúster, con ensayos de
vida útil en operación.
""",
        steps=published(-95, -90),
    ),
    # --- Energy, automation, community, cluster ----------------------------------------------
    Spec(
        title="Energía solar para operaciones mineras: contratos PPA en Arequipa y Moquegua",
        kind=Kind.STUDY,
        topics=("energia",),
        organization="solarmisti",
        created=-280,
        summary="Cómo contratan energía renovable las mineras del sur: PPA con generadores "
        "solares, autoconsumo en mina y el rol del COES.",
        body="""## El recurso

El sur del Perú tiene una de las irradiaciones más altas del mundo (más de 2 500 kWh/m² al año
en la pampa de La Joya y Moquegua).

## Modalidades

- **PPA** con un generador conectado al SEIN: la mina es cliente libre y contrata energía
  certificada.
- **Autoconsumo** con planta solar en el área de la concesión, sin inyección a la red.

## Barreras

El procedimiento de conexión ante el COES y la certificación ambiental de la planta solar
alargan el proyecto de 18 a 30 meses.
""",
        steps=published(-265, -260),
    ),
    Spec(
        title="Mantenimiento predictivo con gemelos digitales en plantas concentradoras",
        kind=Kind.STUDY,
        topics=("automatizacion",),
        organization="andestech",
        created=-125,
        summary="Experiencias con gemelos digitales de molinos SAG y bombas de pulpa: datos "
        "necesarios, modelos y ahorro en paradas no programadas.",
        body="""## Qué es un gemelo digital útil

Un modelo del equipo alimentado en línea con vibraciones, potencia, temperatura y datos de
proceso, que predice el desgaste y propone la ventana de mantenimiento.

## Resultados

En el piloto de desgaste de revestimientos de molino SAG la predicción del cambio de
revestimientos mejoró de ±10 días a ±3 días. """
        + NUMBERS
        + """

## Requisitos

Historiadores de datos de al menos dos años y un equipo de mantenimiento que confíe en el
modelo.
""",
        steps=published(-105, -100),
    ),
    Spec(
        title="Automation roadmap for small and medium mines in southern Peru",
        kind=Kind.REPORT,
        topics=("automatizacion", "seguridad"),
        language="en",
        visibility=MEMBERS,
        created=-55,
        summary="A staged path for small and medium mines: connectivity first, then "
        "telemetry, then remote operation, with costs and local suppliers.",
        body="""## Stage 1: connectivity

Private LTE or Wi-Fi mesh underground and in the pit; without it nothing else works.

## Stage 2: telemetry

Fleet management, water and energy meters, and gas detectors reporting in real time.

## Stage 3: remote and autonomous operation

Tele-remote loaders and drills, starting in the most hazardous areas. Safety gains come first,
productivity later.

Members-only report: it names the suppliers of the cluster for each stage.
""",
        steps=published(-48, -45),
    ),
    Spec(
        title="Reporte anual del clúster: innovación abierta y proveedores locales",
        kind=Kind.REPORT,
        topics=("industrializacion", "regulacion", "comunidades"),
        created=-350,
        summary="Resultados del año del Clúster Minero del Sur: desafíos reportados, "
        "convocatorias, proyectos piloto, misiones y barreras regulatorias trabajadas.",
        body="""## El año en cifras

Las empresas mineras del clúster reportaron más de treinta **desafíos operacionales**; las
convocatorias de innovación abierta financiaron pilotos en agua, relaves, mantenimiento y
seguridad.

## Barreras regulatorias

El registro de barreras documentó los plazos de las licencias de agua y de la certificación
ambiental, y abrió el diálogo con la ANA y el SENACE.

## Próximo año

Industrialización del cobre (alambrón, alambre y moldes) y misiones a Australia y Chile.
""",
        steps=published(-335, -330),
        pdf=(
            "reporte-anual-cmsp.pdf",
            "Reporte anual del Clúster Minero del Sur",
            "Resumen del año: desafíos, convocatorias, proyectos piloto, misiones y barreras "
            "regulatorias.",
        ),
    ),
    # --- Archived ---------------------------------------------------------------------------
    Spec(
        title="Guía de trámites para proveedores mineros (primera edición)",
        kind=Kind.GUIDE,
        topics=("regulacion",),
        created=-900,
        summary="Primera edición de la guía de trámites municipales, tributarios y de "
        "seguridad para proveedores que trabajan en operaciones mineras del sur.",
        body="""## Trámites básicos

RUC y régimen tributario ante la SUNAT, licencia municipal de funcionamiento, certificado de
inspección técnica de seguridad en edificaciones (ITSE) y registro como contratista ante el
MINEM cuando corresponde.

## Homologación

Las mineras del clúster piden homologación de proveedores por empresas certificadoras; la guía
describe los requisitos más comunes.

*Archivada: reemplazada por las guías temáticas del portal.*
""",
        steps=(*published(-890, -880), Step("archive", -200)),
    ),
    Spec(
        title="Inventario preliminar de depósitos de relaves de Arequipa",
        kind=Kind.STUDY,
        topics=("relaves",),
        author="n.pinto@relavesur.pe",
        created=-820,
        summary="Primer inventario de depósitos de relaves activos e inactivos de la región "
        "Arequipa a partir de fuentes públicas e imágenes satelitales.",
        body="""## Fuentes

Instrumentos de gestión ambiental públicos, el inventario de pasivos ambientales mineros del
MINEM e imágenes Sentinel-2.

## Resultados

Se identificaron 64 depósitos, 22 de ellos inactivos y 9 sin responsable identificado. """
        + NUMBERS
        + """

*Archivado: reemplazado por el inventario regional que publicará el Gobierno Regional.*
""",
        edits=(
            Edit(
                -810,
                "Añadidos los depósitos de la provincia de Caylloma.",
                "Se añadieron los depósitos de la provincia de Caylloma identificados en "
                "imágenes de 2022.",
            ),
        ),
        steps=(*published(-805, -790), Step("archive", -300)),
    ),
    # --- In review --------------------------------------------------------------------------
    Spec(
        title="Relaves espesados versus filtrados: comparación de costos para la mediana minería",
        kind=Kind.STUDY,
        topics=("relaves", "agua"),
        author="n.pinto@relavesur.pe",
        created=-15,
        summary="Costo total por tonelada de relave espesado y filtrado para operaciones de "
        "2 000 a 8 000 t/d, con el valor del agua recuperada.",
        body="""## Supuestos

Operaciones de la mediana minería de 2 000 a 8 000 t/d, a 3 500 m de altitud, con agua fresca
valorada a su costo de bombeo.

## Resultado preliminar

Por debajo de 4 000 t/d el relave espesado es más barato aun valorando el agua; por encima, el
filtrado se acerca cuando el agua fresca cuesta más de 1,5 US$/m³.
""",
        steps=(Step("submit", -5),),
    ),
    Spec(
        title="Potencial de fabricación de tubos de cobre en el Perú",
        kind=Kind.STUDY,
        topics=("industrializacion",),
        author="h.valdivia@unsa.edu.pe",
        visibility=MEMBERS,
        created=-30,
        summary="Demanda de tubos de cobre (subpartida 7411.10) para refrigeración, "
        "climatización y construcción, y la escala mínima de una planta local.",
        body="""## Demanda

Los tubos de cobre se usan en refrigeración, aire acondicionado y gasfitería; el Perú los
importa en su totalidad.

## Escala

Una planta de tubos sin costura por extrusión o colada y laminación necesita al menos 15 000
t/año para competir; el mercado andino podría sostenerla.
""",
        edits=(
            Edit(
                -20,
                "Añadido el mercado andino (Bolivia, Ecuador, Colombia).",
                "## Mercado andino\n\nSumando Bolivia, Ecuador y Colombia la demanda duplica la "
                "peruana.",
            ),
        ),
        steps=(Step("submit", -12),),
    ),
    # --- Drafts -----------------------------------------------------------------------------
    Spec(
        title="Reúso de aguas residuales municipales tratadas en minería",
        kind=Kind.STUDY,
        topics=("agua", "comunidades"),
        author="o.chavez@hidroandina.pe",
        created=-20,
        summary="Experiencias de uso de efluentes tratados de ciudades del sur en procesos "
        "mineros, a cambio de inversión en tratamiento.",
        body="""## La idea

Una operación minera financia o amplía la planta de tratamiento de aguas residuales de una
ciudad y usa parte del efluente tratado en su proceso, liberando agua fresca para la población
y la agricultura.

## Borrador

Faltan los datos de calidad del efluente y el análisis del marco legal (autorización de reúso
de la ANA).
""",
        edits=(
            Edit(
                -14,
                "Añadido el caso de Arequipa.",
                "## El caso de Arequipa\n\nEl acuerdo entre una minera y la empresa de "
                "saneamiento para la planta de tratamiento de aguas residuales es el referente "
                "nacional.",
            ),
        ),
    ),
    Spec(
        title="Aleaciones de zinc para fundición a presión: oportunidades para el sur",
        kind=Kind.REPORT,
        topics=("industrializacion",),
        author="m.benavides@frmollendo.pe",
        created=-40,
        summary="Las aleaciones Zamak para fundición a presión: mercado, importaciones y "
        "la posibilidad de producirlas con zinc refinado peruano.",
        body="""## Producto

Aleaciones de zinc con aluminio, magnesio y cobre (Zamak 3 y 5) para piezas de grifería,
cerrajería y autopartes.

## Mercado

Los fundidores a presión del país importan las aleaciones en lingotes; el zinc refinado que las
origina se exporta.
""",
        edits=(
            Edit(
                -22,
                "Añadidas las fuentes de importación, según lo pedido en la revisión.",
                "Fuentes pendientes de completar: SUNAT (importaciones por subpartida 7901.20).",
            ),
        ),
        steps=(
            Step("submit", -30),
            Step(
                "return",
                -25,
                reason="Añada las fuentes de las cifras de importación (SUNAT, subpartida "
                "7901.20) y una estimación del tamaño del mercado antes de publicar.",
            ),
        ),
    ),
    Spec(
        title="Lista de verificación para el cierre progresivo de minas",
        kind=Kind.GUIDE,
        topics=("comunidades", "relaves"),
        organization="cierreverde",
        created=-3,
        summary="Qué revisar cada año del plan de cierre: garantías, cierre progresivo de "
        "componentes, relaves y compromisos con las comunidades.",
        body="""## Para qué sirve

El cierre progresivo reduce el pasivo al final de la vida de la mina y la garantía que se
debe mantener. Esta lista resume lo que el equipo de cierre revisa cada año.

## Borrador de la lista

- Actualización del plan de cierre cada cinco años (Ley 28090).
- Garantías financieras al día ante el MINEM.
- Cierre progresivo de depósitos de relaves inactivos y botaderos.
- Compromisos sociales del plan de cierre con las comunidades del área de influencia.
""",
    ),
]

ARTICLE_TITLES = [spec.title for spec in ARTICLES]


def _build(spec: Spec) -> Article:
    the_editor = editor()
    writer: User = person(spec.author) if spec.author else the_editor
    data: dict[str, Any] = {
        "kind": spec.kind,
        "title": spec.title,
        "summary": spec.summary,
        "body": spec.body.strip(),
        "language": spec.language,
        "visibility": spec.visibility,
        "topics": topic_ids(*spec.topics),
    }
    if spec.organization and not spec.author:
        data["author_organization"] = organization(spec.organization)
    files = [demo_pdf(*spec.pdf)] if spec.pdf else []
    with on(spec.created):
        article = article_create(actor=writer, data=data, files=files)
    # Edits and lifecycle steps, in the order they happened.
    events: list[tuple[int, Edit | Step]] = [(e.days, e) for e in spec.edits]
    events += [(s.days, s) for s in spec.steps]
    for days, event in sorted(events, key=lambda pair: pair[0]):
        article.refresh_from_db()
        with on(days, 11):
            if isinstance(event, Edit):
                article_update(
                    actor=the_editor if event.by_editor else writer,
                    article=article,
                    data={"body": f"{article.body}\n\n{event.addition}"},
                    note=event.note,
                )
            elif event.name == "submit":
                article_submit(actor=writer, article=article)
            elif event.name == "publish":
                article_publish(actor=the_editor, article=article)
            elif event.name == "return":
                article_return(actor=the_editor, article=article, reason=event.reason)
            elif event.name == "archive":
                article_archive(actor=the_editor, article=article)
            else:  # pragma: no cover - a typo in the specs above
                raise ValueError(event.name)
    article.refresh_from_db()
    return article


def seed(*, stdout: TextIO) -> list[Article]:
    existing = set(Article.objects.filter(title__in=ARTICLE_TITLES).values_list("title", flat=True))
    # In the order they happened, so the numbers and ids follow the demo's history.
    for spec in sorted(ARTICLES, key=lambda spec: spec.created):
        if spec.title not in existing:
            _build(spec)
    articles = list(Article.objects.filter(title__in=ARTICLE_TITLES))
    counts: dict[str, int] = {}
    for article in articles:
        label = article.status
        counts[label] = counts.get(label, 0) + 1
    stdout.write(
        f"  knowledge articles: {len(articles)} ("
        + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
        + ")"
    )
    return articles
