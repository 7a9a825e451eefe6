"""Membership dues in templates (``{% load dues %}``).

* ``{% dues_panel organization %}``: the dues card of the staff organization page
  (``templates/members/staff/partials/dues.html``), with the secretariat's form when the person
  may record dues;
* ``{% if organization|dues_overdue %}``.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..forms.dues import DuesForm
from ..models import Organization
from ..permissions import can_decide_membership
from ..selectors.dues import dues_overdue as _dues_overdue
from ..services.dues import dues_apply_to

register = template.Library()


@register.inclusion_tag("members/staff/partials/dues.html", takes_context=True)
def dues_panel(context: template.Context, organization: Organization) -> dict[str, Any]:
    request = context["request"]
    can_record = dues_apply_to(organization) and can_decide_membership(request.user)
    return {
        "organization": organization,
        "can_record": can_record,
        "dues_form": DuesForm(organization=organization) if can_record else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def dues_overdue(organization: Organization) -> bool:
    """``{% if organization|dues_overdue %}``: dues recorded and paid only up to a past day."""
    return _dues_overdue(organization)
