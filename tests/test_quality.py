"""Quality gates that run with the suite: lint, formatting, migrations, translation catalogues.

The same gates are `make lint`, `make check` and `make messages`; having them here means CI fails
as soon as one of them would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "en")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cluster_portal.settings.test"}
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ruff_check():
    result = run("-m", "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run("-m", "ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy(tmp_path: Path):
    # Same command as `make typecheck`; a private cache so parallel runs never share one.
    result = run(
        "-m",
        "mypy",
        "--cache-dir",
        str(tmp_path / "mypy"),
        "cluster_portal",
        "members",
        "notifications",
        "challenges",
        "missions",
        "knowledge",
        "reports",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_missing_migrations():
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


# --- translations -----------------------------------------------------------------------------


def catalogues(language: str) -> list[Path]:
    return sorted((ROOT / "locale" / language / "LC_MESSAGES").glob("*.po"))


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def entry_value(entry: polib.POEntry | polib.MOEntry) -> str | tuple[tuple[int, str], ...]:
    if entry.msgid_plural:
        return tuple(sorted((int(n), text) for n, text in entry.msgstr_plural.items()))
    return entry.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogues_match_their_sources(language):
    """Each committed .mo holds exactly the translated entries of the .po beside it."""
    po_paths = catalogues(language)
    assert ROOT / "locale" / language / "LC_MESSAGES" / "django.po" in po_paths
    for po_path in po_paths:
        mo_path = po_path.with_suffix(".mo")
        name = po_path.relative_to(ROOT)
        assert mo_path.exists(), f"{name} is not compiled: run `make messages`"
        po = polib.pofile(str(po_path))
        mo = polib.mofile(str(mo_path))
        expected = {entry_key(e): entry_value(e) for e in po.translated_entries()}
        compiled = {entry_key(e): entry_value(e) for e in mo if e.msgid}
        stale = sorted(k[1] for k in expected.keys() ^ compiled.keys())
        assert not stale, f"{name} and its .mo differ in: {stale[:20]} (run `make messages`)"
        changed = sorted(k[1] for k in expected if expected[k] != compiled[k])
        assert not changed, f"{name} and its .mo translate differently: {changed[:20]}"
        plural_forms = po.metadata.get("Plural-Forms")
        assert mo.metadata.get("Plural-Forms") == plural_forms, f"{name}: Plural-Forms differ"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_are_complete(language):
    """Every string is translated and none is left fuzzy (Spanish by hand, English by msgen)."""
    po_paths = catalogues(language)
    assert po_paths, f"no catalogue for {language}"
    for po_path in po_paths:
        po = polib.pofile(str(po_path))
        live = [entry for entry in po if not entry.obsolete]
        assert live, f"{po_path.relative_to(ROOT)} is empty"
        fuzzy = [entry.msgid for entry in live if "fuzzy" in entry.flags]
        untranslated = [entry.msgid for entry in live if not entry.translated()]
        where = po_path.relative_to(ROOT)
        assert not fuzzy, f"{where}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:10]}"
        assert not untranslated, f"{where}: {len(untranslated)} untranslated: {untranslated[:10]}"
        # Spanish has three plural forms (Django's own catalogue: one, millions, other); a plural
        # entry with fewer forms falls back to English for most numbers.
        match = re.search(r"nplurals=(\d+)", po.metadata.get("Plural-Forms", ""))
        nplurals = int(match.group(1)) if match else 2
        short = [
            entry.msgid
            for entry in live
            if entry.msgid_plural and not all(entry.msgstr_plural.get(i) for i in range(nplurals))
        ]
        assert not short, f"{where}: plural entries without {nplurals} forms: {short[:10]}"
