"""Measure every list page and list endpoint on a scratch database: ``manage.py bench_pages``.

For each scale (``--scale 1``: the demo data; ``--scale 10``: ten times as many organizations,
people, logos and seats), the command creates a scratch database with Django's test-database
machinery (``test_bench_<pid>`` on PostgreSQL when ``DATABASE_URL`` points at it, a temporary
file on SQLite), loads ``seed_demo``, grows it with the scalers of ``cluster_portal.core.bench``,
then for every registered page and role prints:

* ``queries``: SQL queries of one request after a warm-up (``writes``: how many of them write);
* ``server ms``: median time of the request through the whole Django stack (test client);
* ``qs ms``: median time of evaluating the view's own rows (same filters and prefetches) alone;
* ``ratio``: server / queryset.

The developer's database, cache and private files are never touched: everything runs against the
scratch database, a private in-memory cache and a temporary directory, all removed at the end.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, reset_queries
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    _TestState,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)

from cluster_portal.core import bench

WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _median_ms(func: Callable[[], Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _evaluator(page: bench.BenchPage, ctx: bench.BenchContext) -> Callable[[], int]:
    """Evaluate the page's rows afresh each call (a QuerySet is cloned; anything else is asked
    for again), returning the number of rows."""
    rows = page.queryset(ctx)
    if isinstance(rows, QuerySet):
        return lambda: len(list(rows.all()))
    return lambda: len(list(page.queryset(ctx)))


class Command(BaseCommand):
    help = "Benchmark list pages and endpoints per role on a scratch database (1x and 10x)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            action="append",
            help="Data scale (repeatable); default: 1 and 10.",
        )
        parser.add_argument("--runs", type=int, default=15, help="Timed runs per row (median).")
        parser.add_argument("--only", default="", help="Only pages whose name contains this.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument(
            "--show-sql", action="store_true", help="Also print each request's SQL (shortened)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scales: list[int] = options["scale"] or [1, 10]
        runs: int = max(1, options["runs"])
        self.show_sql = bool(options["show_sql"])
        pages = [p for p in bench.PAGES if options["only"].lower() in p.name.lower()]
        log = io.StringIO() if options["json"] else self.stdout
        results: list[dict[str, Any]] = []
        for scale in scales:
            results += self._run_scale(scale, runs, pages, log=log)
        if options["json"]:
            self.stdout.write(json.dumps({"backend": connection.vendor, "results": results}))
        else:
            self.stdout.write(self._table(results))

    # --- One scale on one scratch database -----------------------------------------------------

    def _run_scale(
        self, scale: int, runs: int, pages: list[bench.BenchPage], *, log: Any
    ) -> list[dict[str, Any]]:
        workdir = tempfile.mkdtemp(prefix="cmsp-bench-")
        test_settings = connection.settings_dict.setdefault("TEST", {})
        saved_test_name = test_settings.get("NAME")
        if connection.vendor == "sqlite":
            test_settings["NAME"] = os.path.join(workdir, "bench.sqlite3")
        else:
            test_settings["NAME"] = f"test_bench_{os.getpid()}"
        file_fields: list[Any] = []
        saved_storages: list[Any] = []
        overrides = override_settings(
            # A private cache: neither the developer's Redis nor stale choices from another run.
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": f"bench-{scale}",
                }
            },
            # Throttling still runs (its cost is real) but never answers 429 to the bench.
            REST_FRAMEWORK={
                **settings.REST_FRAMEWORK,
                "DEFAULT_THROTTLE_RATES": dict.fromkeys(
                    settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "1000000/hour"
                ),
            },
            CELERY_TASK_ALWAYS_EAGER=True,
        )
        # Already set up when the command runs inside the test suite.
        own_test_environment = not hasattr(_TestState, "saved_data")
        if own_test_environment:
            setup_test_environment(debug=False)
        # Task and request logs of the seeding would drown the table.
        logging.disable(logging.INFO)
        overrides.enable()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
        try:
            from cluster_portal.files.models import Attachment
            from cluster_portal.files.storage import PrivateFileSystemStorage

            # Uploads (logos) go to the temporary directory, not the developer's private media.
            storage = PrivateFileSystemStorage(location=os.path.join(workdir, "private"))
            file_fields = [Attachment._meta.get_field(n) for n in ("file", "thumbnail")]
            saved_storages = [field.storage for field in file_fields]
            for field in file_fields:
                field.storage = storage

            log.write(
                f"scale x{scale} on {connection.vendor} ({connection.settings_dict['NAME']})\n"
            )
            start = time.perf_counter()
            call_command("seed_demo", stdout=io.StringIO())
            users = bench.bench_users()
            for scaler in bench.SCALERS:
                scaler(scale, stdout=log)
            users = bench.bench_users()
            log.write(f"  data ready in {time.perf_counter() - start:.1f} s\n")
            return [
                self._measure(page, role, users[role], scale=scale, runs=runs)
                for page in pages
                for role in page.roles
            ]
        finally:
            for field, saved in zip(file_fields, saved_storages, strict=True):
                field.storage = saved
            connection.creation.destroy_test_db(old_name, verbosity=0)
            overrides.disable()
            if own_test_environment:
                teardown_test_environment()
            logging.disable(logging.NOTSET)
            if saved_test_name is None:
                test_settings.pop("NAME", None)
            else:
                test_settings["NAME"] = saved_test_name
            shutil.rmtree(workdir, ignore_errors=True)

    def _measure(
        self, page: bench.BenchPage, role: str, user: Any, *, scale: int, runs: int
    ) -> dict[str, Any]:
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        headers = page.headers or {}
        url = page.resolved_url()

        def get() -> Any:
            return client.get(url, **headers)  # type: ignore[arg-type]

        response = get()  # warm-up: session, content types, caches
        with CaptureQueriesContext(connection) as captured:
            response = get()
        sql = [q["sql"] for q in captured.captured_queries]
        reset_queries()
        if self.show_sql:
            self.stderr.write(f"--- {page.name} as {role}, x{scale}: {len(sql)} queries")
            for statement in sql:
                self.stderr.write("  " + " ".join(statement.split())[:200])
        server_ms = _median_ms(get, runs)
        evaluate = _evaluator(page, bench.BenchContext(role=role, user=user))
        rows = evaluate()  # warm-up
        queryset_ms = _median_ms(evaluate, runs)
        return {
            "scale": scale,
            "page": page.name,
            "url": url,
            "role": role,
            "status": response.status_code,
            "queries": len(sql),
            "writes": sum(1 for q in sql if q.lstrip().upper().startswith(WRITE_PREFIXES)),
            "rows": rows,
            "server_ms": round(server_ms, 2),
            "queryset_ms": round(queryset_ms, 2),
            "ratio": round(server_ms / queryset_ms, 1) if queryset_ms else None,
        }

    @staticmethod
    def _table(results: list[dict[str, Any]]) -> str:
        header = (
            f"{'scale':>5}  {'page':<28} {'role':<8} {'status':>6} {'queries':>7} {'writes':>6} "
            f"{'rows':>5} {'server ms':>9} {'qs ms':>7} {'ratio':>6}"
        )
        lines = ["", header, "-" * len(header)]
        for r in results:
            lines.append(
                f"{r['scale']:>5}  {r['page']:<28} {r['role']:<8} {r['status']:>6} "
                f"{r['queries']:>7} {r['writes']:>6} {r['rows']:>5} {r['server_ms']:>9.1f} "
                f"{r['queryset_ms']:>7.1f} {r['ratio'] if r['ratio'] is not None else '-':>6}"
            )
        return "\n".join(lines) + "\n"
