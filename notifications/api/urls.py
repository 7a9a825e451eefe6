"""Webhook endpoints, included in ``/api/v1/``: ``webhooks/`` (stub until written)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
