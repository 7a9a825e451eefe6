"""Ask a record's lifecycle table (``<app>/workflows.py``) how to show its state::

    {% load workflows %}
    <span class="badge {{ application|state_badge }}">{{ application|state_label }}</span>

A model with two lifecycle fields names the workflow: ``{{ obj|state_badge:"app.name" }}``.
"""

from __future__ import annotations

from django import template
from django.db import models

from ..workflows import State, registered, workflow_for

register = template.Library()


def _state(obj: models.Model, name: str) -> State:
    registered()  # the apps' workflows modules are imported
    return workflow_for(obj, name).state(obj)


@register.filter
def state_label(obj: models.Model, name: str = "") -> str:
    """The state's label (translated)."""
    return str(_state(obj, name).label)


@register.filter
def state_badge(obj: models.Model, name: str = "") -> str:
    """The state's badge CSS classes."""
    return str(_state(obj, name).badge)


@register.filter
def state_description(obj: models.Model, name: str = "") -> str:
    """The state's sentence for the people concerned ("" when it has none)."""
    return str(_state(obj, name).description)
