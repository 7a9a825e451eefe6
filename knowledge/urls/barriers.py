"""Routes of the knowledge base's barriers pages."""

from django.urls import URLPattern, URLResolver, path

from ..views import barriers as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("barriers/", views.barrier_list, name="barrier_list"),
    path("barriers/<slug:code>/", views.barrier_detail, name="barrier_detail"),
    path("barriers/<slug:code>/endorse/", views.barrier_endorse, name="barrier_endorse"),
    path(
        "barriers/<slug:code>/endorse/withdraw/",
        views.barrier_unendorse,
        name="barrier_unendorse",
    ),
]
