"""Stub: the partners' webhook pages under ``/webhooks/`` (namespace ``webhooks``)."""

from django.urls import URLPattern

app_name = "webhooks"

urlpatterns: list[URLPattern] = []
