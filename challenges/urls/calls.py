"""Pages of the calls sub-domain (included by challenges.urls)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
