"""The coordinators' application and selection pages (included by missions.urls.staff)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import applications as views

M = "<int:mission_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{M}applications/", views.application_list, name="applications"),
    path(
        f"{M}applications/<int:application_id>/",
        views.application_score,
        name="application_score",
    ),
    path(f"{M}selection/", views.selection, name="selection"),
]
