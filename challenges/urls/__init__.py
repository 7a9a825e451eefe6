"""Open-innovation pages: challenges (``urls.surveys``), calls (``urls.calls``) and proposals
(``urls.proposals``) under ``/challenges/``; the secretariat's under ``/staff/challenges/``
(``urls.staff``)."""

from django.urls import include, path

app_name = "challenges"

urlpatterns = [
    path("", include("challenges.urls.surveys")),
    path("", include("challenges.urls.calls")),
    path("", include("challenges.urls.proposals")),
    path("", include("challenges.urls.evaluation")),
    path("", include("challenges.urls.decisions")),
    path("", include("challenges.urls.showcase")),
    path("", include("challenges.urls.portfolio")),
]
