from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Values every template may use."""
    return {"SITE_URL": settings.SITE_URL, "PORTAL_NAME_SHORT": "CMSP"}
