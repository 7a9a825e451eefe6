"""Forms of staff role management."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.roles import role_choices

from .selectors import NO_ROLE


class StaffAccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            ("", _("Any role")),
            (NO_ROLE, _("No role")),
            *role_choices(),
        ]


class RoleChangeForm(forms.Form):
    """The role a grant or revoke button posts."""

    role = forms.ChoiceField(label=_("Role"), choices=role_choices)


class StaffAccountAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the account"),
        help_text=_("The person must already have an account in the portal."),
    )
    role = forms.ChoiceField(label=_("First role"), choices=role_choices)
