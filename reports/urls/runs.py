"""Stub: written by the runs part."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
