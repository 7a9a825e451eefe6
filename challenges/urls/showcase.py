"""The public showcase of the portfolio (included by challenges.urls): no login."""

from django.urls import path

from ..views import showcase as views

urlpatterns = [
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/present/", views.showcase_present, name="showcase_present"),
    path("showcase/<slug:code>/", views.showcase_project, name="showcase_project"),
    path("showcase/<slug:code>/print/", views.showcase_print, name="showcase_print"),
]
