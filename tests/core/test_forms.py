"""How a service's ValidationError reaches a form (cluster_portal.core.forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from cluster_portal.core.forms import add_service_error, error_text


class NameForm(forms.Form):
    name = forms.CharField()


def test_error_on_a_form_field_lands_on_that_field() -> None:
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    add_service_error(form, ValidationError({"name": "Taken."}))
    assert form.errors == {"name": ["Taken."]}


def test_error_on_a_model_field_the_form_does_not_show_becomes_form_wide() -> None:
    # form.add_error(None, error) alone raises ValueError here: a 500 instead of a message.
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    add_service_error(form, ValidationError({"membership_status": "Not allowed now."}))
    assert form.non_field_errors() == ["Not allowed now."]
    assert "name" not in form.errors


def test_plain_error_is_form_wide_and_reads_as_one_sentence() -> None:
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    error = ValidationError(["First problem.", "Second problem."])
    add_service_error(form, error)
    assert form.non_field_errors() == ["First problem.", "Second problem."]
    assert error_text(error) == "First problem. Second problem."
