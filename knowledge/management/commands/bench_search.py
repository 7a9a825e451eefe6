"""Measure the portal-wide search on PostgreSQL: ``manage.py bench_search``.

Seeds ``--records`` searchable rows (default 100,000) in the search index: realistic mining text
in Spanish (three rows in four) and English, every kind, mixed audiences (public, members,
listed organizations with their access rows, staff), bulk-inserted, then their vectors built in
one ``UPDATE`` (``knowledge.services.search.build_vectors``, what ``index_replace`` runs) and the
table analysed. Then runs ``--queries`` varied queries (default 200: words, synonyms, accents
left out, typos, phrases, excluded words, kind filters, second pages) through
``knowledge.selectors.search.search`` as a visitor, a member and a member of staff in turn, and
prints the p50 and p95 of the time of one search (its count and page queries; target p95 <= 30
ms on the portal's machine size).

The rows are committed and the table vacuumed and analysed before measuring, as a live
database would be. At the end, whatever happens, the bench's rows (variant ``bench``, ids from
:data:`ID_BASE`), their access rows and the scratch organizations and people are deleted (and
the same at the start, for what an interrupted run left). Refused on SQLite: its fallback is
for development, not measured.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from knowledge.models import SearchDocument, SearchDocumentAccess
from knowledge.search_text import haystack
from knowledge.selectors.search import search
from knowledge.services.search import build_vectors

#: Rows of the bench carry this variant (and ids above :data:`ID_BASE`), never a real one.
BENCH_VARIANT = "bench"
ID_BASE = 9_000_000_000
BATCH = 2_000
SCRATCH_ORGANIZATIONS = 40
TARGET_P95_MS = 30.0
BENCH_RUC_PREFIX = "2099999"
BENCH_EMAILS = ("bench.search.member@example.pe", "bench.search.staff@example.pe")

Kind = SearchDocument.Kind
Audience = SearchDocument.Audience

ES_SUBJECTS = [
    "relaves",
    "depósito de relaves",
    "chancado primario",
    "lixiviación en pilas",
    "flotación de cobre",
    "fundición",
    "refinería de cobre",
    "tratamiento de agua",
    "agua ácida de mina",
    "energía solar",
    "eficiencia energética",
    "mantenimiento predictivo",
    "seguridad minera",
    "geotecnia de taludes",
    "alambrón de cobre",
    "cátodos de cobre",
    "moldes de fundición",
    "transporte de concentrado",
    "monitoreo ambiental",
    "cierre de minas",
    "capacitación técnica",
    "proveedores locales",
    "descarbonización",
    "automatización de planta",
    "molienda",
    "espesadores",
    "hidrometalurgia",
    "relaciones comunitarias",
]
EN_SUBJECTS = [
    "tailings",
    "tailings storage facility",
    "primary crushing",
    "heap leaching",
    "copper flotation",
    "smelting",
    "copper refinery",
    "water treatment",
    "acid mine drainage",
    "solar energy",
    "energy efficiency",
    "predictive maintenance",
    "mine safety",
    "slope geotechnics",
    "copper wire rod",
    "copper cathodes",
    "casting moulds",
    "concentrate haulage",
    "environmental monitoring",
    "mine closure",
    "technical training",
    "local suppliers",
    "decarbonization",
    "plant automation",
    "grinding",
    "thickeners",
]
ES_TITLES = [
    "{s} en {r}",
    "Mejora de {s} para la mediana minería",
    "Guía de {s} y {t}",
    "Estudio de {s} en la región {r}",
    "Reto: {s} con sensores de bajo costo",
    "Barrera regulatoria en permisos de {s}",
    "Oportunidad de valor agregado: {s}",
    "Piloto de {s} y {t} en {r}",
]
EN_TITLES = [
    "{s} in {r}",
    "Improving {s} for mid-tier mines",
    "A guide to {s} and {t}",
    "Study of {s} in the {r} region",
    "Challenge: low-cost sensors for {s}",
    "Value-added opportunity: {s}",
]
ES_SENTENCES = [
    "La unidad minera de {r} necesita soluciones de {s} que reduzcan costos y riesgos.",
    "El proyecto evalúa {s} junto con {t} en condiciones de altura.",
    "Los proveedores del clúster ofrecen servicios de {s} con personal local.",
    "La regulación vigente exige permisos de {s} que demoran más de un año.",
    "Se midieron indicadores de {s} durante doce meses en la operación.",
    "La empresa busca socios para {s} y la gestión del agua en {r}.",
    "El estudio compara alternativas de {t} con datos de campo.",
]
EN_SENTENCES = [
    "The mine in {r} needs {s} solutions that cut costs and risks.",
    "The project assesses {s} together with {t} at high altitude.",
    "Cluster suppliers offer {s} services with local staff.",
    "Current rules require {s} permits that take over a year.",
    "Indicators of {s} were measured for twelve months on site.",
]
#: Sentences about nothing in particular: most of a real record's words are not query words.
ES_FILLER = [
    "La propuesta incluye un cronograma de seis meses y un presupuesto detallado.",
    "El equipo cuenta con ingenieros con experiencia en operaciones de la región.",
    "Se presentarán resultados trimestrales al comité del clúster.",
    "La empresa opera desde hace quince años con certificaciones vigentes.",
    "Los beneficios esperados se medirán con indicadores acordados con el patrocinador.",
    "La iniciativa se coordina con la universidad y el gobierno regional.",
    "El documento resume entrevistas con gerentes de operaciones y de logística.",
    "Las condiciones de acceso al sitio se acordarán antes del inicio.",
]
EN_FILLER = [
    "The proposal includes a six-month schedule and a detailed budget.",
    "The team has engineers with experience in the region's operations.",
    "Quarterly results will be presented to the cluster committee.",
    "Expected benefits will be measured with indicators agreed with the sponsor.",
    "The document summarizes interviews with operations and logistics managers.",
]
REGIONS = ["Arequipa", "Moquegua", "Tacna", "Cusco", "Apurímac", "Puno", "Ayacucho"]

#: (query, kind or "") pairs the measured queries are drawn from.
QUERIES: list[tuple[str, str]] = [
    ("relaves", ""),
    ("relave", ""),
    ("tailings", ""),
    ("mineria", ""),
    ("chancado", ""),
    ("crushing", ""),
    ("lixiviacion", ""),
    ("leaching", ""),
    ("flotación de cobre", ""),
    ("fundicion", ""),
    ("refineria", ""),
    ("agua", ""),
    ("water treatment", ""),
    ("energia solar", ""),
    ("relavez", ""),
    ("flotacion cobre", ""),
    ('"tratamiento de agua"', ""),
    ("agua -acida", ""),
    ("alambron", ""),
    ("catodos de cobre", ""),
    ("arequipa", ""),
    ("moquegua relaves", ""),
    ("seguridad minera", ""),
    ("sensores bajo costo", ""),
    ("relaves", "challenge"),
    ("agua", "article"),
    ("cobre", "opportunity"),
    ("permisos", "barrier"),
    ("proveedores locales", "organization"),
    ("geotecnia", "project"),
    ("smelting or fundicion", ""),
    ("descarbonizacion", ""),
    ("mantenimiento predictivo", ""),
    ("espesadores", ""),
    ("molienda", ""),
    ("cierre de minas", ""),
    ("xyzzy", ""),
]


class Command(BaseCommand):
    help = "Seed search rows on PostgreSQL, time varied searches, print p50/p95, roll back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--records", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_search measures PostgreSQL full-text search: point DATABASE_URL at a "
                "PostgreSQL database (the SQLite fallback is not measured)."
            )
        records: int = options["records"]
        queries: int = options["queries"]
        if records < 1 or queries < 1:
            raise CommandError("--records and --queries must be at least 1.")
        rng = random.Random(options["seed"])  # noqa: S311 (sample text, not secrets)
        _cleanup()  # what an interrupted run may have left
        try:
            self._run(rng, records, queries)
        finally:
            _cleanup()
            _vacuum()
        self.stdout.write("Cleaned up: nothing of the bench is left.")

    def _run(self, rng: random.Random, records: int, queries: int) -> None:
        viewers, organization_ids = _scratch_viewers()
        started = time.perf_counter()
        _seed(rng, records, organization_ids)
        build_started = time.perf_counter()
        built = build_vectors(SearchDocument.objects.filter(variant=BENCH_VARIANT))
        _vacuum()
        self.stdout.write(
            f"Seeded {records} rows in {build_started - started:.1f} s, built {built} vectors "
            f"in {time.perf_counter() - build_started:.1f} s."
        )
        for query, kind in QUERIES[:5]:  # warm-up (plans, caches)
            search(user=viewers["visitor"], q=query, kinds=[kind] if kind else None)
        timings: dict[str, list[float]] = {role: [] for role in viewers}
        found = 0
        roles = list(viewers)
        for number in range(queries):
            query, kind = rng.choice(QUERIES)
            role = roles[number % len(roles)]
            page = 2 if number % 7 == 6 else 1
            start = time.perf_counter()
            results = search(user=viewers[role], q=query, kinds=[kind] if kind else None, page=page)
            timings[role].append((time.perf_counter() - start) * 1000)
            found += bool(results.hits)
        every = [ms for values in timings.values() for ms in values]
        self.stdout.write(f"{queries} queries, {found} with results:")
        for role, values in [*timings.items(), ("all", every)]:
            if values:
                self.stdout.write(f"  {role:<8} {_summary(values)}")
        p95 = _percentile(every, 95)
        verdict = "within" if p95 <= TARGET_P95_MS else "ABOVE"
        self.stdout.write(f"p95 {p95:.1f} ms: {verdict} the target of {TARGET_P95_MS:.0f} ms.")


def _vacuum() -> None:
    """Settle the table as a live database would be (dead row versions of the vector
    ``UPDATE`` removed, statistics fresh). ``VACUUM`` cannot run inside a transaction (a test
    wrapping the command in one): then only the pending GIN entries are merged and the tables
    analysed."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("SELECT gin_clean_pending_list('search_vector_gin'::regclass)")
            cursor.execute("SELECT gin_clean_pending_list('search_title_trgm'::regclass)")
            cursor.execute("ANALYZE knowledge_searchdocument")
            cursor.execute("ANALYZE knowledge_searchdocumentaccess")
        else:
            cursor.execute("VACUUM ANALYZE knowledge_searchdocument")
            cursor.execute("VACUUM ANALYZE knowledge_searchdocumentaccess")


