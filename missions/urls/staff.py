"""The mission coordinators' pages, under ``/staff/missions/``."""

from django.urls import include, path

app_name = "missions_staff"

urlpatterns = [
    path("", include("missions.urls.staff_missions")),
    path("", include("missions.urls.staff_agenda")),
    path("", include("missions.urls.staff_applications")),
    path("", include("missions.urls.staff_readiness")),
    path("", include("missions.urls.staff_outcomes")),
]
