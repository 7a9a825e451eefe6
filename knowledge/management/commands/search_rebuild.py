"""``python manage.py search_rebuild [--kind K ...] [--chunk-size N]``: rebuild the portal-wide
search index from the records (``knowledge.search_sources.rebuild``), removing rows of records
that no longer exist or are no longer searchable; prints the counts per kind. Safe to run any
number of times, and while the portal is in use (each record's rows are replaced at once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from knowledge.search_sources import SOURCES, rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (every kind, or the ones given with --kind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            choices=sorted(SOURCES),
            dest="kinds",
            help="Rebuild only this kind (repeat for several).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            help="Records loaded per batch (default 500).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            self.stderr.write("--chunk-size must be at least 1.")
            raise SystemExit(2)
        counts = rebuild(kinds=options["kinds"], chunk_size=options["chunk_size"])
        for kind, count in counts.items():
            self.stdout.write(
                f"{kind}: {count.records} records, {count.rows} rows, {count.removed} removed"
            )
        total = sum(count.rows for count in counts.values())
        self.stdout.write(self.style.SUCCESS(f"search index rebuilt: {total} rows"))
