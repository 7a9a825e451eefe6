"""Mission pages under ``/missions/`` (each sub-domain in its own module); the coordinators'
under ``/staff/missions/`` (``urls.staff``)."""

from django.urls import include, path

app_name = "missions"

urlpatterns = [
    path("", include("missions.urls.agenda")),
    path("", include("missions.urls.applications")),
    path("", include("missions.urls.readiness")),
    path("", include("missions.urls.outcomes")),
    # Last: its ``<slug>/`` must not catch ``ours/`` and the other fixed segments.
    path("", include("missions.urls.missions")),
]
