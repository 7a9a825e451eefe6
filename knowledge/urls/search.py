"""The portal-wide search page (``/search/``, namespace ``search``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import search as views

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search_page, name="search"),
]
