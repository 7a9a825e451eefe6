"""Routes of the coordinators' outcome page (``views.staff.outcomes``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import outcomes as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:mission_id>/outcomes/", views.outcomes, name="outcomes"),
]
