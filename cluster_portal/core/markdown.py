"""User-written Markdown → safe HTML, in one place.

Two layers:

1. Python-Markdown with a few extensions (fenced code, tables, sane lists) and **raw HTML
   turned off**: ``<b>`` or ``<script>`` typed by a user comes out as visible text, not markup.
2. ``nh3`` (the Rust ``ammonia`` sanitizer) with an explicit allow-list of tags and attributes,
   ``http``/``https``/``mailto`` links only, ``rel="noopener noreferrer nofollow"`` on every link.

Images are allowed only from this site's static files (``/static/…``): the CSP would block other
origins anyway, and an external image is a tracking pixel. Other same-site paths are refused too,
because an image makes every reader's browser GET that URL with their session: a
``/files/<id>/download/`` image would log a download in each reader's name.
``data:`` URLs are dropped everywhere.

The result is a pure function of the text, so it is memoised per process by content (short
texts only), which keeps list pages that render many descriptions cheap.
"""

from __future__ import annotations

import functools
import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
# Table cell alignment (from the tables extension) is allowed by value, not as free text.
ALIGN_VALUES = {"align": {"left", "center", "right"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
MARKDOWN_EXTENSIONS = ("fenced_code", "tables", "sane_lists")
# Memoise only texts up to this length; longer ones are rare and rendered each time.
_CACHEABLE_LENGTH = 20_000
# Characters that browsers strip or reinterpret inside URLs ("/\evil" becomes "//evil").
_UNSAFE_URL_CHARS = re.compile(r"[\\\s\x00-\x1f\x7f]")


IMAGE_PATH_PREFIX = "/static/"


def _static_image_path(url: str) -> bool:
    return (
        url.startswith(IMAGE_PATH_PREFIX) and ".." not in url and not _UNSAFE_URL_CHARS.search(url)
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if _static_image_path(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values={"td": ALIGN_VALUES, "th": ALIGN_VALUES},
    attribute_filter=_filter_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _markdown_to_html(text: str) -> str:
    md = markdown.Markdown(
        extensions=list(MARKDOWN_EXTENSIONS),
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Raw HTML blocks and inline tags are escaped instead of passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


@functools.lru_cache(maxsize=512)
def _render_cached(text: str) -> str:
    return _cleaner.clean(_markdown_to_html(text))


def render_markdown(text: str | None) -> SafeString:
    """Render user-written Markdown to sanitized HTML that templates may output as is."""
    if not text:
        return mark_safe("")
    if len(text) <= _CACHEABLE_LENGTH:
        html = _render_cached(text)
    else:
        html = _cleaner.clean(_markdown_to_html(text))
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 with an explicit allow-list
