"""Finish the translation catalogues after `makemessages`, without needing gettext.

- English (`locale/en`): source strings are English, so every empty msgstr becomes its msgid
  (like gettext's `msgen`), which makes the English catalogue complete by construction.
- Both languages: compile `.po` to `.mo` with polib, so the committed `.mo` always matches.
- Spanish (`locale/es`): an empty msgstr whose msgid is also translated by an installed library
  (Django, allauth, DRF, ...) takes that library's Spanish, so our templates that repeat a
  library's wording read exactly like the library. Everything else is translated by hand in
  `locale/es/LC_MESSAGES/*.po`; this script lists what is still missing and exits non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "locale"


def library_catalogue(lang: str) -> dict[str, str]:
    """msgid → msgstr from the .mo files that installed packages ship for ``lang``."""
    import site

    found: dict[str, str] = {}
    for base in site.getsitepackages():
        for mo_path in sorted(Path(base).glob(f"*/**/locale/{lang}/LC_MESSAGES/django*.mo")):
            for entry in polib.mofile(str(mo_path)):
                if entry.msgstr and not entry.msgid_plural:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found


def main() -> int:
    missing: list[str] = []
    libraries = library_catalogue("es")
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        lang = po_path.parent.parent.name
        po = polib.pofile(str(po_path), wrapwidth=100)
        for entry in po:
            if entry.obsolete:
                continue
            if lang == "en":
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.msgstr = ""
                    entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
                if entry.msgid_plural:
                    if not all(entry.msgstr_plural.values()):
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                elif not entry.msgstr:
                    entry.msgstr = entry.msgid
            elif not entry.msgstr and not entry.msgid_plural and entry.msgid in libraries:
                entry.msgstr = libraries[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if lang != "en" and ("fuzzy" in entry.flags or not entry.translated()):
                missing.append(f"{po_path.relative_to(ROOT.parent)}: {entry.msgid!r}")
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.save(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for line in missing:
        print("untranslated:", line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
