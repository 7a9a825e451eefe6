"""Routes of the knowledge base's ecosystem pages and its landing page."""

from django.urls import URLPattern, URLResolver, path

from ..views import ecosystem as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("ecosystem/", views.ecosystem, name="ecosystem"),
    path("ecosystem/relations/", views.relations, name="relations"),
]
