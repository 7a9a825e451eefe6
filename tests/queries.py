"""One way to bound the SQL queries of a page or endpoint, and to prove the rows were there.

Usage (the fixture ``max_queries`` in ``tests/conftest.py``)::

    def test_directory(client, max_queries):
        response = max_queries(10, client.get, url, expect=["Minera Chachani", "AndesTech"])

It warms the request once (session, content types, caches), then counts the queries of a second
identical request, fails when they exceed the bound, and fails when any expected text is missing
from the response: a page that renders no rows would otherwise pass any query bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def run_counted(
    bound: int,
    request: Callable[..., Any],
    *args: Any,
    expect: Iterable[str] = (),
    status: int = 200,
    warm: bool = True,
    **kwargs: Any,
) -> tuple[Any, int]:
    """(response, queries) of ``request(*args, **kwargs)`` under an upper ``bound``."""
    if warm:
        request(*args, **kwargs)
    with CaptureQueriesContext(connection) as ctx:
        response = request(*args, **kwargs)
    count = len(ctx.captured_queries)
    assert response.status_code == status, (response.status_code, args)
    body = response.content.decode()
    missing = [text for text in expect if text not in body]
    assert not missing, f"expected rows not rendered: {missing}"
    sql = "\n".join(q["sql"][:300] for q in ctx.captured_queries)
    assert count <= bound, f"{count} queries > {bound}:\n{sql}"
    return response, count


def count_queries(bound: int, call: Callable[[], Any], *, warm: bool = True) -> tuple[Any, int]:
    """(result, queries) of ``call()`` — a selector, a service — under an upper ``bound``.

    For code that is not a request (no status, no body): the caller asserts the rows were
    there on the result. ``call`` should evaluate what it reads (``list(queryset)``, then
    touch the prefetched relations), or the queries happen after counting.
    """
    if warm:
        call()
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    count = len(ctx.captured_queries)
    sql = "\n".join(q["sql"][:300] for q in ctx.captured_queries)
    assert count <= bound, f"{count} queries > {bound}:\n{sql}"
    return result, count
