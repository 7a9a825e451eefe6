"""validate_upload: size, extension and real content must all agree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from cluster_portal.files.validation import clean_original_name, validate_upload

from .samples import (
    CSV_BYTES,
    ELF_BYTES,
    EXE_BYTES,
    HTML_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    SVG_BYTES,
    WEBP_BYTES,
    ooxml_bytes,
    plain_zip_bytes,
    png_bytes,
    upload,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def message_of(exc_info: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc_info.value.messages)


@pytest.mark.parametrize(
    ("name", "content", "kind", "mime"),
    [
        ("informe.pdf", PDF_BYTES, "pdf", "application/pdf"),
        ("logo.png", png_bytes(), "png", "image/png"),
        ("foto.JPG", JPEG_BYTES, "jpeg", "image/jpeg"),
        ("foto.jpeg", JPEG_BYTES, "jpeg", "image/jpeg"),
        ("banner.webp", WEBP_BYTES, "webp", "image/webp"),
        (
            "carta.docx",
            ooxml_bytes("docx"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "presupuesto.xlsx",
            ooxml_bytes("xlsx"),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "pitch.pptx",
            ooxml_bytes("pptx"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("socios.csv", CSV_BYTES, "csv", "text/csv"),
        ("notas.txt", "Línea 1\r\nLínea 2\t✓\n".encode(), "txt", "text/plain"),
        ("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n", "csv", "text/csv"),
    ],
)
def test_valid_files_are_accepted(name: str, content: bytes, kind: str, mime: str) -> None:
    checked = validate_upload(upload(name, content))
    assert checked.kind.code == kind
    assert checked.mime_type == mime
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("x.pdf", b"just some text pretending", "The file “x.pdf” is not a valid PDF document."),
        ("x.pdf", png_bytes(), "The file “x.pdf” is not a valid PDF document."),
        ("virus.pdf", EXE_BYTES, "The file “virus.pdf” is not a valid PDF document."),
        ("page.pdf", HTML_BYTES, "The file “page.pdf” is not a valid PDF document."),
        ("logo.png", JPEG_BYTES, "The file “logo.png” is not a valid PNG image."),
        ("logo.png", SVG_BYTES, "The file “logo.png” is not a valid PNG image."),
        ("tool.jpg", ELF_BYTES, "The file “tool.jpg” is not a valid JPEG image."),
        ("carta.docx", plain_zip_bytes(), "The file “carta.docx” is not a valid Word document."),
        ("carta.docx", ooxml_bytes("xlsx"), "The file “carta.docx” is not a valid Word document."),
        ("datos.xlsx", ooxml_bytes("docx"), "The file “datos.xlsx” is not a valid Excel workbook."),
        ("a.docx", b"PK\x03\x04broken zip", "The file “a.docx” is not a valid Word document."),
        ("notes.txt", HTML_BYTES, "The file “notes.txt” is not a valid text file."),
        ("notes.txt", SVG_BYTES, "The file “notes.txt” is not a valid text file."),
        ("notes.txt", EXE_BYTES, "The file “notes.txt” is not a valid text file."),
        ("data.csv", "año;mes\n".encode("latin-1"), "The file “data.csv” is not a valid CSV file."),
        ("data.csv", b"a,b\x00\x01\n", "The file “data.csv” is not a valid CSV file."),
        ("data.csv", PDF_BYTES, "The file “data.csv” is not a valid CSV file."),
    ],
)
def test_content_that_does_not_match_its_extension_is_rejected(
    name: str, content: bytes, expected: str
) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload(name, content, "application/pdf"))
    assert expected in message_of(exc_info)
    assert exc_info.value.error_list[0].code == "file_content_mismatch"


def test_macro_enabled_word_file_named_docx_is_rejected() -> None:
    docm = ooxml_bytes("docx", main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("carta.docx", docm))
    assert "not a valid Word document" in message_of(exc_info)


@pytest.mark.parametrize(
    "name", ["setup.exe", "page.html", "image.svg", "script.js", "archive.zip", "noextension"]
)
def test_extensions_outside_the_allow_list_are_rejected(name: str) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload(name, PDF_BYTES))
    assert exc_info.value.error_list[0].code == "file_type_not_allowed"
    assert f"The file “{name}” is not an accepted type." in message_of(exc_info)


def test_allowed_types_narrow_the_list() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("logo.png", png_bytes()), allowed_types=["pdf"])
    assert "Accepted: .pdf." in message_of(exc_info)
    assert validate_upload(upload("logo.png", png_bytes()), allowed_types=["png", "jpeg"])


def test_unknown_kind_in_allowed_types_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown file kinds"):
        validate_upload(upload("a.pdf", PDF_BYTES), allowed_types=["exe"])


def test_oversize_is_rejected_with_explicit_limit() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("big.pdf", PDF_BYTES + b"0" * 2048), max_bytes=1024)
    assert exc_info.value.error_list[0].code == "file_too_large"
    assert "The file “big.pdf” is too large" in message_of(exc_info)
    assert "The maximum is 1.0\xa0KB." in message_of(exc_info)


@override_settings(PRIVATE_FILE_MAX_BYTES=100)
def test_oversize_is_rejected_with_the_setting_default() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("big.pdf", PDF_BYTES + b"0" * 200))
    assert exc_info.value.error_list[0].code == "file_too_large"


def test_empty_file_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("empty.pdf", b""))
    assert "The file “empty.pdf” is empty." in message_of(exc_info)


def test_messages_are_translated() -> None:
    with translation.override("es"), pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("x.pdf", b"hello"))
    # Structure, not wording: the Spanish catalogue owns the text; the name is always there.
    assert "x.pdf" in message_of(exc_info)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ana\\Carta firmada.pdf", "Carta firmada.pdf"),
        ("evil\x00name\r\n.pdf", "evilname.pdf"),
        ("", "file"),
        ("...", "file"),
        ("Año\u20132026 ñandú.PDF", "Año\u20132026 ñandú.PDF"),
    ],
)
def test_original_name_is_reduced_to_a_display_name(raw: str, clean: str) -> None:
    assert clean_original_name(raw) == clean


def test_very_long_names_keep_their_extension() -> None:
    cleaned = clean_original_name("a" * 400 + ".pdf")
    assert len(cleaned) <= 200
    assert cleaned.endswith(".pdf")
