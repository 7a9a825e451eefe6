"""The evaluator's pages under /challenges/evaluations/ (challenges.urls)."""

from django.urls import URLPattern, URLResolver, path

from ..views import evaluation as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:assignment_id>/", views.evaluation_proposal, name="evaluation_proposal"),
    path(
        "evaluations/<int:assignment_id>/declare/",
        views.evaluation_declare,
        name="evaluation_declare",
    ),
    path(
        "evaluations/<int:assignment_id>/files/<int:number>/",
        views.evaluation_file,
        name="evaluation_file",
    ),
    path(
        "evaluations/<int:assignment_id>/review/",
        views.evaluation_review,
        name="evaluation_review",
    ),
]
