"""Request body parsers of the API.

:class:`SafeJSONParser` is DRF's JSON parser with a bound on nesting: Python's ``json`` raises
``RecursionError`` (not ``ValueError``) on a few thousand nested arrays, which DRF does not
catch, so ``[[[[…]]]]`` was a 500 on every endpoint that read the body — including every
request authenticated with a token, whose authentication reads it. Too deep a document is now a
400 in the API's error shape (``code: parse_error``), whether Python's recursion limit or our
own cap (:data:`MAX_JSON_DEPTH`, far above any request the API accepts) stops it first.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

#: The deepest JSON document the API reads (objects and arrays nested in each other).
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """How deeply ``value``'s dicts and lists are nested (0 for a scalar), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        if depth + 1 > MAX_JSON_DEPTH:
            return depth + 1
        stack.extend((child, depth + 1) for child in children)
    return deepest


def too_deep() -> ParseError:
    return ParseError(
        _("JSON parse error - the document is nested more than %(depth)d levels deep.")
        % {"depth": MAX_JSON_DEPTH}
    )


class SafeJSONParser(JSONParser):
    """``JSONParser`` that answers 400, never 500, to deeply nested documents."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep() from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise too_deep()
        return data
