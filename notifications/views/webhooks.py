"""The partners' webhook pages under ``/webhooks/`` and the public event catalogue.

Who: the administrators of an organization holding API access
(:func:`notifications.permissions.can_manage_webhooks`), checked on every request against the
endpoint's organization; anyone else gets a 404 for an endpoint. The event catalogue and its
JSON Schemas are public (partners' developers read them before they have an account).

Views are thin: the services (``notifications.services.webhooks``) vet the target, validate the
events, generate and rotate secrets, queue test events and redeliveries, and refuse with a
translated ``ValidationError``. A signing secret is shown once, in the answer to the POST that
created or rotated it (``Cache-Control: no-store``); every later page shows it masked.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster_portal.core.actions import redirect_after_post, run_action
from cluster_portal.core.forms import add_service_error
from cluster_portal.core.http import AuthenticatedRequest
from cluster_portal.core.workflows import Action, ActionPanel, Transition
from members.models import Organization

from .. import permissions
from ..filters import DeliveryFilter
from ..forms.webhooks import EndpointForm, RedeliverRangeForm
from ..models import WebhookDelivery, WebhookEndpoint
from ..selectors import webhooks as selectors
from ..services import webhooks as services
from ..webhooks import events as catalogue
from ..webhooks import retries

#: Rows of the delivery log per page.
PAGE_SIZE = 25
#: How the log names an attempt's outcome (``retries.Outcome``).
OUTCOME_LABELS: dict[str, str | Promise] = {
    retries.Outcome.DELIVERED: gettext_lazy("Delivered"),
    retries.Outcome.TRANSIENT: gettext_lazy("Temporary failure (server error, 429 or no answer)"),
    retries.Outcome.REJECTED: gettext_lazy("Refused by the receiver"),
    retries.Outcome.REDIRECTED: gettext_lazy("Redirect (not followed)"),
    retries.Outcome.GONE: gettext_lazy("410 Gone: endpoint disabled"),
}
#: What later pages show instead of a secret.
MASKED_SECRET = "whsec_••••••••••••"  # noqa: S105 (a mask, not a secret)


def endpoint_url(endpoint: WebhookEndpoint | int) -> str:
    pk = endpoint if isinstance(endpoint, int) else endpoint.pk
    return reverse("webhooks:endpoint_detail", kwargs={"endpoint_id": pk})


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page with a secret must not be kept by the browser or a proxy."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, max-age=0"
    return response


# --- The list -----------------------------------------------------------------------------------


@login_required
@require_GET
def endpoint_list(request: AuthenticatedRequest) -> HttpResponse:
    """The endpoints of every organization the person manages webhooks for, with their state,
    events, last success and failure streak. Someone who manages none is told why."""
    organizations = selectors.webhook_organizations_for_user(user=request.user)
    endpoints = list(selectors.endpoints_of({o.pk for o in organizations}))
    events = {event.code: event for event in catalogue.all_events()}
    rows = [
        {
            "endpoint": endpoint,
            "state": selectors.endpoint_state(endpoint),
            "events": [events.get(code, code) for code in endpoint.events or []],
        }
        for endpoint in endpoints
    ]
    return render(
        request,
        "notifications/webhooks/endpoint_list.html",
        {
            "organizations": organizations,
            "rows": rows,
            "admin_elsewhere": not organizations and _administers_any(request.user),
        },
    )


def _administers_any(user: Any) -> bool:
    from members.models import OrganizationMember
    from members.viewer import viewer_for

    return any(
        m.role == OrganizationMember.Role.ADMIN for m in viewer_for(user).organizations.values()
    )


# --- Create, edit -------------------------------------------------------------------------------


def _secret_page(
    request: HttpRequest,
    endpoint: WebhookEndpoint,
    secret: str,
    *,
    rotated: bool,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "notifications/webhooks/endpoint_secret.html",
        {"endpoint": endpoint, "secret": secret, "rotated": rotated},
        status=status,
    )
    return _no_store(response)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_create(request: AuthenticatedRequest) -> HttpResponse:
    """Subscribe a URL to events for one of the person's organizations; the answer shows the
    signing secret, once."""
    organizations = selectors.webhook_organizations_for_user(user=request.user)
    if not organizations:
        raise PermissionDenied(_("You do not manage webhooks for any organization."))
    form = EndpointForm(request.POST or None, organizations=organizations)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "notifications/webhooks/endpoint_form.html",
            {"form": f, "organizations": organizations, "endpoint": None},
            status=status,
        )

    if request.method == "GET" or not form.is_valid():
        return page(form, status=200 if request.method == "GET" else 400)
    organization: Organization = form.cleaned_data["organization"]
    if not permissions.can_manage_webhooks(request.user, organization):
        raise Http404
    try:
        endpoint, secret = services.endpoint_create(
            actor=request.user,
            organization=organization,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return page(form, status=400)
    return _secret_page(request, endpoint, secret, rotated=False, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_update(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    """Change the URL (vetted again), the description or the events."""
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)

    def page(f: BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "notifications/webhooks/endpoint_form.html",
            {"form": f, "endpoint": endpoint},
            status=status,
        )

    if request.method == "GET":
        return page(form)
    return run_action(
        request,
        form=form,
        service=lambda data: services.endpoint_update(
            actor=request.user, endpoint=endpoint, data=data
        ),
        success=_("The endpoint was saved."),
        redirect_to=endpoint_url(endpoint),
        render_invalid=lambda f: page(f, status=400),
    )


# --- The endpoint page: its actions and the delivery log -----------------------------------------


def _action(
    name: str,
    label: str | Promise,
    *,
    style: str = "outline-primary",
    confirm: str | Promise = "",
    description: str | Promise = "",
) -> Action:
    return Action(
        Transition(
            name=name,
            sources=frozenset(),
            target="",
            label=label,
            style=style,
            confirm=confirm,
            description=description,
        ),
        allowed=True,
    )


def _panels(endpoint: WebhookEndpoint, redeliver_form: BaseForm | None = None) -> list[ActionPanel]:
    """The endpoint's actions, as ``includes/workflow_actions.html`` renders them."""

    def url(name: str) -> str:
        return reverse(f"webhooks:endpoint_{name}", kwargs={"endpoint_id": endpoint.pk})

    panels = [
        ActionPanel(
            _action(
                "test",
                gettext_lazy("Send test event"),
                style="primary",
                description=gettext_lazy(
                    "Posts a “webhook.test” message to the URL now; it appears in the log below."
                ),
            ),
            url("test"),
        ),
        ActionPanel(
            _action(
                "redeliver",
                gettext_lazy("Redeliver a time range"),
                description=gettext_lazy(
                    "Sends again the messages created in this period, with their original ids."
                ),
            ),
            url("redeliver"),
            form=redeliver_form or RedeliverRangeForm(),
        ),
        ActionPanel(
            _action(
                "rotate",
                gettext_lazy("Rotate the secret"),
                style="outline-warning",
                confirm=gettext_lazy(
                    "Create a new signing secret? The current one keeps signing for a while, "
                    "so that you can update your system."
                ),
                description=gettext_lazy(
                    "A new secret is shown once. During the overlap messages carry both signatures."
                ),
            ),
            url("rotate"),
        ),
    ]
    if endpoint.is_active:
        panels.append(
            ActionPanel(
                _action(
                    "disable",
                    gettext_lazy("Pause"),
                    style="outline-secondary",
                    confirm=gettext_lazy("Pause this endpoint? No events are sent until resumed."),
                    description=gettext_lazy("Stops sending events to this URL until you resume."),
                ),
                url("disable"),
            )
        )
    else:
        panels.append(
            ActionPanel(
                _action(
                    "enable",
                    gettext_lazy("Resume"),
                    style="success",
                    description=gettext_lazy(
                        "Sends events to this URL again (the failure streak starts afresh)."
                    ),
                ),
                url("enable"),
            )
        )
    panels.append(
        ActionPanel(
            _action(
                "delete",
                gettext_lazy("Delete the endpoint"),
                style="outline-danger",
                confirm=gettext_lazy(
                    "Delete this endpoint and its delivery log? This cannot be undone."
                ),
            ),
            url("delete"),
        )
    )
    return panels


