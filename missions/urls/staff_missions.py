"""Routes of the coordinators' mission pages (``missions_staff:``): the list, creating and
editing a mission, its criteria and quotas, its page and its lifecycle actions.

The action route only matches the mission lifecycle's transition names (read from the table),
so it never shadows the other staff pages of a mission (``agenda/``, ``applications/``…).
"""

from django.urls import URLPattern, URLResolver, path, re_path

from ..views.staff import missions as views
from ..workflows import MISSION

_ACTIONS = "|".join(sorted(t.name for t in MISSION.transitions))

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mission_list, name="mission_list"),
    path("new/", views.mission_create, name="mission_create"),
    path("<int:mission_id>/", views.mission_detail, name="mission_detail"),
    path("<int:mission_id>/edit/", views.mission_edit, name="mission_edit"),
    path("<int:mission_id>/rules/", views.mission_rules, name="mission_rules"),
    path("<int:mission_id>/rules/criteria/", views.mission_criteria, name="mission_criteria"),
    path("<int:mission_id>/rules/quotas/", views.mission_quotas, name="mission_quotas"),
    re_path(
        rf"^(?P<mission_id>[0-9]+)/(?P<action>{_ACTIONS})/$",
        views.mission_action,
        name="mission_action",
    ),
]
