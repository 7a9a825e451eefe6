"""The form field and the DRF field apply the same checks as the service."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers

from cluster_portal.files.api.fields import PrivateUploadField
from cluster_portal.files.forms import PrivateFileField

from .samples import HTML_BYTES, PDF_BYTES, png_bytes, upload


class LetterForm(forms.Form):
    letter = PrivateFileField(allowed_types=["pdf", "docx"], max_bytes=1024)


class LetterSerializer(serializers.Serializer):
    letter = PrivateUploadField(allowed_types=["pdf"], max_bytes=1024)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_form_accepts_a_valid_file() -> None:
    form = LetterForm(data={}, files={"letter": upload("carta.pdf", PDF_BYTES)})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("carta.pdf", HTML_BYTES, "The file “carta.pdf” is not a valid PDF document."),
        ("logo.png", png_bytes(), "The file “logo.png” is not an accepted type."),
        ("big.pdf", PDF_BYTES + b"0" * 2000, "The file “big.pdf” is too large"),
    ],
)
def test_form_reports_the_same_errors(name: str, content: bytes, message: str) -> None:
    form = LetterForm(data={}, files={"letter": upload(name, content)})
    assert not form.is_valid()
    assert message in " ".join(form.errors["letter"])


def test_form_widget_hints_the_accepted_extensions() -> None:
    assert 'accept=".pdf,.docx"' in str(LetterForm()["letter"])


def test_serializer_field_reports_the_same_errors() -> None:
    bad = LetterSerializer(data={"letter": upload("carta.pdf", HTML_BYTES)})
    assert not bad.is_valid()
    assert "The file “carta.pdf” is not a valid PDF document." in bad.errors["letter"][0]
    good = LetterSerializer(data={"letter": upload("carta.pdf", PDF_BYTES)})
    assert good.is_valid(), good.errors
