"""Routes of the knowledge base's value-added opportunities pages (namespace ``knowledge``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import opportunities

urlpatterns: list[URLPattern | URLResolver] = [
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path(
        "opportunities/<slug:slug>/",
        opportunities.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "opportunities/<slug:slug>/interest/",
        opportunities.opportunity_interest,
        name="opportunity_interest",
    ),
    path(
        "opportunities/<slug:slug>/interest/<int:interest_id>/withdraw/",
        opportunities.opportunity_interest_withdraw,
        name="opportunity_interest_withdraw",
    ),
]
