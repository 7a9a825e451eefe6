from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from members.models import Organization

from . import legal


def _contact() -> dict[str, str]:
    """The secretariat's contact details (settings ``CONTACT_*``)."""
    return {
        "email": settings.CONTACT_EMAIL,
        "phone": settings.CONTACT_PHONE,
        "address": settings.CONTACT_ADDRESS,
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Public landing page of the portal: what the cluster does and how to become a member."""
    return render(
        request,
        "core/home.html",
        {"kinds": Organization.Kind.choices, "contact": _contact()},
    )


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach the secretariat."""
    return render(request, "core/contact.html", {"contact": _contact()})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (Ley 29733), in the version sign-up asks people to accept."""
    return render(
        request,
        "core/privacy.html",
        {
            "contact": _contact(),
            "version": legal.PRIVACY_NOTICE_VERSION,
            "version_date": legal.PRIVACY_NOTICE_DATE,
        },
    )


@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    """The terms of use of the portal."""
    return render(
        request,
        "core/terms.html",
        {
            "contact": _contact(),
            "version": legal.TERMS_VERSION,
            "version_date": legal.TERMS_DATE,
        },
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered with a minimal context: the failure may come from a context processor.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({}), status=500)
