"""Forms of the webhook pages: an endpoint (URL, description, events, organization), a range to
redeliver. (The delivery log's filters, shared with the API, are in ``notifications.filters``.)

The rules (the URL is a public ``https`` target, the events exist) are the services'
(``notifications.services.webhooks``): these forms only shape the input, and the services'
``ValidationError`` reaches the form through ``cluster_portal.core.actions.run_action``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from ..models import WebhookEndpoint
from ..webhooks import events as catalogue

URL_MAX_LENGTH = WebhookEndpoint._meta.get_field("url").max_length
DESCRIPTION_MAX_LENGTH = WebhookEndpoint._meta.get_field("description").max_length


def event_choices_with_descriptions() -> list[tuple[str, str]]:
    """The subscribable events as checkbox labels: title, code and description."""
    return [
        (
            event.code,
            format_html(
                '{} <code class="small">{}</code><br><span class="small text-body-secondary">{}'
                "</span>",
                event.title,
                event.code,
                event.description,
            ),
        )
        for event in catalogue.all_events()
    ]


class EndpointForm(forms.Form):
    """Where to post which events. ``organizations``: those the person may choose from (the
    choice is shown only when there are several; absent when editing)."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization"),
        empty_label=None,
        help_text=_("The organization whose partner system receives the events."),
    )
    url = forms.URLField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_(
            "An https address of your system that accepts POST requests. Redirects are not "
            "followed: give the final address."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=_("For your records, e.g. “ERP integration, production”."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        choices=event_choices_with_descriptions,
        error_messages={"required": _("Choose at least one event.")},
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
            return
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]
        if len(organizations) == 1:
            # Nothing to choose: the one organization, whether or not the page sent it.
            field.widget = forms.HiddenInput()
            field.initial = organizations[0].pk
            field.required = False
            self._only_organization = organizations[0]

    def clean_organization(self) -> Organization | None:
        chosen = self.cleaned_data.get("organization")
        return chosen or getattr(self, "_only_organization", None)


class RedeliverRangeForm(forms.Form):
    """Send again the messages of a time range (the portal's time zone)."""

    since = forms.DateTimeField(
        label=_("From"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    until = forms.DateTimeField(
        label=_("Until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    failed_only = forms.BooleanField(
        label=_("Failed deliveries only"),
        required=False,
        initial=True,
        help_text=_("Leave it ticked to resend only what did not arrive."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["since"].initial = now - timedelta(days=1)
            self.fields["until"].initial = now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", _("The end must come after the start."))
        return data
