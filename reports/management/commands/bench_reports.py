"""Measure report generation: ``manage.py bench_reports [--proposals 100000] [--keep]``.

Seeds one call with ``--proposals`` proposals (bulk-inserted, 2,000 a batch: three in four
submitted over the last twelve months, one in five with a consortium partner) led by a few
hundred scratch organizations, in the current database (SQLite by default), then prints:

* **the proposals XLSX of that call** (the ``call_proposals`` report kind, written by
  ``reports.spreadsheets.write_xlsx`` as a worker would) at each size of ``--sizes`` (default
  10,000 and ``--proposals``; the call grows between them): rows written, seconds, the peak of
  Python memory while writing (``tracemalloc``, measured in a second pass so that its overhead
  is not in the time) and the process's maximum resident size, then the ratio of the largest
  size's peak to the smallest's: memory is *flat* when it stays under
  :data:`FLAT_RATIO` however many rows (the target: flat between 10,000 and 100,000);
* **the KPI figures** (``reports.selectors.kpis.kpis_compute``) over the last twelve months,
  with the seeded proposals in the database, and the ``cluster_kpis`` report's XLSX for the
  year so far (when that kind exists): seconds each (target: at most
  :data:`KPI_TARGET_SECONDS`).

Everything happens in one transaction rolled back at the end (``--keep`` commits it instead),
so nothing of the bench is left. Not a timed test: ``tests/reports/sources/test_bench.py``
runs it with tiny sizes and checks the lines.
"""

from __future__ import annotations

import datetime
import importlib
import random
import resource
import secrets
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from djmoney.money import Money

from challenges.models import Call, Proposal, ProposalPartner
from members.models import Organization
from members.validators import ruc_check_digit
from reports.catalogue import ReportKindSpec, get_kind
from reports.models import ReportKind
from reports.spreadsheets import write_xlsx

BATCH = 2_000
#: Memory is "flat" when the largest size's peak is under this many times the smallest's.
FLAT_RATIO = 1.5
KPI_TARGET_SECONDS = 5.0
DEFAULT_SMALL = 10_000
#: Scratch organizations: one per this many proposals (at least 10, at most 500).
PROPOSALS_PER_ORGANIZATION = 200
MONTHS = 12

TITLES = (
    "Polines instrumentados para fajas de {r}",
    "Monitoreo en línea de relaves en {r}",
    "Recuperación de agua en espesadores ({r})",
    "Mantenimiento predictivo de chancadoras en {r}",
    '=HYPERLINK("http://example.invalid","{r}")',  # formula injection: neutralized
    "Sensores de bajo costo para taludes de {r}",
)
REGIONS = ("Arequipa", "Moquegua", "Tacna", "Cusco", "Apurímac", "Puno")


class _Rollback(Exception):
    """Raised at the end of the bench to roll its transaction back."""


@dataclass(frozen=True)
class Measure:
    rows: int
    seconds: float
    peak_bytes: int
    rss_bytes: int
    file_bytes: int


def _mb(value: float) -> str:
    return f"{value / 1_048_576:.1f} MB"