def _cleanup() -> None:
    """Delete the bench's rows (by their variant and ids), access rows, people and
    organizations."""
    from members.models import Organization, User

    documents = SearchDocument._meta.db_table
    access = SearchDocumentAccess._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {access} WHERE document_id IN "  # noqa: S608 (table names)
            f"(SELECT id FROM {documents} WHERE variant = %s AND object_id >= %s)",
            [BENCH_VARIANT, ID_BASE],
        )
        cursor.execute(
            f"DELETE FROM {documents} WHERE variant = %s AND object_id >= %s",  # noqa: S608
            [BENCH_VARIANT, ID_BASE],
        )
        User.objects.filter(email__in=BENCH_EMAILS).delete()
        Organization.objects.filter(ruc__startswith=BENCH_RUC_PREFIX).delete()


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _summary(values: list[float]) -> str:
    return (
        f"n={len(values):<4} p50 {_percentile(values, 50):6.1f} ms   "
        f"p95 {_percentile(values, 95):6.1f} ms   max {max(values):6.1f} ms"
    )


def _scratch_viewers() -> tuple[dict[str, Any], list[int]]:
    """A visitor, a member of a scratch active organization, a superuser (sees every row that
    names a staff permission); the scratch organizations' ids (the first is the member's)."""
    from members.models import Organization, OrganizationMember, User

    organizations = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Bench Search {n} S.A.C.",
            trade_name=f"Bench Search {n}",
            ruc=f"{BENCH_RUC_PREFIX}{n:04d}",
            kind=Organization.Kind.METS_SUPPLIER,
            region="arequipa",
            city="Arequipa",
            membership_status=Organization.MembershipStatus.ACTIVE,
        )
        for n in range(SCRATCH_ORGANIZATIONS)
    )
    member = User.objects.create(email=BENCH_EMAILS[0], full_name="Bench Search Member")
    OrganizationMember.objects.create(
        user=member, organization=organizations[0], role=OrganizationMember.Role.MEMBER
    )
    staff = User.objects.create(
        email=BENCH_EMAILS[1],
        full_name="Bench Staff",
        is_staff=True,
        is_superuser=True,
    )
    viewers = {"visitor": AnonymousUser(), "member": member, "staff": staff}
    return viewers, [organization.pk for organization in organizations]


