"""Staff register partner systems here; the client secret is shown once, right after creation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import PartnerClient
from .scopes import scope_choices
from .services import (
    partner_client_create,
    partner_client_deactivate,
    partner_client_rotate_secret,
    partner_client_update,
)

if TYPE_CHECKING:
    from members.models import User


def _staff(request: HttpRequest) -> User:
    """The admin only lets authenticated staff this far."""
    return cast("User", request.user)


class PartnerClientForm(forms.ModelForm):
    name = forms.CharField(
        label=_("name"),
        max_length=255,
        help_text=_("The partner system, e.g. “CAF reporting” or “Regional open-data portal”."),
    )
    allowed_scopes = forms.MultipleChoiceField(
        label=_("allowed scopes"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The only scopes this client's tokens can ever carry."),
    )

    class Meta:
        model = PartnerClient
        fields = ("organization", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].initial = self.instance.application.name
            self.fields["allowed_scopes"].initial = self.instance.allowed_scopes


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    form = PartnerClientForm
    list_display = ("name", "organization", "client_id", "scopes", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("application", "organization")
    search_fields = ("application__name", "application__client_id", "organization__legal_name")
    readonly_fields = ("client_id", "created_by", "created_at", "updated_at")
    actions = ("rotate_secret", "deactivate")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The organization a client acts for is fixed: register a new client to change it.
        if obj is not None:
            return (*self.readonly_fields, "organization")
        return self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["name", "organization", "allowed_scopes", "is_active"]
        if obj is not None:
            fields += ["client_id", "created_by", "created_at", "updated_at"]
        return fields

    @admin.display(description=_("client ID"))
    def client_id(self, obj: PartnerClient) -> str:
        return obj.client_id

    @admin.display(description=_("scopes"))
    def scopes(self, obj: PartnerClient) -> str:
        return " ".join(obj.effective_scopes())

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        if change:
            return partner_client_update(
                actor=_staff(request),
                partner=form.instance,
                name=data["name"],
                allowed_scopes=data["allowed_scopes"],
                is_active=data["is_active"],
            )
        partner, secret = partner_client_create(
            actor=_staff(request),
            organization=data["organization"],
            name=data["name"],
            allowed_scopes=data["allowed_scopes"],
            is_active=data["is_active"],
        )
        request._partner_client_secret = secret  # type: ignore[attr-defined]
        return partner

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the services in :meth:`save_form`."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """No related objects are edited here."""

    def response_add(
        self, request: HttpRequest, obj: PartnerClient, post_url_continue: str | None = None
    ) -> HttpResponse:
        secret = getattr(request, "_partner_client_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return self._secret_response(request, obj, secret)

    def _secret_response(
        self, request: HttpRequest, partner: PartnerClient, secret: str
    ) -> HttpResponse:
        """A page showing the credentials once; never cached, never stored in messages."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Client credentials"),
            "partner": partner,
            "client_secret": secret,
        }
        response = TemplateResponse(request, "api/admin/partnerclient_secret.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Generate a new client secret"), permissions=["change"])
    def rotate_secret(
        self, request: HttpRequest, queryset: QuerySet[PartnerClient]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one client to generate a new secret."), messages.ERROR
            )
            return None
        partner = queryset.select_related("application", "organization").get()
        secret = partner_client_rotate_secret(actor=_staff(request), partner=partner)
        return self._secret_response(request, partner, secret)

    @admin.action(description=_("Deactivate and revoke tokens"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[PartnerClient]) -> None:
        count = 0
        for partner in queryset.filter(is_active=True):
            partner_client_deactivate(actor=_staff(request), partner=partner)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d client deactivated; its tokens were revoked.",
                "%(count)d clients deactivated; their tokens were revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
