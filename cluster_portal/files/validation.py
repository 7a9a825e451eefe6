"""Checking an upload by size and by what its bytes really are.

One function, :func:`validate_upload`, is shared by the ``attachment_create`` service, the
``PrivateFileField`` form field and the DRF ``PrivateUploadField`` so that every way in applies
the same rules:

* the size is at most ``max_bytes`` (default ``settings.PRIVATE_FILE_MAX_BYTES``);
* the extension of the user's file name names an allowed kind;
* the content is that kind: magic bytes via ``filetype`` for binary formats, the zip's
  ``[Content_Types].xml`` for Office Open XML, a strict UTF-8 check for text.

Nothing here writes anything; it only reads the upload and raises ``ValidationError``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# How much of the start of a file is read for magic-byte detection (filetype reads 8 KiB).
_HEAD_BYTES = 8192
# [Content_Types].xml of a real Office file is a few KiB; a bigger one is not worth parsing.
_MAX_CONTENT_TYPES_XML = 256 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    label: Promise
    mime_type: str
    extensions: tuple[str, ...]


_OOXML_MAIN_TYPES = {
    # The main part's content type in [Content_Types].xml. Macro-enabled variants (docm, xlsm,
    # pptm) declare a different one and are therefore rejected.
    "docx": (
        "word/",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}

KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", _("PDF document"), "application/pdf", ("pdf",)),
        FileKind("png", _("PNG image"), "image/png", ("png",)),
        FileKind("jpeg", _("JPEG image"), "image/jpeg", ("jpg", "jpeg")),
        FileKind("webp", _("WebP image"), "image/webp", ("webp",)),
        FileKind(
            "docx",
            _("Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            _("Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind(
            "pptx",
            _("PowerPoint presentation"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind("csv", _("CSV file"), "text/csv", ("csv",)),
        FileKind("txt", _("text file"), "text/plain", ("txt",)),
    )
}
ALL_KINDS: tuple[str, ...] = tuple(KINDS)
DOCUMENT_KINDS: tuple[str, ...] = ("pdf", "docx", "xlsx", "pptx", "csv", "txt")
IMAGE_KINDS: tuple[str, ...] = ("png", "jpeg", "webp")
_TEXT_KINDS = frozenset({"csv", "txt"})
_EXTENSION_TO_KIND = {ext: kind.code for kind in KINDS.values() for ext in kind.extensions}
_MAGIC_TO_KIND = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/webp": "webp",
}
# Text that a browser would treat as a page or a script if it were ever rendered inline.
_MARKUP_START = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)", re.I)
# Control characters other than tab, line feed, form feed and carriage return.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    """What :func:`validate_upload` learnt about a file that passed."""

    kind: FileKind
    original_name: str
    size: int
    sha256: str

    @property
    def mime_type(self) -> str:
        return self.kind.mime_type

    @property
    def extension(self) -> str:
        return self.kind.extensions[0]


def clean_original_name(name: str | None) -> str:
    """The user's file name reduced to a harmless display name (no path, no control chars)."""
    raw = name or ""
    # Browsers on Windows used to send full paths; keep the last component of either style.
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".") or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def _allowed_list(kinds: Iterable[str]) -> str:
    return ", ".join(f".{ext}" for code in kinds for ext in KINDS[code].extensions)


def _read_head(file: IO[bytes]) -> bytes:
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    return head


def _size_and_digest(file: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def _ooxml_kind(file: IO[bytes]) -> str | None:
    """docx/xlsx/pptx if the zip declares that main part and holds its folder, else None."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_XML:
                return None
            content_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError):
        return None
    finally:
        file.seek(0)
    for code, (folder, main_type) in _OOXML_MAIN_TYPES.items():
        has_folder = any(name.startswith(folder) for name in names)
        if has_folder and main_type.encode() in content_types:
            return code
    return None


def _is_safe_text(file: IO[bytes]) -> bool:
    """Valid UTF-8 (a BOM is fine), no binary control characters, not HTML/SVG/XML markup."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    if _MARKUP_START.match(data.removeprefix(b"\xef\xbb\xbf")):
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _BINARY_CONTROL.search(text)


def detect_kind(file: IO[bytes], *, expected: str | None = None) -> str | None:
    """The allowed kind the bytes really are, or None.

    Text has no magic bytes, so ``expected`` (the kind the extension names) decides between CSV
    and plain text when the content is safe text.
    """
    head = _read_head(file)
    guess = filetype.guess(head)
    if guess is not None:
        if guess.mime in _MAGIC_TO_KIND:
            return _MAGIC_TO_KIND[guess.mime]
        if guess.extension in {"zip", "docx", "xlsx", "pptx"}:
            return _ooxml_kind(file)
        return None
    if expected in _TEXT_KINDS and _is_safe_text(file):
        return expected
    return None


def validate_upload(
    uploaded_file: File,
    *,
    allowed_types: Iterable[str] | None = None,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Check an upload's size, extension and real type; return what was found.

    ``allowed_types`` is a subset of :data:`KINDS` codes (default: all of them); ``max_bytes``
    defaults to ``settings.PRIVATE_FILE_MAX_BYTES``. Raises ``ValidationError`` with a
    translated message naming the file. Reads the file but never writes anything.
    """
    allowed = tuple(allowed_types) if allowed_types is not None else ALL_KINDS
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown file kinds: {sorted(unknown)}")
    limit = max_bytes if max_bytes is not None else settings.PRIVATE_FILE_MAX_BYTES
    name = clean_original_name(getattr(uploaded_file, "name", None))

    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _too_large(name, declared_size, limit)

    extension = name.rpartition(".")[2].lower() if "." in name else ""
    expected = _EXTENSION_TO_KIND.get(extension)
    if expected is None or expected not in allowed:
        raise ValidationError(
            _("The file “%(name)s” is not an accepted type. Accepted: %(allowed)s."),
            code="file_type_not_allowed",
            params={"name": name, "allowed": _allowed_list(allowed)},
        )

    size, sha256 = _size_and_digest(uploaded_file)
    if size == 0:
        raise ValidationError(
            _("The file “%(name)s” is empty."), code="file_empty", params={"name": name}
        )
    if size > limit:
        raise _too_large(name, size, limit)

    if detect_kind(uploaded_file, expected=expected) != expected:
        message = (
            _("The file “%(name)s” is not a valid %(kind)s. Save it as UTF-8 text and try again.")
            if expected in _TEXT_KINDS
            else _("The file “%(name)s” is not a valid %(kind)s.")
        )
        raise ValidationError(
            message,
            code="file_content_mismatch",
            params={"name": name, "kind": KINDS[expected].label},
        )
    return CheckedUpload(kind=KINDS[expected], original_name=name, size=size, sha256=sha256)


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file “%(name)s” is too large (%(size)s). The maximum is %(max)s."),
        code="file_too_large",
        params={"name": name, "size": filesizeformat(size), "max": filesizeformat(limit)},
    )
