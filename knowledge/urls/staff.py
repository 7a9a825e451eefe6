"""The editors' pages, under ``/staff/knowledge/``."""

from django.urls import include, path

app_name = "knowledge_staff"

urlpatterns = [
    path("", include("knowledge.urls.staff_articles")),
    path("", include("knowledge.urls.staff_barriers")),
    path("", include("knowledge.urls.staff_opportunities")),
]
