"""Pages of mission applications for member organizations (included by missions.urls)."""

from django.urls import URLPattern, URLResolver, path

from ..views import applications as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("ours/", views.our_missions, name="our_missions"),
    path("<slug:slug>/apply/", views.application_create, name="application_create"),
    path(
        "applications/<int:application_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:application_id>/edit/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "applications/<int:application_id>/<str:action>/",
        views.application_action,
        name="application_action",
    ),
]
