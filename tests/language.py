"""The portal's Spanish as tests check it: one register (formal "usted") and one vocabulary.

Used by the email tests (tests/core/test_emails.py) and the allauth page and message tests
(tests/core/test_allauth_language.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Informal (tú) forms that must never appear in the portal's Spanish: pronouns, and the verbs a
#: page or an email uses to ask something of its reader. The portal speaks "usted" ("ingrese",
#: "puede", "guárdelos"). Verbs whose tú imperative is also the usted indicative ("utiliza",
#: "selecciona") only count after "por favor" or at the start of a sentence. "Visita" is also
#: a noun ("Visita a empresa", an agenda item's kind): only "visita nuestra página" and the
#: like count.
TU_FORMS = re.compile(
    r"\b(?:tu|tus|te|ti|contigo|vete|ve a|haz|haz clic|puedes|tienes|quieres|debes|necesitas|"
    r"estás|eres|has \w+(?:ado|ido)|ingresa|introduce|escribe|confirma|restablece|elige|"
    r"ignora|recibes|"
    r"olvidaste|solicitaste|hiciste|recuerdas|accede|usaste|"
    r"visita (?:nuestr\w*|la página|el sitio)|"
    r"ves|decides|inicies|confía|confíes|deseas|estés|tengas|puedas|hayas|"
    r"inténtalo|introdúcelo|ingrésalo|guárdalos|envíame|regístrate|regítrate|descarga los|"
    r"ten paciencia|entre (?:el|un|su) código|comprueba tu)\b"
    r"|(?:\bpor favor,? |^|[.!?:]\s+|[¡¿])(?:selecciona|utiliza|usa|comprueba|revisa|escanea)\b",
    re.IGNORECASE | re.MULTILINE,
)

#: Terms the portal has settled: it says "autenticación de dos factores".
OFF_VOCABULARY = re.compile(r"\bdoble factor\b", re.IGNORECASE)


def informal_spanish(text: str) -> list[str]:
    """The tú forms and off-vocabulary terms found in ``text`` (empty when it reads right)."""
    return TU_FORMS.findall(text) + OFF_VOCABULARY.findall(text)


class _VisibleText(HTMLParser):
    """Text a person reads or hears: element text and the attributes shown or announced."""

    SPOKEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description")
    HIDDEN = ("script", "style", "template")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        for name in self.SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """One line per text node or spoken attribute of ``html``."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)
