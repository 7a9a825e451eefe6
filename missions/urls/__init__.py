"""Mission pages under ``/missions/`` (each sub-domain in its own module); the coordinators'
under ``/staff/missions/`` (``urls.staff``)."""

from django.urls import include, path

app_name = "missions"

urlpatterns = [
    path("", include("missions.urls.missions")),
    path("", include("missions.urls.agenda")),
    path("", include("missions.urls.applications")),
    path("", include("missions.urls.readiness")),
    path("", include("missions.urls.outcomes")),
]
