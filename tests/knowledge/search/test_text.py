"""Pure text functions of the search: normalization, query parsing, synonyms, snippets."""

from __future__ import annotations

import pytest

from knowledge.search_text import (
    MAX_TERMS,
    START_SENTINEL,
    STOP_SENTINEL,
    Clause,
    Term,
    expand,
    haystack,
    highlight,
    mark_sentinels,
    normalize,
    parse_query,
    positive_forms,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Minería", "mineria"),
        ("  LIXIVIACIÓN\tde   cobre ", "lixiviacion de cobre"),
        ("Año", "ano"),
        ("ﬁltro", "filtro"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_haystack_puts_the_title_before_a_line_break() -> None:
    assert haystack("Relaves", "Agua", "") == "relaves\nagua"
    assert haystack("Título", "", "") == "titulo\n"


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("relaves", ("relaves", "relave", "tailings", "tailing")),
        ("Tailings", ("tailings", "relaves", "relave", "tailing")),
        ("LIXIVIACIÓN", ("lixiviacion", "leaching")),
        ("energy", ("energy", "energia")),
        ("cobre", ("cobre",)),
    ],
)
def test_expand_both_directions(term: str, expected: tuple[str, ...]) -> None:
    assert expand(term) == expected


def test_parse_query_websearch_syntax() -> None:
    assert parse_query('agua -cobre "planta de relaves" chancado or crushing') == [
        Clause((Term("agua"),)),
        Clause((Term("cobre"),), negated=True),
        Clause((Term("planta de relaves", phrase=True),)),
        Clause((Term("chancado"), Term("crushing"))),
    ]


def test_spanish_o_joins_alternatives_like_or() -> None:
    assert parse_query("relaves o tailings") == parse_query("relaves or tailings")
    assert parse_query("relaves O tailings") == [Clause((Term("relaves"), Term("tailings")))]


@pytest.mark.parametrize("query", ["", "   ", "-cobre", '""', "or", "o", "-- !!"])
def test_parse_query_with_nothing_to_search(query: str) -> None:
    assert parse_query(query) == []


def test_parse_query_cuts_long_queries() -> None:
    clauses = parse_query(" ".join(f"w{i}" for i in range(40)))
    assert len(clauses) == MAX_TERMS


def test_positive_forms_skip_excluded_words() -> None:
    assert positive_forms(parse_query("agua -relaves")) == ["agua", "water"]


def test_highlight_escapes_and_marks() -> None:
    snippet = highlight("<b>Planta</b> de relaves & Minería", ["relaves", "mineria"])
    assert snippet == (
        "&lt;b&gt;Planta&lt;/b&gt; de <mark>relaves</mark> &amp; <mark>Minería</mark>"
    )


def test_highlight_excerpt_around_the_first_match() -> None:
    text = "palabra " * 100 + "relaves al final " + "otra " * 100
    snippet = highlight(text, ["relaves"], width=120)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>relaves</mark>" in snippet
    assert len(snippet) < 160


def test_highlight_without_match_gives_the_start() -> None:
    assert highlight("<i>x</i> " * 3, ["nada"], width=10) == "&lt;i&gt;x&lt;/i&gt; &lt;…"


def test_mark_sentinels_marks_an_escaped_headline() -> None:
    headline = f"&lt;b&gt; {START_SENTINEL}relaves{STOP_SENTINEL}  &amp; co"
    assert mark_sentinels(headline) == "&lt;b&gt; <mark>relaves</mark> &amp; co"


def test_mark_sentinels_escapes_any_tag_left() -> None:
    headline = f'<script>alert("1")</script> {START_SENTINEL}x{STOP_SENTINEL}'
    assert mark_sentinels(headline) == (
        "&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; <mark>x</mark>"
    )
