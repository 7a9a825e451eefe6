"""Routes of the report runs pages (namespace ``reports_staff``, under ``/staff/reports/``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import runs as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/<str:kind>/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
]
