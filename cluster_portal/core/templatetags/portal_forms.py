"""Bootstrap 5 rendering of Django form fields, shared by every form of the portal.

``{% include "includes/form_field.html" with field=form.email %}`` renders a labelled field with
its errors and help text; Django (5.2) links them to the input with ``aria-describedby``
(``<id>_error`` and ``<id>_helptext``) and marks invalid inputs with ``aria-invalid``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.safestring import SafeString

register = template.Library()

_CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
_SELECT_WIDGETS = (forms.Select, forms.SelectMultiple)


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, _CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, _SELECT_WIDGETS):
        return "form-select"
    return "form-control"


def _join_classes(*classes: str | None) -> str:
    return " ".join(c for c in classes if c)


@register.filter
def bootstrap_widget(field: BoundField) -> SafeString:
    """Render the field's widget with Bootstrap classes (and ``is-invalid`` on errors)."""
    widget = field.field.widget
    css = _join_classes(
        widget.attrs.get("class"), _css_class(widget), "is-invalid" if field.errors else None
    )
    return field.as_widget(attrs={"class": css})


@register.filter
def bootstrap_choice(choice: BoundWidget) -> SafeString:
    """Render one radio button or checkbox of a multiple-choice widget with Bootstrap classes."""
    attrs = {**choice.data["attrs"]}
    attrs["class"] = _join_classes(attrs.get("class"), "form-check-input")
    data = {**choice.data, "attrs": attrs}
    return BoundWidget(choice.parent_widget, data, choice.renderer).tag(wrap_label=False)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Radio buttons and checkbox lists: rendered as a ``<fieldset>`` with a ``<legend>``."""
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id an error summary links to: the input itself, or the first checkbox or radio
    button of a choice list (whose ``<label for>`` Django leaves empty)."""
    if is_choice_group(field) or isinstance(field.field.widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def button_class(tags: Iterable[str] | None) -> str:
    """Bootstrap classes for a button from allauth's element tags.

    ``danger`` / ``secondary`` pick the colour (primary otherwise), ``outline`` and ``link`` the
    style, ``minor`` / ``tool`` make it small and ``prominent`` makes it fill its container.
    """
    tag_set = set(tags or ())
    if "danger" in tag_set:
        colour = "danger"
    elif "secondary" in tag_set:
        colour = "secondary"
    else:
        colour = "primary"
    if "link" in tag_set:
        classes = ["btn", "btn-link"]
    elif "outline" in tag_set:
        classes = ["btn", f"btn-outline-{colour}"]
    else:
        classes = ["btn", f"btn-{colour}"]
    if tag_set & {"minor", "tool"}:
        classes.append("btn-sm")
    if "prominent" in tag_set:
        classes.append("w-100")
    return " ".join(classes)


@register.simple_tag
def badge_class(tags: Iterable[str] | None) -> str:
    """Bootstrap badge classes from allauth's element tags (success, warning, primary…)."""
    tag_set = set(tags or ())
    for colour in ("success", "warning", "danger", "primary"):
        if colour in tag_set:
            return f"badge text-bg-{colour}"
    return "badge text-bg-secondary"