def _detail_page(
    request: AuthenticatedRequest,
    endpoint: WebhookEndpoint,
    *,
    redeliver_form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    log = DeliveryFilter(request.GET, queryset=selectors.delivery_log(endpoint=endpoint))
    deliveries = log.qs if log.is_valid() else log.queryset.none()
    page_obj = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    events = {event.code: event for event in catalogue.all_events()}
    return render(
        request,
        "notifications/webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "state": selectors.endpoint_state(endpoint),
            "events": [events.get(code, code) for code in endpoint.events or []],
            "masked_secret": MASKED_SECRET,
            "filter": log,
            "filtered": any(request.GET.get(name) for name in log.filters),
            "page_obj": page_obj,
            "deliveries": page_obj.object_list,
            "panels": _panels(endpoint, redeliver_form),
        },
        status=status,
    )


@login_required
@require_GET
def endpoint_detail(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    """The endpoint, its actions and its delivery log (25 a page; status, event, dates)."""
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    return _detail_page(request, endpoint)


@login_required
@require_GET
def delivery_detail(
    request: AuthenticatedRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    """One delivery: the message, every attempt with its status, timing and response excerpt
    (shown as text)."""
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    attempts = list(delivery.attempt_log.all())
    for attempt in attempts:
        attempt.outcome_label = OUTCOME_LABELS.get(attempt.outcome, attempt.outcome)  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/webhooks/delivery_detail.html",
        {
            "endpoint": endpoint,
            "delivery": delivery,
            "attempts": attempts,
            "payload": json.dumps(delivery.message.payload, indent=2, ensure_ascii=False),
        },
    )


# --- Actions (POST) -----------------------------------------------------------------------------


@login_required
@require_POST
def endpoint_rotate(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    """A new signing secret, shown once, with until when the previous one still signs."""
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    try:
        secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    except (ValidationError, PermissionDenied) as error:
        from django.contrib import messages

        from cluster_portal.core.forms import error_text

        text = error_text(error) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect_after_post(request, endpoint_url(endpoint))
    endpoint.refresh_from_db()
    return _secret_page(request, endpoint, secret, rotated=True)


@login_required
@require_POST
def endpoint_test(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    return run_action(
        request,
        service=lambda data: services.endpoint_send_test(actor=request.user, endpoint=endpoint),
        success=_("A test event was queued. Its delivery appears in the log."),
        redirect_to=endpoint_url(endpoint),
    )


@login_required
@require_POST
def endpoint_disable(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    return run_action(
        request,
        service=lambda data: services.endpoint_disable(actor=request.user, endpoint=endpoint),
        success=_("The endpoint is paused: no events are sent to it."),
        redirect_to=endpoint_url(endpoint),
    )


@login_required
@require_POST
def endpoint_enable(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    return run_action(
        request,
        service=lambda data: services.endpoint_enable(actor=request.user, endpoint=endpoint),
        success=_("The endpoint receives events again."),
        redirect_to=endpoint_url(endpoint),
    )


@login_required
@require_POST
def endpoint_delete(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    return run_action(
        request,
        service=lambda data: services.endpoint_delete(actor=request.user, endpoint=endpoint),
        success=_("The endpoint was deleted."),
        redirect_to=reverse("webhooks:endpoint_list"),
    )


@login_required
@require_POST
def endpoint_redeliver(request: AuthenticatedRequest, endpoint_id: int) -> HttpResponse:
    """Redeliver the messages of a time range (failed ones only, unless unticked)."""
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)

    def success(count: int) -> str:
        return ngettext(
            "%(count)d message will be sent again.", "%(count)d messages will be sent again.", count
        ) % {"count": count}

    return run_action(
        request,
        form=RedeliverRangeForm(request.POST),
        service=lambda data: services.endpoint_redeliver_range(
            actor=request.user,
            endpoint=endpoint,
            since=data["since"],
            until=data["until"],
            failed_only=data["failed_only"],
        ),
        success=success,
        redirect_to=endpoint_url(endpoint),
        render_invalid=lambda f: _detail_page(request, endpoint, redeliver_form=f, status=400),
    )


@login_required
@require_POST
def delivery_redeliver(
    request: AuthenticatedRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = selectors.endpoint_get_for_user(user=request.user, endpoint_id=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    holder: dict[str, WebhookDelivery] = {}

    def redeliver(data: dict[str, Any]) -> WebhookDelivery:
        holder["delivery"] = services.delivery_redeliver(actor=request.user, delivery=delivery)
        return holder["delivery"]

    response = run_action(
        request,
        service=redeliver,
        success=_("The message will be sent again."),
        redirect_to=reverse(
            "webhooks:delivery_detail",
            kwargs={"endpoint_id": endpoint.pk, "delivery_id": delivery.pk},
        ),
    )
    if "delivery" in holder:
        return redirect_after_post(
            request,
            reverse(
                "webhooks:delivery_detail",
                kwargs={"endpoint_id": endpoint.pk, "delivery_id": holder["delivery"].pk},
            ),
        )
    return response


# --- The event catalogue (public) ---------------------------------------------------------------

#: The README's verification recipe (the block ``tests/notifications/webhooks/
#: test_readme_recipe.py`` runs), shown on the catalogue so partners read the tested code.
_RECIPE = re.compile(r"```python\n# webhook-verification-recipe\n(.*?)```", re.DOTALL)
_EXAMPLE_TIMESTAMP = "2027-01-15T14:30:00Z"


@lru_cache(maxsize=1)
def readme_recipe() -> str:
    """The README's verification recipe, or "" when the README is not deployed."""
    path = Path(settings.BASE_DIR) / "README.md"
    try:
        match = _RECIPE.search(path.read_text(encoding="utf-8"))
    except OSError:
        return ""
    return match.group(1).strip() if match else ""


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return _("immediately")
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if seconds < 86400 or seconds % 86400:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = seconds // 86400
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def retry_schedule_rows() -> list[dict[str, Any]]:
    """The schedule as a table: attempt number, wait after the previous one, and the total."""
    rows = []
    total = timedelta(0)
    for number, delay in enumerate(retries.RETRY_SCHEDULE, start=1):
        total += delay
        rows.append({"attempt": number, "delay": _duration(delay), "total": _duration(total)})
    return rows


def _example(event: catalogue.WebhookEvent) -> str:
    return json.dumps(
        {"type": event.code, "timestamp": _EXAMPLE_TIMESTAMP, "data": event.example},
        indent=2,
        ensure_ascii=False,
    )


@require_GET
def event_catalogue(request: HttpRequest) -> HttpResponse:
    """Every event partners can subscribe to, with its JSON Schema and an example; the headers,
    how to verify them, the retry schedule and when an endpoint is disabled."""
    events = [
        {
            "event": event,
            "schema": json.dumps(event.schema(), indent=2, ensure_ascii=False),
            "example": _example(event),
        }
        for event in catalogue.all_events()
    ]
    test_event = catalogue.TEST_EVENT
    return render(
        request,
        "notifications/webhooks/event_catalogue.html",
        {
            "events": events,
            "test_event": {"event": test_event, "example": _example(test_event)},
            "schedule": retry_schedule_rows(),
            "retry_after_cap": _duration(retries.RETRY_AFTER_CAP),
            "disable_after": _duration(retries.DISABLE_AFTER),
            "overlap": _duration(timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)),
            "recipe": readme_recipe(),
            "connect_timeout": settings.WEBHOOK_CONNECT_TIMEOUT,
            "read_timeout": settings.WEBHOOK_READ_TIMEOUT,
        },
    )


@require_GET
def event_schema(request: HttpRequest, code: str) -> HttpResponse:
    """One event's JSON Schema (``application/schema+json``)."""
    try:
        event = catalogue.get_event(code)
    except KeyError:
        raise Http404 from None
    return JsonResponse(
        event.schema(),
        content_type="application/schema+json",
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
