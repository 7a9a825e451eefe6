"""The public mission pages (included first by ``missions.urls``): the list and a mission's page.

The page's pattern leaves ``ours/`` to the members' list of their organizations' missions
(``missions:our_missions``, included after this module), so no mission may be called "ours".
"""

from django.urls import URLPattern, URLResolver, path, re_path

from ..views import missions as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mission_list, name="mission_list"),
    re_path(r"^(?!ours/)(?P<slug>[-a-zA-Z0-9_]+)/$", views.mission_detail, name="mission_detail"),
]
