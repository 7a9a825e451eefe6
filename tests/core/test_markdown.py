"""User-written Markdown: formatting survives, script does not."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from cluster_portal.core.markdown import render_markdown


def html(text: str) -> str:
    return str(render_markdown(text))


# --- XSS vectors -------------------------------------------------------------------------------

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '[x](https://ok.example "title" onclick="alert(1)")',
    "<a href='https://ok.example' onmouseover='alert(1)'>x</a>",
    "```\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<!-- <script>alert(1)</script> -->",
    "<form action=https://evil.example><button>go</button></form>",
    "<object data=x.swf></object><embed src=x.swf>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
]


class _TagCollector(HTMLParser):
    """The elements and attributes a browser would actually build from the output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(output: str) -> list[tuple[str, dict[str, str]]]:
    parser = _TagCollector()
    parser.feed(output)
    parser.close()
    return parser.elements


SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file):", re.I)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_are_neutralised(vector: str) -> None:
    output = html(vector)
    for tag, attrs in elements(output):
        assert tag in SAFE_TAGS, output
        for name, value in attrs.items():
            assert not name.startswith("on"), output
            assert name not in {"style", "srcdoc", "formaction", "xlink:href"}, output
            if name in {"href", "src"}:
                assert not BAD_SCHEME.match(value), output


def test_raw_html_is_shown_as_text_not_markup() -> None:
    assert html("Hola <b>mundo</b>") == "<p>Hola &lt;b&gt;mundo&lt;/b&gt;</p>"
    assert "&lt;script&gt;" in html("<script>alert(1)</script>")


def test_images_only_from_this_site() -> None:
    assert '<img alt="logo" src="/static/img/logo.png">' in html("![logo](/static/img/logo.png)")
    for src in (
        "https://tracker.example/pixel.gif",
        "//evil.example/x.png",
        "/\\evil.example/x.png",
        "http://evil.example/x.png",
        # Same site but not a static file: the reader's browser would GET it with their session.
        "/files/00000000-0000-0000-0000-000000000000/download/",
        "/notifications/1/open/",
        "/static/../files/x/download/",
    ):
        assert "src=" not in html(f"![x]({src})"), src


# --- formatting kept ---------------------------------------------------------------------------


def test_normal_formatting_is_kept() -> None:
    text = (
        "## Capacidades\n\n"
        "Somos **proveedores** de *servicios* en `Arequipa`.\n\n"
        "- Agua\n- Energía\n\n"
        "1. Exploración\n2. Extracción\n\n"
        "> Cita del gerente\n\n"
        "Más en [nuestra web](https://minera.example/quienes-somos).\n\n"
        "---\n\n"
        "```\nprint('hola')\n```\n"
    )
    output = html(text)
    for fragment in (
        "<h2>Capacidades</h2>",
        "<strong>proveedores</strong>",
        "<em>servicios</em>",
        "<code>Arequipa</code>",
        "<ul>\n<li>Agua</li>\n<li>Energía</li>\n</ul>",
        "<ol>\n<li>Exploración</li>\n<li>Extracción</li>\n</ol>",
        "<blockquote>",
        "<hr>",
        "<pre><code>print('hola')\n</code></pre>",
    ):
        assert fragment in output, fragment


def test_links_get_safe_rel() -> None:
    output = html("[web](https://minera.example) y [correo](mailto:info@minera.example)")
    assert '<a href="https://minera.example" rel="noopener noreferrer nofollow">web</a>' in output
    assert 'href="mailto:info@minera.example"' in output
    # A user cannot set their own rel or target: raw HTML links stay text.
    raw = html("<a href='https://x.example' rel='opener' target='_blank'>x</a>")
    assert elements(raw) == [("p", {})]


def test_the_structure_checker_itself_sees_dangerous_markup() -> None:
    found = elements('<script>x</script><a href="javascript:x" onclick="y">z</a>')
    assert found == [("script", {}), ("a", {"href": "javascript:x", "onclick": "y"})]


def test_tables_keep_alignment_without_inline_styles() -> None:
    output = html("| Región | Socios |\n|:--|--:|\n| Arequipa | 42 |\n")
    assert '<th align="left">Región</th>' in output
    assert '<td align="right">42</td>' in output
    assert "style=" not in output


def test_returns_safe_string_and_handles_empty() -> None:
    assert isinstance(render_markdown("**x**"), SafeString)
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_short_texts_are_memoised_and_long_ones_are_rendered_each_time() -> None:
    from cluster_portal.core import markdown as markdown_module

    cached = markdown_module._render_cached
    cached.cache_clear()
    first = html("**memo** único")
    second = html("**memo** único")
    assert first == second == "<p><strong>memo</strong> único</p>"
    assert (cached.cache_info().hits, cached.cache_info().misses) == (1, 1)

    long_text = "palabra " * 5000
    assert len(long_text) > markdown_module._CACHEABLE_LENGTH
    assert html(long_text).startswith("<p>palabra")
    assert html(long_text) == html(long_text)
    # Long texts bypass the cache, so a few big documents cannot evict every short one.
    assert cached.cache_info().currsize == 1


def test_template_filter() -> None:
    template = Template("{% load markdown %}{{ text|markdown }}")
    output = template.render(Context({"text": "**hola** <script>x</script>"}))
    assert output == "<p><strong>hola</strong> &lt;script&gt;x&lt;/script&gt;</p>"
    assert Template("{% load markdown %}{{ missing|markdown }}").render(Context({})) == ""
