"""The demo's value-added opportunities: the mining ministry's call to move from concentrates,
cathodes and ingots to wire rod, wire, enamelled wire, moulds, tubes, zinc alloys and the
sulfuric acid of smelting, each with its tariff subheading, market, imports, local capability
and the economic, financial and environmental assessment (rating, justification, sources).

The editor creates each one (``opportunity_create``), links the published studies behind it
(``opportunity_studies_set``) and publishes most of them; people of member organizations then
register their organization's interest as supplier, buyer or investor (``interest_register``).
Two stay drafts (their studies are still being written or reviewed). An opportunity is found by
its product and built only when missing, so running it twice changes nothing.

The import figures are demo values of a plausible order of magnitude, not official statistics;
the sources name where the real figures are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from cluster_portal.core.money import Money

from ..models import Article, OpportunityInterest, ValueOpportunity, Visibility
from ..services.opportunities import (
    interest_register,
    opportunity_create,
    opportunity_publish,
    opportunity_studies_set,
)
from .common import admin_of, editor, on, organization, person

Stage = ValueOpportunity.Stage
Role = OpportunityInterest.Role


@dataclass(frozen=True)
class Interest:
    organization: str
    role: str
    days: int
    note: str = ""
    #: Who registers it (a person of the organization); empty: its first admin.
    by: str = ""


@dataclass(frozen=True)
class Spec:
    product: str
    product_en: str
    hs_code: str
    stage: str
    summary: str
    market_notes: str
    local_capability: str
    #: (rating, justification, sources) for the economic, financial, environmental assessment.
    economic: tuple[int, str, str]
    financial: tuple[int, str, str]
    environmental: tuple[int, str, str]
    created: int
    import_value: tuple[str, str] | None = None
    import_year: int | None = None
    visibility: str = Visibility.PUBLIC
    #: Days from today it was published; None: still a draft.
    published: int | None = None
    studies: tuple[str, ...] = ()
    interests: tuple[Interest, ...] = ()


def _sunat(code: str) -> str:
    return (
        f"SUNAT, importaciones por subpartida nacional {code} (consulta de demostración); "
        "BCRP, estadísticas de comercio exterior por producto."
    )


MINEM = "MINEM, Anuario Minero (producción de cobre por producto); BCRP, exportaciones mineras."
ALAMBRON = "Del cátodo al alambrón: viabilidad de una planta de colada continua en el sur"
ESMALTADO = "Alambre de cobre esmaltado: mercado peruano e importaciones"
ACIDO = "Ácido sulfúrico de fundición: oferta, demanda y logística en el sur"
MOLDES = "Lingoteras y moldes de cobre: capacidades de fundición en Arequipa y Moquegua"

OPPORTUNITIES: list[Spec] = [
    Spec(
        product="Alambrón de cobre",
        product_en="Copper wire rod",
        hs_code="7408.11.00.00",
        stage=Stage.MANUFACTURING,
        summary="Alambrón de cobre de 8 mm por colada y laminación continuas a partir de "
        "cátodos grado A, para los fabricantes de conductores eléctricos del país y la región.",
        market_notes="- Compradores: fabricantes de cables y conductores de Lima y Arequipa.\n"
        "- El alambrón se cotiza con una prima sobre el cátodo de la LME que cubre la "
        "conversión.\n- Mercado andino y del Pacífico accesible desde Ilo y Matarani.",
        local_capability="Cátodos grado A disponibles en el sur; sin planta de colada continua "
        "en la macrorregión. Talleres metalmecánicos y universidades con formación en "
        "metalurgia.",
        economic=(
            4,
            "Convierte cátodos exportados en un producto con prima de conversión y sustituye "
            "importaciones de los fabricantes de conductores.",
            MINEM,
        ),
        financial=(
            3,
            "Inversión de 60 a 80 millones de US$ con TIR de 14 % a 17 %; sensible al precio "
            "del gas natural y al diferencial alambrón-cátodo.",
            "Estudio de prefactibilidad de la base de conocimiento; BCRP, precios de exportación.",
        ),
        environmental=(
            4,
            "Hornos de cuba a gas natural con emisiones bajas; sin generación de relaves ni "
            "escorias significativas.",
            "DS 040-2014-EM y guías del MINAM para plantas de manufactura.",
        ),
        import_value=("38500000", "USD"),
        import_year=2025,
        created=-370,
        published=-360,
        studies=(ALAMBRON,),
        interests=(
            Interest("mollendo", Role.SUPPLIER, -350, "Podemos asegurar cátodos grado A."),
            Interest("chachani", Role.SUPPLIER, -340, by="carlos.zegarra@minera-chachani.pe"),
            Interest(
                "caf",
                Role.INVESTOR,
                -300,
                "Interés en financiar la planta con un consorcio privado.",
            ),
            Interest("fogasur", Role.INVESTOR, -250),
            Interest(
                "metalilo",
                Role.BUYER,
                -200,
                "Usaríamos alambrón para barras y platinas de puesta a tierra.",
            ),
        ),
    ),
    Spec(
        product="Alambre de cobre",
        product_en="Copper wire",
        hs_code="7408.19.00.00",
        stage=Stage.MANUFACTURING,
        summary="Alambre de cobre trefilado (desnudo) de 0,5 a 6 mm para conductores, puestas a "
        "tierra y bobinados, a partir de alambrón.",
        market_notes="Demanda de la construcción, la minería (puestas a tierra, "
        "electrificación) y los fabricantes de conductores que no trefilan.",
        local_capability="Trefiladoras pequeñas en Lima; en el sur, ninguna. Requiere "
        "alambrón local o importado.",
        economic=(
            3,
            "Valor agregado moderado sobre el alambrón; mercado interno estable.",
            _sunat("7408.19.00.00"),
        ),
        financial=(
            4,
            "Inversión baja (líneas de trefilado modulares de 5 a 10 millones de US$) y "
            "recuperación en menos de seis años.",
            "Cotizaciones de proveedores de trefiladoras; BCRP, tasas de interés.",
        ),
        environmental=(
            4,
            "Consumo de energía moderado; lubricantes de trefilado reciclables.",
            "Límites máximos permisibles para efluentes industriales (MINAM).",
        ),
        import_value=("21300000", "USD"),
        import_year=2025,
        created=-355,
        published=-345,
        studies=(ALAMBRON,),
        interests=(
            Interest(
                "andestech",
                Role.BUYER,
                -330,
                "Puestas a tierra para nuestros proyectos de automatización.",
                by="k.vargas@andestech.pe",
            ),
            Interest("yura", Role.BUYER, -320),
            Interest("mollendo", Role.SUPPLIER, -310),
        ),
    ),
    Spec(
        product="Alambre de cobre esmaltado para bobinar",
        product_en="Enamelled copper winding wire",
        hs_code="8544.11.00.00",
        stage=Stage.MANUFACTURING,
        summary="Alambre de cobre esmaltado clase térmica 180-200 °C para motores, "
        "transformadores y el rebobinado de equipos mineros.",
        market_notes="Talleres de rebobinado (muchos en Arequipa por la demanda minera), "
        "fabricantes de transformadores y mantenimiento eléctrico de plantas.",
        local_capability="Sin producción nacional; los talleres de mantenimiento del sur "
        "conocen las especificaciones y serían los primeros clientes.",
        economic=(
            4,
            "Producto de alto valor por tonelada, importado en su totalidad.",
            _sunat("8544.11.00.00"),
        ),
        financial=(
            3,
            "Línea de 3 000 t/año de inversión modesta, pero con márgenes presionados por "
            "importaciones asiáticas.",
            "Informe de mercado de la base de conocimiento.",
        ),
        environmental=(
            3,
            "Los hornos de esmaltado emiten compuestos orgánicos volátiles: requieren "
            "oxidación catalítica.",
            "Estándares de calidad del aire (MINAM).",
        ),
        import_value=("17800000", "USD"),
        import_year=2025,
        visibility=Visibility.MEMBERS,
        created=-205,
        published=-200,
        studies=(ESMALTADO,),
        interests=(
            Interest("yura", Role.BUYER, -190, "Rebobinamos más de 200 motores al año."),
            Interest(
                "unsa",
                Role.SUPPLIER,
                -180,
                "Laboratorio de ensayos de esmaltes.",
                by="h.valdivia@unsa.edu.pe",
            ),
            Interest("fogasur", Role.INVESTOR, -170),
        ),
    ),
    Spec(
        product="Lingoteras y moldes de cobre para colada",
        product_en="Copper ingot and casting moulds",
        hs_code="8454.20.00.00",
        stage=Stage.MANUFACTURING,
        summary="Lingoteras para ánodos y lingotes y moldes de cobre enfriados por agua para "
        "colada continua, fabricados y reparados en el sur.",
        market_notes="Fundiciones y refinerías de cobre, estaño y zinc del país; reposición "
        "periódica por desgaste térmico.",
        local_capability="Tres talleres de fundición de Arequipa y Moquegua funden piezas de "
        "cobre de hasta 2 t; falta el mecanizado de precisión de moldes de colada continua.",
        economic=(
            3,
            "Mercado pequeño pero cautivo y con reposición constante; sustituye importaciones "
            "con plazos de entrega largos.",
            _sunat("8454.20.00.00"),
        ),
        financial=(
            4,
            "Se apoya en talleres existentes: inversión en mecanizado CNC y hornos de "
            "inducción, menor a 3 millones de US$.",
            "Cotizaciones de equipos; informe de capacidades de la base de conocimiento.",
        ),
        environmental=(
            4,
            "Reciclaje de moldes gastados como chatarra de cobre; hornos de inducción eléctricos.",
            "DS 040-2014-EM; reglamento de residuos sólidos (DL 1278).",
        ),
        import_value=("6400000", "USD"),
        import_year=2025,
        created=-85,
        published=-80,
        studies=(MOLDES,),
        interests=(
            Interest(
                "metalilo",
                Role.SUPPLIER,
                -75,
                "Tenemos la fundición; buscamos socio para el mecanizado.",
            ),
            Interest("collao", Role.BUYER, -70, "Reponemos lingoteras cada año."),
            Interest("mollendo", Role.BUYER, -65),
            Interest("fogasur", Role.INVESTOR, -60, "Garantías para la compra de equipos."),
        ),
    ),
    Spec(
        product="Cátodos de cobre refinado",
        product_en="Refined copper cathodes",
        hs_code="7403.11.00.00",
        stage=Stage.REFINING,
        summary="Más capacidad de refinación en el sur para exportar cátodos en lugar de "
        "concentrado y abastecer a una futura planta de alambrón.",
        market_notes="Mercado internacional (LME); primas por cátodo grado A en Asia y "
        "Europa. El concentrado paga cargos de tratamiento y refinación (TC/RC) en el exterior. "
        "El Perú no importa cátodos: los exporta (sin cifra de importaciones).",
        local_capability="Refinería y plantas SX-EW existentes en el sur; proveedores METS con "
        "experiencia en mantenimiento de celdas y rectificadores.",
        economic=(
            5,
            "Retiene en el país los cargos de tratamiento y refinación y el ácido sulfúrico "
            "asociado; base de toda la cadena de manufactura.",
            MINEM,
        ),
        financial=(
            2,
            "Inversión muy alta (más de 1 000 millones de US$ para una fundición y refinería "
            "nueva) y márgenes que dependen de los TC/RC internacionales.",
            "BCRP; informes de mercado de cargos de tratamiento.",
        ),
        environmental=(
            3,
            "La fundición emite SO₂ que debe capturarse (ácido sulfúrico) y genera escorias; "
            "la electrorrefinación es limpia.",
            "Estándares de calidad del aire; DS 040-2014-EM.",
        ),
        created=-300,
        published=-290,
        studies=(ALAMBRON,),
        interests=(
            Interest(
                "chachani", Role.SUPPLIER, -280, "Concentrado disponible para una refinería local."
            ),
            Interest("pichupichu", Role.SUPPLIER, -270, by="l.apaza@pichupichu.com.pe"),
            Interest("caf", Role.INVESTOR, -260),
            Interest("yura", Role.SUPPLIER, -255, "Mantenimiento de celdas y rectificadores."),
        ),
    ),
    Spec(
        product="Ácido sulfúrico de fundición",
        product_en="Smelter sulfuric acid",
        hs_code="2807.00.10.00",
        stage=Stage.SMELTING,
        summary="El ácido sulfúrico que producen las fundiciones al capturar el SO₂, vendido a "
        "las plantas de lixiviación del sur en lugar de importarlo.",
        market_notes="Plantas de lixiviación y electroobtención de cobre; industria química "
        "y de fertilizantes. Bien fiscalizado (DL 1126): ver el registro de barreras.",
        local_capability="Fundición existente en el sur con planta de ácido; transporte en "
        "cisternas por transportistas asociados.",
        economic=(
            4,
            "Convierte una obligación ambiental (capturar SO₂) en un ingreso y sustituye "
            "importaciones de ácido.",
            _sunat("2807.00.10.00"),
        ),
        financial=(
            3,
            "Precio volátil y flete alto; rentable con contratos de largo plazo con plantas "
            "de lixiviación cercanas.",
            "BCRP; informe de la base de conocimiento.",
        ),
        environmental=(
            5,
            "Captura más del 95 % del SO₂ de la fundición; reduce emisiones y transporte de "
            "ácido importado.",
            "Estándares de calidad del aire (DS 003-2017-MINAM).",
        ),
        import_value=("54200000", "USD"),
        import_year=2025,
        created=-155,
        published=-150,
        studies=(ACIDO,),
        interests=(
            Interest("mollendo", Role.SUPPLIER, -140, "Producimos ácido en nuestra planta."),
            Interest("chalhuanca", Role.BUYER, -130, "Planta de lixiviación en evaluación."),
            Interest("vilcabamba", Role.BUYER, -120),
        ),
    ),
    Spec(
        product="Tubos de cobre refinado",
        product_en="Refined copper tubes",
        hs_code="7411.10.00.00",
        stage=Stage.MANUFACTURING,
        summary="Tubos de cobre sin costura para refrigeración, climatización y gasfitería, "
        "para el mercado peruano y andino.",
        market_notes="Importados en su totalidad; demanda creciente por climatización.",
        local_capability="Ninguna planta en el país; el estudio de viabilidad está en revisión.",
        economic=(
            3,
            "Valor agregado alto; escala mínima de 15 000 t/año que el Perú solo no sostiene.",
            _sunat("7411.10.00.00"),
        ),
        financial=(
            2,
            "Inversión alta y competencia de grandes productores regionales.",
            "Estudio en revisión en la base de conocimiento.",
        ),
        environmental=(
            4,
            "Procesos de extrusión y trefilado con consumo eléctrico moderado.",
            "Guías del MINAM para manufactura.",
        ),
        import_value=("29700000", "USD"),
        import_year=2025,
        created=-10,
    ),
    Spec(
        product="Aleaciones de zinc para fundición a presión",
        product_en="Zinc die-casting alloys",
        hs_code="7901.20.00.00",
        stage=Stage.SMELTING,
        summary="Aleaciones Zamak en lingotes producidas con zinc refinado peruano para los "
        "fundidores a presión del país.",
        market_notes="Grifería, cerrajería y autopartes; hoy se importan las aleaciones "
        "aunque el zinc refinado se exporta.",
        local_capability="Zinc refinado nacional; fundidores a presión pequeños en Lima y "
        "Arequipa.",
        economic=(
            3,
            "Mercado interno pequeño; potencial de exportación regional.",
            _sunat("7901.20.00.00"),
        ),
        financial=(
            3,
            "Inversión baja en hornos de aleación; márgenes ligados al precio del zinc.",
            "Informe en borrador de la base de conocimiento.",
        ),
        environmental=(
            4,
            "Refusión de zinc con control de humos; sin relaves.",
            "Estándares de calidad del aire (MINAM).",
        ),
        import_value=("8900000", "USD"),
        import_year=2025,
        created=-28,
    ),
]

PRODUCTS = [spec.product for spec in OPPORTUNITIES]


def _assessment(name: str, values: tuple[int, str, str]) -> dict[str, Any]:
    rating, justification, sources = values
    return {
        f"{name}_rating": rating,
        f"{name}_justification": justification,
        f"{name}_sources": sources,
    }


def _build(spec: Spec) -> ValueOpportunity:
    the_editor = editor()
    data: dict[str, Any] = {
        "product": spec.product,
        "product_en": spec.product_en,
        "hs_code": spec.hs_code,
        "stage": spec.stage,
        "summary": spec.summary,
        "market_notes": spec.market_notes,
        "local_capability": spec.local_capability,
        "import_value": (
            Money(Decimal(spec.import_value[0]), spec.import_value[1])
            if spec.import_value
            else None
        ),
        "import_year": spec.import_year,
        "visibility": spec.visibility,
        **_assessment("economic", spec.economic),
        **_assessment("financial", spec.financial),
        **_assessment("environmental", spec.environmental),
    }
    with on(spec.created):
        opportunity = opportunity_create(actor=the_editor, data=data)
        if spec.studies:
            studies = dict(
                Article.objects.filter(title__in=spec.studies).values_list("title", "pk")
            )
            missing = set(spec.studies) - set(studies)
            if missing:
                raise LookupError(f"Demo studies not found: {sorted(missing)}")
            opportunity_studies_set(
                actor=the_editor,
                opportunity=opportunity,
                articles=[studies[title] for title in spec.studies],
            )
    if spec.published is None:
        return opportunity
    with on(spec.published):
        opportunity = opportunity_publish(actor=the_editor, opportunity=opportunity)
    for interest in sorted(spec.interests, key=lambda i: i.days):
        with on(interest.days, 16):
            interest_register(
                actor=person(interest.by) if interest.by else admin_of(interest.organization),
                opportunity=opportunity,
                organization=organization(interest.organization),
                role=interest.role,
                note=interest.note,
            )
    return opportunity


def seed(*, stdout: TextIO) -> list[ValueOpportunity]:
    existing = set(
        ValueOpportunity.objects.filter(product__in=PRODUCTS).values_list("product", flat=True)
    )
    # In the order they happened, so the numbers and ids follow the demo's history.
    for spec in sorted(OPPORTUNITIES, key=lambda spec: spec.created):
        if spec.product not in existing:
            _build(spec)
    opportunities = list(ValueOpportunity.objects.filter(product__in=PRODUCTS))
    interests = OpportunityInterest.objects.filter(opportunity__in=opportunities).count()
    published = sum(o.status == ValueOpportunity.Status.PUBLISHED for o in opportunities)
    stdout.write(
        f"  value-added opportunities: {len(opportunities)} ({published} published), "
        f"{interests} interests registered"
    )
    return opportunities
