"""API views of the surveys sub-domain. urlpatterns is included by challenges.api.urls."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
