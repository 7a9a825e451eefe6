"""Webhook endpoints of the API, included in ``/api/v1/``: ``webhooks/`` (a partner's endpoints,
their actions and delivery log) and ``webhooks/events/`` (the public event catalogue)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

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
]
