"""The coordinator's decisions page of a call (issue 10), under ``/staff/challenges/``."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import decisions as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/<int:call_id>/decisions/", views.call_decisions, name="call_decisions"),
    path(
        "calls/<int:call_id>/decisions/<int:proposal_id>/",
        views.decision_set,
        name="call_decision_set",
    ),
    path(
        "calls/<int:call_id>/decisions/publish/",
        views.decisions_publish,
        name="call_decisions_publish",
    ),
]
