"""See members/urls/__init__.py: the directory, organization profiles and governance pages."""

from django.urls import path

from ..views import directory, governance, organizations

urlpatterns = [
    path("directory/", directory.directory, name="directory"),
    path(
        "organizations/<int:organization_id>/",
        organizations.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<int:organization_id>/edit/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path("governance/", governance.governance_list, name="governance_list"),
    path("governance/<slug:slug>/", governance.governance_detail, name="governance_detail"),
]
