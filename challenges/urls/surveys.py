"""Pages of the surveys sub-domain (included by challenges.urls): the public challenge list and
detail, and the company's own challenges."""

from django.urls import URLPattern, URLResolver, path

from ..views import surveys as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.challenge_list, name="challenge_list"),
    path("<int:challenge_id>/", views.challenge_detail, name="challenge_detail"),
    path("mine/", views.my_challenge_list, name="challenge_mine_list"),
    path("mine/new/", views.challenge_create, name="challenge_create"),
    path("mine/<int:challenge_id>/", views.my_challenge_detail, name="challenge_mine_detail"),
    path("mine/<int:challenge_id>/edit/", views.challenge_edit, name="challenge_edit"),
    path("mine/<int:challenge_id>/submit/", views.challenge_submit, name="challenge_submit"),
    path(
        "mine/<int:challenge_id>/answer/",
        views.challenge_answer_detail,
        name="challenge_answer_detail",
    ),
    path(
        "mine/<int:challenge_id>/public-version/",
        views.challenge_public_version,
        name="challenge_public_version",
    ),
]
