"""Forms of the report runs pages. The filters of a report are the kind's own form
(``ReportKindSpec.form_class``); this module adds what every kind shares: the file format."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ReportFormat

#: Prefix of :class:`RunFormatForm`: its field never collides with a kind's filter fields.
FORMAT_PREFIX = "run"


class RunFormatForm(forms.Form):
    format = forms.ChoiceField(
        label=_("File format"),
        choices=ReportFormat.choices,
        initial=ReportFormat.XLSX,
        widget=forms.RadioSelect,
        help_text=_("CSV holds the report's main table only; Excel holds every sheet."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", FORMAT_PREFIX)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
