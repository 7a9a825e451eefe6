"""Staff pages of the proposals sub-domain under /staff/challenges/ (challenges.urls.staff)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
