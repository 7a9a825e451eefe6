"""The public mission pages: the list and a mission's page.

``missions.urls`` includes this module last, so the fixed first segments of the other pages
(``ours/``, ``delegates/``, ``applications/``) win over a slug; the service never gives a
mission one of those slugs (``services.missions.RESERVED_SLUGS``).
"""

from django.urls import URLPattern, URLResolver, path

from ..views import missions as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mission_list, name="mission_list"),
    path("<slug:slug>/", views.mission_detail, name="mission_detail"),
]
