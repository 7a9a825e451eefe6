"""Routes of missions' agenda pages: the calendar files (``views.agenda``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import agenda

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/calendar.ics", agenda.mission_calendar, name="mission_calendar"),
    path(
        "delegates/<int:delegate_id>/calendar.ics",
        agenda.delegate_calendar,
        name="delegate_calendar",
    ),
]
