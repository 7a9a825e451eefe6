"""Forms for organization profiles. Validation rules live in the model (``Organization.clean``,
``validate_ruc``) and the services; the form only shapes the input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cluster_portal.files.forms import PrivateFileField
from cluster_portal.files.validation import IMAGE_KINDS

from ..filters import region_choices
from ..models import Capability, Organization
from ..selectors.organizations import organization_logo, reference_client_choices
from ..services.organizations import LOGO_MAX_BYTES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CAPABILITY_FIELDS = {
    "value_chain": Capability.Dimension.VALUE_CHAIN,
    "service_areas": Capability.Dimension.SERVICE_AREA,
    "commodities": Capability.Dimension.COMMODITY,
}


class WebsiteField(forms.URLField):
    """A website address that may be typed without its scheme ("www.metalsur.pe").

    Rendered as ``type="text" inputmode="url"`` (not ``type="url"``) so the browser does not
    refuse a bare domain before the server sees it; ``https://`` is prepended when the scheme is
    missing and Django's ``URLValidator`` still checks the result on the server.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "url", "autocomplete": "url", "spellcheck": "false"})

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "placeholder": "www.example.pe"}


def with_empty_label(field: forms.Field, label: StrOrPromise) -> None:
    """Give a required select an explicit, translated first option ("Select the kind…")
    instead of Django's "---------", and no preselected value: the person must choose."""
    choice_field = cast(forms.ChoiceField, field)
    choices: list[Any] = [c for c in cast(list[Any], choice_field.choices) if c[0] != ""]
    choice_field.choices = [("", label), *choices]


class CapabilityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Capability) -> str:  # type: ignore[override]
        return obj.name


class OrganizationForm(forms.ModelForm):
    """The profile an organization admin (or staff) edits.

    The capability profile is split into its three dimensions; the logo is an upload checked
    by the private-files platform. Without ``can_change_identity`` the RUC is shown read-only.
    ``user`` is the editor: the reference clients offered are the organizations they may see.
    """

    value_chain = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Value-chain stages"),
    )
    service_areas = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Service areas"),
    )
    commodities = CapabilityChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Commodities"),
    )
    logo = PrivateFileField(
        allowed_types=IMAGE_KINDS,
        max_bytes=LOGO_MAX_BYTES,
        required=False,
        label=_("Logo"),
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the current logo"))
    website = WebsiteField(required=False, label=_("Website"))

    class Meta:
        model = Organization
        fields = (
            "legal_name",
            "trade_name",
            "ruc",
            "kind",
            "mining_scale",
            "government_level",
            "region",
            "city",
            "website",
            "description",
            "employee_band",
            "certifications",
            "reference_clients",
            "other_reference_clients",
            "is_public",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            # A checkbox list (filtered by a search box in organization-form.js) instead of a
            # long multi-select that needs Ctrl+click.
            "reference_clients": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "is_public": _(
                "Public profiles appear in the directory for everyone; private profiles only "
                "for members of the cluster."
            ),
            "ruc": _("11 digits, as registered with SUNAT."),
        }

    def __init__(
        self, *args: Any, user: Any, can_change_identity: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        current = (
            dict(self.instance.capabilities.values_list("pk", "dimension"))
            if self.instance.pk
            else {}
        )
        for name, dimension in CAPABILITY_FIELDS.items():
            field = cast(forms.ModelMultipleChoiceField, self.fields[name])
            # Retired terms stay selectable on organizations that already have them.
            field.queryset = Capability.objects.filter(
                Q(is_active=True) | Q(pk__in=list(current)), dimension=dimension
            ).order_by("position", "slug")
            field.initial = [pk for pk, dim in current.items() if dim == dimension]
        clients = cast(forms.ModelMultipleChoiceField, self.fields["reference_clients"])
        # Only organizations the editor may see (and those already named) can be chosen.
        clients.queryset = reference_client_choices(user=user, organization=self.instance)
        self.fields["reference_clients"].required = False
        # The list can be long: templates/includes/form_field.html adds a filter box to it.
        clients.filterable = True  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["region"]).choices = region_choices()
        with_empty_label(self.fields["kind"], _("Select the kind…"))
        if not self.instance.pk:
            # A new organization: no silently preselected region (the model's default).
            with_empty_label(self.fields["region"], _("Select the region…"))
            if not self.is_bound:
                self.initial["region"] = (kwargs.get("initial") or {}).get("region", "")
        self.fields["mining_scale"].widget.attrs["data-kind-field"] = "mining"
        self.fields["government_level"].widget.attrs["data-kind-field"] = "government"
        self.fields["ruc"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if self.instance.pk and not can_change_identity:
            self.fields["ruc"].disabled = True
            self.fields["ruc"].help_text = _("Only the secretariat can correct a registered RUC.")
            self.fields["legal_name"].disabled = True
            self.fields["legal_name"].help_text = _(
                "Only the secretariat can correct a registered legal name."
            )
        if not self.instance.pk or not self._has_logo():
            del self.fields["remove_logo"]

    def _has_logo(self) -> bool:
        return organization_logo(self.instance) is not None

    def clean_ruc(self) -> str:
        return (self.cleaned_data.get("ruc") or "").strip()

    def capabilities(self) -> list[Capability]:
        return [term for name in CAPABILITY_FIELDS for term in self.cleaned_data.get(name, [])]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as keyword arguments for ``organization_create/update``."""
        fields = self.Meta.fields
        data = {name: self.cleaned_data[name] for name in fields if name in self.cleaned_data}
        data["reference_clients"] = list(data.pop("reference_clients", []))
        data["capabilities"] = self.capabilities()
        for name in ("ruc", "legal_name"):
            if self.fields[name].disabled:
                data.pop(name, None)
        data["logo"] = self.cleaned_data.get("logo") or None
        data["remove_logo"] = bool(self.cleaned_data.get("remove_logo"))
        return data
