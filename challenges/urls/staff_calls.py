"""Staff pages of the calls sub-domain under /staff/challenges/ (challenges.urls.staff)."""

from django.urls import path

from ..views.staff import calls as views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:call_id>/", views.call_detail, name="call_detail"),
    path("calls/<int:call_id>/do/<slug:action>/", views.call_action, name="call_action"),
    path("calls/<int:call_id>/clone/", views.call_clone, name="call_clone"),
    path("calls/<int:call_id>/edit/<slug:section>/", views.call_edit, name="call_edit"),
    path("calls/<int:call_id>/questions/", views.call_questions, name="call_questions"),
    path(
        "calls/<int:call_id>/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "calls/<int:call_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "calls/<int:call_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="question_move",
    ),
    path("calls/<int:call_id>/criteria/", views.call_criteria, name="call_criteria"),
    path(
        "calls/<int:call_id>/criteria/<int:criterion_id>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "calls/<int:call_id>/criteria/<int:criterion_id>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("calls/<int:call_id>/extensions/", views.call_extensions, name="call_extensions"),
    path(
        "calls/<int:call_id>/clarifications/",
        views.call_clarifications,
        name="call_clarifications",
    ),
    path(
        "calls/<int:call_id>/clarifications/<int:clarification_id>/<slug:decision>/",
        views.clarification_decide,
        name="clarification_decide",
    ),
    path("calls/<int:call_id>/matches/", views.call_matches, name="call_matches"),
]
