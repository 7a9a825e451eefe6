"""Finish the translation catalogues after `makemessages`, without needing gettext.

- English (`locale/en`): source strings are English, so every empty msgstr becomes its msgid
  (like gettext's `msgen`), which makes the English catalogue complete by construction.
- Both languages: compile `.po` to `.mo` with polib, so the committed `.mo` always matches.
Spanish strings are translated by hand in `locale/es/LC_MESSAGES/*.po`; this script lists what is
still missing and exits non-zero if anything is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "locale"


def main() -> int:
    missing: list[str] = []
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
            elif "fuzzy" in entry.flags or not entry.translated():
                missing.append(f"{po_path.relative_to(ROOT.parent)}: {entry.msgid!r}")
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.save(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for line in missing:
        print("untranslated:", line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
