"""Pure text functions of the portal-wide search (no database).

* :func:`normalize`: lower case without accents, the form of ``SearchDocument.search_text`` and
  of the SQLite fallback's terms. Like PostgreSQL's ``unaccent`` (migration 0002) it maps ``ñ``
  to ``n``: "año" and "ano" meet, which the portal accepts (people type without the tilde far
  more often than such pairs collide in mining texts).
* :func:`parse_query`: the websearch syntax people type (words, ``"quoted phrases"``,
  ``-excluded`` words, ``or`` between alternatives) as clauses; every clause must match, a
  clause matches when any of its alternatives does (``or`` binds its neighbours, as in web
  search engines).
* :data:`SYNONYMS` and :func:`expand`: a small list of mining terms in Spanish and English,
  both directions ("relaves" finds "tailings" and the other way round).
* :func:`highlight`: an HTML-escaped excerpt around the first match with ``<mark>`` tags (the
  SQLite fallback's snippet), and :func:`mark_sentinels`: PostgreSQL's ``ts_headline`` of the
  already escaped text with the sentinels replaced by ``<mark>`` tags. Either way the record's
  own text is escaped before any mark is added, so it can never inject HTML.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: At most this many terms of a query are used (longer queries are cut, not refused).
MAX_TERMS = 12

#: ``ts_headline`` wraps matches in these (letters only: ``html.escape`` leaves them alone and
#: the default text search parser keeps them as one word).
START_SENTINEL = "qqcmspmarkstartqq"
STOP_SENTINEL = "qqcmspmarkstopqq"

#: Groups of equivalent mining terms (written as people type them; compared normalized).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("relaves", "relave", "tailings", "tailing"),
    ("chancado", "chancadora", "crushing", "crusher"),
    ("lixiviación", "lixiviacion", "leaching"),
    ("flotación", "flotacion", "flotation"),
    ("fundición", "fundicion", "smelting", "smelter"),
    ("refinería", "refineria", "refinery", "refining"),
    ("agua", "water"),
    ("energía", "energia", "energy"),
)


def normalize(text: str) -> str:
    """Lower case, accents (and the tilde of ``ñ``) removed, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _build_synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        forms = tuple(dict.fromkeys(normalize(term) for term in group))
        for form in forms:
            table[form] = forms
    return table


#: normalized term → every normalized equivalent (itself included).
SYNONYMS: dict[str, tuple[str, ...]] = _build_synonyms()


def expand(term: str) -> tuple[str, ...]:
    """The term and its synonyms, normalized (the term first; phrases are not expanded)."""
    key = normalize(term)
    others = SYNONYMS.get(key, ())
    return (key, *(other for other in others if other != key))


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase as typed (stripped)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Clause:
    """Matches when any alternative matches (``negated``: when none does)."""

    alternatives: tuple[Term, ...]
    negated: bool = False


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Characters that only make noise in a word (kept inside: "co2", "cu-ag", "h2so4").
_EDGE = "\"'()[]{}<>,;:.!?¡¿&|!*"


#: Words that join alternatives: English "or" and Spanish "o" (a stop word as a search term).
OR_WORDS = frozenset({"or", "o"})


def parse_query(query: str) -> list[Clause]:
    """The clauses of a websearch-style query (see the module docstring); empty when nothing
    searchable is left."""
    tokens: list[tuple[Term, bool] | None] = []  # None stands for "or"
    for match in _TOKEN.finditer(query or ""):
        minus, phrase, word = match.groups()
        if phrase is not None:
            text = " ".join(phrase.split())
            if text:
                tokens.append((Term(text, phrase=" " in text), bool(minus)))
            continue
        if word.lower() in OR_WORDS:
            tokens.append(None)
            continue
        negated = word.startswith("-")
        text = word.lstrip("-").strip(_EDGE)
        if text:
            tokens.append((Term(text), negated))
    clauses: list[Clause] = []
    join_next = False
    for token in tokens:
        if token is None:
            join_next = bool(clauses)
            continue
        term, negated = token
        previous = clauses[-1] if clauses else None
        if join_next and previous is not None and not previous.negated and not negated:
            clauses[-1] = Clause((*previous.alternatives, term))
        else:
            clauses.append(Clause((term,), negated=negated))
        join_next = False
    # Only negated clauses would match nearly everything: such a query finds nothing.
    if clauses and all(clause.negated for clause in clauses):
        return []
    return _cut(clauses)


