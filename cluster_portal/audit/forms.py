"""Filters of the staff audit page."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .selectors import ACTION_DECISION

ACTION_CHOICES = [
    ("", _("Any action")),
    ("create", _("Created")),
    ("update", _("Updated")),
    ("delete", _("Deleted")),
    ("access", _("Accessed")),
    (ACTION_DECISION, _("Staff decision")),
]


def audited_content_type_choices() -> list[tuple[str, str | Promise]]:
    """Record types the audit log tracks, by translated name (content types are cached)."""
    by_model = ContentType.objects.get_for_models(*auditlog.get_models())
    choices = [
        (str(ct.pk), str(capfirst(model._meta.verbose_name))) for model, ct in by_model.items()
    ]
    return [("", _("Any record type")), *sorted(choices, key=lambda c: c[1].lower())]


class LogEntryFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor email"), required=False, max_length=254, strip=True)
    content_type = forms.TypedChoiceField(
        label=_("Record type"), required=False, coerce=int, empty_value=None
    )
    action = forms.ChoiceField(label=_("Action"), required=False, choices=ACTION_CHOICES)
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64, strip=True)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        content_type = self.fields["content_type"]
        assert isinstance(content_type, forms.ChoiceField)  # noqa: S101 - narrows the type
        content_type.choices = audited_content_type_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned
