"""The DRF counterpart of ``PrivateFileField``: same checks, same messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ..validation import ALL_KINDS, validate_upload


class PrivateUploadField(serializers.FileField):
    """An input-only file field validated by :func:`validate_upload`."""

    def __init__(
        self,
        *,
        allowed_types: Iterable[str] | None = None,
        max_bytes: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.allowed_types = tuple(allowed_types) if allowed_types is not None else ALL_KINDS
        self.max_bytes = max_bytes
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        file = super().to_internal_value(data)
        try:
            validate_upload(file, allowed_types=self.allowed_types, max_bytes=self.max_bytes)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return file