def _cut(clauses: list[Clause]) -> list[Clause]:
    kept: list[Clause] = []
    budget = MAX_TERMS
    for clause in clauses:
        alternatives = clause.alternatives[:budget]
        if not alternatives:
            break
        kept.append(Clause(alternatives, clause.negated))
        budget -= len(alternatives)
    return kept


def clause_forms(clause: Clause) -> list[tuple[str, bool]]:
    """(normalized text, is phrase) of every alternative, synonyms included."""
    forms: list[tuple[str, bool]] = []
    for term in clause.alternatives:
        if term.phrase:
            forms.append((normalize(term.text), True))
        else:
            forms.extend((form, False) for form in expand(term.text))
    return list(dict.fromkeys(forms))


def positive_forms(clauses: Iterable[Clause]) -> list[str]:
    """Normalized texts to highlight: every alternative of the clauses that are not negated."""
    forms: list[str] = []
    for clause in clauses:
        if not clause.negated:
            forms.extend(text for text, _phrase in clause_forms(clause))
    return list(dict.fromkeys(forms))


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` in lower case without accents, character by character (no whitespace collapsing),
    with the index in ``text`` of every character of the result."""
    chars: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", ch)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for c in plain:
            chars.append(c)
            positions.append(index)
    return "".join(chars), positions


def _matches(text: str, forms: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans in ``text`` of the normalized ``forms``, in order."""
    haystack, positions = _normalized_with_map(text)
    spans: list[tuple[int, int]] = []
    for form in sorted({f for f in forms if f}, key=len, reverse=True):
        start = haystack.find(form)
        while start != -1:
            end = start + len(form)
            span = (positions[start], positions[end - 1] + 1)
            if not any(s < span[1] and span[0] < e for s, e in spans):
                spans.append(span)
            start = haystack.find(form, end)
    return sorted(spans)


def highlight(text: str, forms: Sequence[str], *, width: int = 220) -> str:
    """An excerpt of about ``width`` characters around the first match of ``forms``, HTML-escaped,
    every match inside wrapped in ``<mark>`` (the start of ``text`` when nothing matches)."""
    text = " ".join(text.split())
    spans = _matches(text, forms)
    if not spans:
        excerpt = text[:width]
        return html.escape(excerpt) + ("…" if len(text) > width else "")
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and first - space < width // 2 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    parts: list[str] = ["…"] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        parts.append(html.escape(text[cursor:span_start]))
        parts.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        cursor = span_end
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)


def mark_sentinels(headline: str) -> str:
    """``ts_headline`` output as safe HTML. The headline was computed on text HTML-escaped in
    SQL (``knowledge.selectors.search``), so it holds no tag of the record; ``<``, ``>`` and
    ``"`` are escaped once more anyway (a no-op then; never trust one layer alone), and only
    then the sentinels become ``<mark>`` tags. ``&`` is left alone: it starts the entities of
    that first escaping."""
    text = " ".join((headline or "").split())
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace(START_SENTINEL, "<mark>").replace(STOP_SENTINEL, "</mark>")


def haystack(title: str, summary: str = "", body: str = "") -> str:
    """``SearchDocument.search_text``: the normalized title, a line break, then the normalized
    summary and body. The SQLite fallback ranks a term found before the line break as a title
    match (normalized terms never contain one)."""
    rest = " ".join(part for part in (normalize(summary), normalize(body)) if part)
    return normalize(title) + "\n" + rest
