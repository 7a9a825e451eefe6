"""Pages of the project portfolio for the projects' organizations (included by
challenges.urls): "Our projects", the project page and its actions."""

from django.urls import URLPattern, URLResolver, path

from ..views import portfolio as views

P = "projects/<int:project_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/", views.project_list, name="project_list"),
    path(P, views.project_detail, name="project_detail"),
    path(f"{P}milestones/", views.milestone_add, name="project_milestone_add"),
    *[
        path(
            f"{P}milestones/<int:milestone_id>/{action}/",
            views.milestone_action,
            {"action": action},
            name=f"project_milestone_{action}",
        )
        for action in ("submit", "accept", "return")
    ],
    path(f"{P}indicators/", views.indicator_add, name="project_indicator_add"),
    path(
        f"{P}indicators/<int:indicator_id>/periods/",
        views.measurement_record,
        name="project_measurement_record",
    ),
    path(f"{P}updates/", views.progress_update_submit, name="project_update_submit"),
    path(
        f"{P}updates/<int:update_id>/comments/",
        views.progress_comment_add,
        name="project_comment_add",
    ),
    path(f"{P}impact/", views.impact_claim, name="project_impact_claim"),
    path(f"{P}impact/<int:entry_id>/edit/", views.impact_edit, name="project_impact_edit"),
    path(f"{P}impact/<int:entry_id>/correct/", views.impact_correct, name="project_impact_correct"),
    *[
        path(
            f"{P}impact/<int:entry_id>/{action}/",
            views.impact_action,
            {"action": action},
            name=f"project_impact_{action}",
        )
        for action in ("withdraw", "confirm", "reject")
    ],
]
