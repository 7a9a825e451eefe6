"""Staff pages of a call's ranking under /staff/challenges/ (challenges.urls.staff)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import ranking as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/<int:call_id>/ranking/", views.call_ranking_page, name="call_ranking"),
    path("calls/<int:call_id>/ranking.xlsx", views.call_ranking_xlsx, name="call_ranking_xlsx"),
]
