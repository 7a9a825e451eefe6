"""Forms of the team page: invitations and roles."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import OrganizationMember


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganizationMember.Role.choices,
        initial=OrganizationMember.Role.MEMBER,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganizationMember.Role.choices)
