"""The notification preferences form: one frequency per configurable category."""

from __future__ import annotations

from typing import Any

from django import forms

from ..events import Frequency, configurable_categories


class PreferencesForm(forms.Form):
    """Fields are built from the category registry; initial values come from the selector."""

    def __init__(self, *args: Any, initial_frequencies: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in configurable_categories():
            self.fields[category.code] = forms.ChoiceField(
                label=category.label,
                help_text=category.description,
                choices=Frequency.choices,
                initial=initial_frequencies.get(category.code, category.default_frequency),
                widget=forms.RadioSelect,
            )

    def frequencies(self) -> dict[str, str]:
        return {code: self.cleaned_data[code] for code in self.fields}
