"""A form field that applies the same checks as ``attachment_create``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .validation import ALL_KINDS, KINDS, validate_upload


class PrivateFileField(forms.FileField):
    """``forms.FileField`` plus size and real-type checks (:func:`validate_upload`).

    Use it in any form that takes a file destined for ``attachment_create``; the service runs
    the same validation again, so a form is a convenience for early, per-field errors, not the
    guard. The ``accept`` attribute is only a hint to the browser's file picker.
    """

    def __init__(
        self,
        *,
        allowed_types: Iterable[str] | None = None,
        max_bytes: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.allowed_types = tuple(allowed_types) if allowed_types is not None else ALL_KINDS
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        extensions = [f".{ext}" for code in self.allowed_types for ext in KINDS[code].extensions]
        attrs.setdefault("accept", ",".join(extensions))
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, UploadedFile):
            validate_upload(value, allowed_types=self.allowed_types, max_bytes=self.max_bytes)
