"""Member pages. Directory, organization profiles and governance live in ``urls_directory``;
membership applications, join requests, teams and invitations in ``urls_membership``."""

from django.urls import include, path

app_name = "members"

urlpatterns = [
    path("", include("members.urls_directory")),
    path("", include("members.urls_membership")),
]
