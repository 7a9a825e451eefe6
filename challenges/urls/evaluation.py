"""Pages of the evaluation part of the evaluation (issue 10)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