def _seed(rng: random.Random, records: int, organization_ids: list[int]) -> None:
    kinds = list(Kind.values)
    documents: list[SearchDocument] = []
    restricted: list[tuple[int, int]] = []  # (index in batch, organization id)
    for number in range(records):
        document = _document(rng, number, rng.choice(kinds))
        documents.append(document)
        if document.audience == Audience.ORGANIZATIONS:
            for organization_id in rng.sample(organization_ids, rng.randint(1, 2)):
                restricted.append((len(documents) - 1, organization_id))
        if len(documents) == BATCH or number == records - 1:
            created = SearchDocument.objects.bulk_create(documents)
            SearchDocumentAccess.objects.bulk_create(
                SearchDocumentAccess(document_id=created[index].pk, organization_id=org)
                for index, org in restricted
            )
            documents, restricted = [], []


def _document(rng: random.Random, number: int, kind: str) -> SearchDocument:
    """One record about one or two subjects, mostly ordinary words around them."""
    english = rng.random() < 0.25
    subjects, titles, sentences, filler = (
        (EN_SUBJECTS, EN_TITLES, EN_SENTENCES, EN_FILLER)
        if english
        else (ES_SUBJECTS, ES_TITLES, ES_SENTENCES, ES_FILLER)
    )
    subject, other, region = rng.choice(subjects), rng.choice(subjects), rng.choice(REGIONS)

    def fill(template: str) -> str:
        return template.format(s=subject, t=other, r=region)

    title = fill(rng.choice(titles))
    title = title[0].upper() + title[1:]
    summary = fill(rng.choice(sentences))
    parts = [fill(rng.choice(sentences)) for _ in range(rng.randint(1, 3))]
    parts += rng.sample(filler, rng.randint(2, 4))
    rng.shuffle(parts)
    body = " ".join(parts)
    roll = rng.random()
    audience, staff_permission = (
        (Audience.PUBLIC, "")
        if roll < 0.6
        else (Audience.MEMBERS, "")
        if roll < 0.8
        else (Audience.ORGANIZATIONS, "manage_calls")
        if roll < 0.95
        else (Audience.STAFF, "edit_content")
    )
    object_id = ID_BASE + number
    return SearchDocument(
        kind=kind,
        object_id=object_id,
        variant=BENCH_VARIANT,
        language="en" if english else "es",
        title=title,
        summary=summary,
        body=body,
        search_text=haystack(title, summary, body),
        url=f"/bench/{kind}/{object_id}/",
        audience=audience,
        staff_permission=staff_permission,
    )
