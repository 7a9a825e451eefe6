"""Webhook endpoints of the API, included in ``/api/v1/``: ``webhooks/`` (a partner's endpoints,
their actions and delivery log) and ``webhooks/events/`` (the public event catalogue)."""

from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from cluster_portal.api.exceptions import api_not_found

from . import views

router = SimpleRouter()
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns: list[URLPattern | URLResolver] = [
    path("webhooks/events/", views.EventCatalogueView.as_view(), name="webhook-events"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        views.RotateSecretView.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path(
        "webhooks/<int:endpoint_id>/test/",
        views.SendTestView.as_view(),
        name="webhook-endpoint-test",
    ),
    path(
        "webhooks/<int:endpoint_id>/redeliver/",
        views.RedeliverRangeView.as_view(),
        name="webhook-endpoint-redeliver",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        views.DeliveryListView.as_view(),
        name="webhook-endpoint-deliveries",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
    *router.urls,
    # Anything else under webhooks/ (a malformed id) is the API's JSON 404 for every method. The
    # project's catch-all answers it too, but a POST or DELETE with a session cookie meets
    # Django's CSRF check first there and gets the HTML 403 page; this one never changes
    # anything, so it needs no CSRF token.
    re_path(r"^webhooks/[\s\S]*$", csrf_exempt(api_not_found)),
]
