"""Knowledge-base pages under ``/knowledge/`` (each sub-domain in its own module); the editors'
under ``/staff/knowledge/`` (``urls.staff``); the portal-wide search page at ``/search/``
(``urls.search``, included by ``cluster_portal/urls.py``)."""

from django.urls import include, path

app_name = "knowledge"

urlpatterns = [
    path("", include("knowledge.urls.articles")),
    path("", include("knowledge.urls.barriers")),
    path("", include("knowledge.urls.opportunities")),
    path("", include("knowledge.urls.ecosystem")),
]