def _max_rss() -> int:
    """The process's maximum resident set size so far, in bytes (kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _sizes(text: str | None, proposals: int) -> list[int]:
    if not text:
        return sorted({min(DEFAULT_SMALL, proposals), proposals})
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as error:
        raise CommandError("--sizes is a list of numbers such as 10000,100000.") from error
    if not sizes or sizes[0] < 1 or sizes[-1] > proposals:
        raise CommandError(f"Each of --sizes must be between 1 and --proposals ({proposals}).")
    return sizes


class Command(BaseCommand):
    help = (
        "Generate the proposals XLSX of a call with 10,000 and 100,000 proposals and the KPI "
        "figures; print rows, seconds and peak memory. Rolls back what it creates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--proposals", type=int, default=100_000)
        parser.add_argument(
            "--sizes", help="Comma-separated call sizes to measure (default 10000 and --proposals)."
        )
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument(
            "--keep", action="store_true", help="Commit the seeded rows instead of rolling back."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        proposals = options["proposals"]
        if proposals < 1:
            raise CommandError("--proposals must be at least 1.")
        sizes = _sizes(options["sizes"], proposals)
        rng = random.Random(options["seed"])  # noqa: S311 (sample data, not secrets)
        self.stdout.write(f"Database: {connection.vendor}; sizes: {', '.join(map(str, sizes))}.")
        try:
            with transaction.atomic():
                self._run(rng, sizes)
                if not options["keep"]:
                    raise _Rollback
        except _Rollback:
            self.stdout.write("Rolled back: nothing of the bench is left.")
        else:
            self.stdout.write("Kept the seeded rows (--keep).")

    # --- The run ------------------------------------------------------------------------------

    def _run(self, rng: random.Random, sizes: list[int]) -> None:
        tag = secrets.token_hex(3)
        organizations = _organizations(
            min(500, max(10, sizes[-1] // PROPOSALS_PER_ORGANIZATION)), tag
        )
        call = Call.objects.create(
            code=f"bench-reports-{tag}",
            title="Convocatoria del bench de reportes",
            summary="Datos de prueba del bench de reportes.",
            status=Call.Status.CLOSED,
        )
        spec = get_kind(ReportKind.CALL_PROPOSALS)
        measures: list[Measure] = []
        seeded = 0
        for size in sizes:
            started = time.perf_counter()
            _proposals(rng, call, organizations, start=seeded, stop=size, tag=tag)
            self.stdout.write(
                f"Seeded {size - seeded} proposals in {time.perf_counter() - started:.1f} s "
                f"(call total {size})."
            )
            seeded = size
            measure = _measure(spec, {"call": call.pk})
            measures.append(measure)
            self.stdout.write(
                f"Proposals XLSX {measure.rows} rows: {measure.seconds:.2f} s, "
                f"peak {_mb(measure.peak_bytes)} (tracemalloc), "
                f"max RSS {_mb(measure.rss_bytes)}, file {_mb(measure.file_bytes)}"
            )
        first, last = measures[0], measures[-1]
        ratio = last.peak_bytes / max(first.peak_bytes, 1)
        flat = "yes" if ratio <= FLAT_RATIO else "no"
        self.stdout.write(
            f"Memory flat: {flat} (peak at {last.rows} rows / peak at {first.rows} rows "
            f"= {ratio:.2f}; flat at most {FLAT_RATIO})"
        )
        self._kpis()

    def _kpis(self) -> None:
        try:
            from reports.selectors.kpis import kpis_compute
        except ImportError:
            self.stdout.write("KPI figures: not available (reports.selectors.kpis).")
            return
        ends_on = timezone.localdate()
        first_month = ends_on.replace(day=1)
        for _ in range(MONTHS - 1):
            first_month = (first_month - datetime.timedelta(days=1)).replace(day=1)
        started = time.perf_counter()
        figures = kpis_compute(starts_on=first_month, ends_on=ends_on)
        seconds = time.perf_counter() - started
        verdict = "met" if seconds <= KPI_TARGET_SECONDS else "missed"
        funnel = figures.get("funnel", {})
        self.stdout.write(
            f"KPI figures {first_month.isoformat()}..{ends_on.isoformat()}: {seconds:.2f} s "
            f"(proposals {funnel.get('proposals')}); target {KPI_TARGET_SECONDS:.0f} s {verdict}."
        )
        try:
            importlib.import_module("reports.sources.cluster_kpis")  # registers the kind
            spec = get_kind(ReportKind.CLUSTER_KPIS)
        except (ImportError, KeyError):
            self.stdout.write("KPI XLSX: the cluster_kpis report kind is not available.")
            return
        # The year so far: the longest period the kind takes that has started.
        filters = _valid_filters(
            spec, {"period_kind": "year", "starts_on": ends_on.replace(month=1, day=1)}
        )
        if filters is None:
            self.stdout.write("KPI XLSX: skipped (its form refused the current year).")
            return
        measure = _measure(spec, filters, trace=False)
        verdict = "met" if measure.seconds <= KPI_TARGET_SECONDS else "missed"
        self.stdout.write(
            f"KPI XLSX {measure.rows} rows: {measure.seconds:.2f} s, file "
            f"{_mb(measure.file_bytes)}; target {KPI_TARGET_SECONDS:.0f} s {verdict}."
        )


# --- Seeding -----------------------------------------------------------------------------------


def _organizations(count: int, tag: str) -> list[int]:
    """``count`` scratch member organizations (valid RUCs nobody else has); their ids."""
    taken = set(Organization.objects.values_list("ruc", flat=True))
    rows: list[Organization] = []
    n = 0
    base = 30_000_000 + int(tag, 16) % 60_000_000
    while len(rows) < count:
        first_ten = f"20{base + n:08d}"
        n += 1
        ruc = first_ten + str(ruc_check_digit(first_ten))
        if ruc in taken:
            continue
        number = len(rows) + 1
        rows.append(
            Organization(
                legal_name=f"Proveedor Bench {tag} {number:03d} S.A.C.",
                trade_name=f"Bench {number:03d}",
                ruc=ruc,
                kind=Organization.Kind.METS_SUPPLIER,
                membership_status=Organization.MembershipStatus.ACTIVE,
                member_since=datetime.date(2024, 1, 1),
            )
        )
    created = Organization.objects.bulk_create(rows, batch_size=BATCH)
    return [o.pk for o in created]


def _proposals(
    rng: random.Random, call: Call, organizations: list[int], *, start: int, stop: int, tag: str
) -> None:
    """Proposals number ``start`` to ``stop - 1`` of the call, and their partners."""
    now = timezone.now()
    for batch_start in range(start, stop, BATCH):
        batch = []
        for n in range(batch_start, min(stop, batch_start + BATCH)):
            roll = rng.random()
            status = (
                Proposal.Status.SUBMITTED
                if roll < 0.75
                else Proposal.Status.DRAFT
                if roll < 0.95
                else Proposal.Status.WITHDRAWN
            )
            submitted = status != Proposal.Status.DRAFT
            budget = Decimal(rng.randrange(20_000, 900_000)) + Decimal("0.50")
            batch.append(
                Proposal(
                    call=call,
                    lead_organization_id=rng.choice(organizations),
                    status=status,
                    reference=f"BENCH-{tag}-{n:06d}" if submitted else None,
                    title=rng.choice(TITLES).format(r=rng.choice(REGIONS)),
                    summary="Propuesta sembrada por el bench de reportes.",
                    trl_start=4,
                    trl_end=7,
                    budget=Money(budget, rng.choice(("PEN", "USD"))),
                    co_funding=Money(budget / 4, "PEN"),
                    duration_months=rng.choice((6, 12, 18, 24)),
                    submitted_at=(
                        now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
                        if submitted
                        else None
                    ),
                )
            )
        created = Proposal.objects.bulk_create(batch, batch_size=BATCH)
        partners = [
            ProposalPartner(
                proposal_id=proposal.pk,
                organization_id=partner,
                role="Socio técnico",
                status=ProposalPartner.Status.CONFIRMED,
            )
            for proposal in created
            if rng.random() < 0.2
            and (partner := rng.choice(organizations)) != proposal.lead_organization_id
        ]
        ProposalPartner.objects.bulk_create(partners, batch_size=BATCH)


# --- Measuring ---------------------------------------------------------------------------------


def _write(spec: ReportKindSpec, filters: dict[str, Any], path: Path) -> int:
    content = spec.build(filters)
    written = write_xlsx(path, content.sheets)
    if content.total_rows is not None and written != content.total_rows:
        raise CommandError(f"{spec.code}: wrote {written} rows, expected {content.total_rows}.")
    return written


def _measure(spec: ReportKindSpec, filters: dict[str, Any], *, trace: bool = True) -> Measure:
    """Write the report twice: timed, then under ``tracemalloc`` for the peak."""
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        path = Path(folder) / "report.xlsx"
        started = time.perf_counter()
        rows = _write(spec, filters, path)
        seconds = time.perf_counter() - started
        file_bytes = path.stat().st_size
        peak = 0
        if trace:
            tracemalloc.start()
            try:
                _write(spec, filters, path)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    return Measure(rows, seconds, peak, _max_rss(), file_bytes)


def _valid_filters(spec: ReportKindSpec, data: dict[str, Any]) -> dict[str, Any] | None:
    """``data`` through the kind's form (as a person's request would be); None if refused."""
    form_class = cast(Any, spec.form_class)  # ReportFilterForm: (data=None, user=None)
    form = form_class(data=data, user=None)
    return dict(form.cleaned_data) if form.is_valid() else None
