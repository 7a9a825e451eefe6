"""API views of the calls sub-domain. urlpatterns is included by challenges.api.urls."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
