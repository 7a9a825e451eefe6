"""The evaluator pool and the redacted texts for blind review, under /staff/challenges/
(challenges.urls.staff)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import evaluators as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("evaluators/", views.evaluator_list, name="evaluator_list"),
    path("evaluators/add/", views.evaluator_add, name="evaluator_add"),
    path("evaluators/invite/", views.evaluator_invite, name="evaluator_invite"),
    path("evaluators/<int:evaluator_id>/", views.evaluator_edit, name="evaluator_edit"),
    path("evaluators/<int:evaluator_id>/active/", views.evaluator_active, name="evaluator_active"),
    path("proposals/<int:proposal_id>/redact/", views.proposal_redact, name="proposal_redact"),
]
