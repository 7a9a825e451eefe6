"""The partners' webhook pages under ``/webhooks/`` (namespace ``webhooks``) and the public
event catalogue (``/webhooks/events/``)."""

from django.urls import path

from ..views import webhooks as views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("new/", views.endpoint_create, name="endpoint_create"),
    path("events/", views.event_catalogue, name="event_catalogue"),
    path("events/<str:code>.json", views.event_schema, name="event_schema"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="endpoint_detail"),
    path("<int:endpoint_id>/edit/", views.endpoint_update, name="endpoint_update"),
    path("<int:endpoint_id>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("<int:endpoint_id>/test/", views.endpoint_test, name="endpoint_test"),
    path("<int:endpoint_id>/disable/", views.endpoint_disable, name="endpoint_disable"),
    path("<int:endpoint_id>/enable/", views.endpoint_enable, name="endpoint_enable"),
    path("<int:endpoint_id>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("<int:endpoint_id>/redeliver/", views.endpoint_redeliver, name="endpoint_redeliver"),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/",
        views.delivery_detail,
        name="delivery_detail",
    ),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/",
        views.delivery_redeliver,
        name="delivery_redeliver",
    ),
]
