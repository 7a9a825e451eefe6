"""Routes of the coordinators' readiness board (``views.staff.readiness``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import readiness as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:mission_id>/readiness/", views.readiness_board, name="readiness_board"),
    path(
        "<int:mission_id>/readiness/items/<int:item_id>/",
        views.readiness_item_form,
        name="readiness_item",
    ),
    path(
        "<int:mission_id>/readiness/items/<int:item_id>/update/",
        views.readiness_item_update,
        name="readiness_item_update",
    ),
]
