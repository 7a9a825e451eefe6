"""Staff-written text in two languages: ``<field>`` holds the Spanish text (always present) and
``<field>_en`` the English one (optional). English pages show the English text when staff wrote
it, otherwise the Spanish one, which the template marks ``lang="es"``.

Models declare their bilingual fields with :func:`bilingual_property`::

    title = models.CharField(...)
    title_en = models.CharField(..., blank=True)
    localized_title, localized_title_lang = bilingual_property("title")

and templates write ``<h1{% if call.localized_title_lang %} lang="es"{% endif %}>``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def reading_english() -> bool:
    return (get_language() or "es").startswith("en")


def localized(obj: Any, field: str) -> str:
    """The text of ``field`` in the reader's language (Spanish when no English was written)."""
    if reading_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field) or "")


def localized_lang(obj: Any, field: str) -> str:
    """``"es"`` when :func:`localized` falls back to Spanish on a non-Spanish page, else ``""``."""
    return "es" if reading_english() and not getattr(obj, f"{field}_en", "") else ""


def bilingual_property(field: str) -> tuple[property, property]:
    """``(localized_<field>, localized_<field>_lang)`` properties for a model class body."""
    return (
        property(lambda self: localized(self, field)),
        property(lambda self: localized_lang(self, field)),
    )
