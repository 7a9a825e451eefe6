"""Routes of the editors' value-added opportunities pages (namespace ``knowledge_staff``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import opportunities

urlpatterns: list[URLPattern | URLResolver] = [
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity_create"),
    path(
        "opportunities/<int:opportunity_id>/",
        opportunities.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "opportunities/<int:opportunity_id>/edit/",
        opportunities.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:opportunity_id>/studies/",
        opportunities.opportunity_studies,
        name="opportunity_studies",
    ),
    path(
        "opportunities/<int:opportunity_id>/<slug:action>/",
        opportunities.opportunity_action,
        name="opportunity_action",
    ),
]
