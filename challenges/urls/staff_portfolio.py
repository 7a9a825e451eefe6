"""Staff pages of the portfolio sub-domain under /staff/challenges/portfolio/
(challenges.urls.staff)."""

from django.urls import path

from ..views.staff import portfolio as views

urlpatterns = [
    path("portfolio/", views.project_list, name="portfolio_list"),
    path("portfolio/new/", views.project_create, name="portfolio_create"),
    path("portfolio/verification/", views.verification_queue, name="portfolio_verification"),
    path(
        "portfolio/impact/<int:entry_id>/verify/",
        views.impact_verify,
        name="portfolio_impact_verify",
    ),
    path(
        "portfolio/impact/<int:entry_id>/reject/",
        views.impact_reject,
        name="portfolio_impact_reject",
    ),
    path("portfolio/<int:project_id>/", views.project_detail, name="portfolio_project"),
    path("portfolio/<int:project_id>/edit/", views.project_edit, name="portfolio_edit"),
    path(
        "portfolio/<int:project_id>/do/<slug:action>/",
        views.project_action,
        name="portfolio_action",
    ),
    path(
        "portfolio/<int:project_id>/participants/",
        views.participant_add,
        name="portfolio_participant_add",
    ),
    path(
        "portfolio/<int:project_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="portfolio_participant_remove",
    ),
    path("portfolio/<int:project_id>/funding/", views.funding_add, name="portfolio_funding_add"),
    path(
        "portfolio/<int:project_id>/funding/<int:funding_id>/remove/",
        views.funding_remove,
        name="portfolio_funding_remove",
    ),
    path(
        "portfolio/<int:project_id>/schedule/",
        views.schedule_update,
        name="portfolio_schedule",
    ),
    path(
        "portfolio/<int:project_id>/milestones/",
        views.milestone_add,
        name="portfolio_milestone_add",
    ),
    path(
        "portfolio/<int:project_id>/milestones/<int:milestone_id>/cancel/",
        views.milestone_cancel,
        name="portfolio_milestone_cancel",
    ),
]
