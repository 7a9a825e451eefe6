"""Staff pages of the proposals sub-domain under /staff/challenges/ (challenges.urls.staff)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import proposals as views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "calls/<int:call_id>/proposals/",
        views.call_proposal_list,
        name="call_proposal_list",
    ),
    path(
        "calls/<int:call_id>/proposals/<int:proposal_id>/",
        views.call_proposal_detail,
        name="call_proposal_detail",
    ),
]
