"""The coordinator's assignment pages under /staff/challenges/ (challenges.urls.staff)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import assignments as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/<int:call_id>/assignments/", views.call_assignments, name="call_assignments"),
    path(
        "calls/<int:call_id>/assignments/new/",
        views.call_assignment_create,
        name="call_assignment_create",
    ),
    path(
        "calls/<int:call_id>/assignments/auto/",
        views.call_assignments_auto,
        name="call_assignments_auto",
    ),
    path(
        "calls/<int:call_id>/assignments/settings/",
        views.call_assignment_settings,
        name="call_assignment_settings",
    ),
    path(
        "calls/<int:call_id>/assignments/<int:assignment_id>/remove/",
        views.call_assignment_remove,
        name="call_assignment_remove",
    ),
]
