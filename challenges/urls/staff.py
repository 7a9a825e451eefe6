"""The secretariat's pages of the funnel, under ``/staff/challenges/``."""

from django.urls import include, path

app_name = "challenges_staff"

urlpatterns = [
    path("", include("challenges.urls.staff_surveys")),
    path("", include("challenges.urls.staff_calls")),
    path("", include("challenges.urls.staff_proposals")),
    path("", include("challenges.urls.staff_evaluation")),
    path("", include("challenges.urls.staff_ranking")),
    path("", include("challenges.urls.staff_decisions")),
    path("", include("challenges.urls.staff_evaluators")),
    path("", include("challenges.urls.staff_portfolio")),
]
