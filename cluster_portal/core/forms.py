"""Form helpers shared by every app: how a service's ValidationError reaches the user."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on a field when it names one of the
    form's fields, otherwise as a form-wide error.

    ``form.add_error(None, error)`` alone raises ``ValueError`` when the error names a model
    field the form does not show; services validate whole models, so that happens.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    """A service's ``ValidationError`` as one sentence for a flash message."""
    return " ".join(error.messages)
