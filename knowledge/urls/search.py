"""The portal-wide search page (``/search/``, namespace ``search``)."""

from django.urls import URLPattern, URLResolver

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = []
