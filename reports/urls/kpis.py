"""Stub: written by the kpis part."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
