"""A person's own profile page. Thin: the service does the write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cluster_portal.core.forms import add_service_error

from ..forms.accounts import ProfileForm
from ..models import User
from ..services.accounts import user_profile_update


class PersonRequest(HttpRequest):
    user: User


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Switch the interface to ``language`` the way Django's ``set_language`` view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: PersonRequest) -> HttpResponse:
    """The signed-in person's name, position, phone and language."""
    user = request.user
    form = ProfileForm.for_user(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(actor=user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            # The chosen language is also the interface's from now on (this reply included).
            translation.activate(user.language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("account_profile")
            set_language_cookie(response, user.language)
            return response
    return render(request, "members/account/profile.html", {"form": form, "person": user})
