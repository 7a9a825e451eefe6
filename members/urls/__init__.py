"""Member pages. Directory, organization profiles and governance live in ``urls.directory``;
membership applications, join requests, teams and invitations in ``urls.membership``."""

from django.urls import include, path

app_name = "members"

urlpatterns = [
    path("", include("members.urls.directory")),
    path("", include("members.urls.membership")),
]
