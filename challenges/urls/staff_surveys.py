"""Staff pages of the surveys sub-domain under /staff/challenges/ (challenges.urls.staff): the
triage queue and survey rounds."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import surveys as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("triage/", views.triage_list, name="triage_list"),
    path("triage/<int:challenge_id>/", views.triage_detail, name="triage_detail"),
    path("triage/<int:challenge_id>/share/", views.triage_share, name="triage_share"),
    path(
        "triage/<int:challenge_id>/unshare/<int:other_id>/",
        views.triage_unshare,
        name="triage_unshare",
    ),
    path(
        "triage/<int:challenge_id>/public-version/",
        views.triage_public_version,
        name="triage_public_version",
    ),
    path("triage/<int:challenge_id>/<slug:action>/", views.triage_action, name="triage_action"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/edit/", views.round_edit, name="round_edit"),
]
