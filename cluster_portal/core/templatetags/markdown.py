"""``{% load markdown %}{{ organization.description|markdown }}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from cluster_portal.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: object) -> SafeString:
    """Sanitized HTML from user-written Markdown (see ``cluster_portal.core.markdown``)."""
    return render_markdown("" if value is None else str(value))
