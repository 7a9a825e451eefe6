"""The staff home and staff role management (``/staff/``, ``/staff/roles/``).

``StaffMFARequiredMiddleware`` keeps all of ``/staff/`` to staff accounts with two-factor
authentication (anyone else gets a 404); inside, each page asks the role permission it needs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cluster_portal.core.forms import add_service_error, error_text
from cluster_portal.core.roles import ROLES
from members.viewer import viewer_for

from . import selectors, services
from .areas import staff_areas_for
from .forms import RoleChangeForm, StaffAccountAddForm, StaffAccountFilterForm
from .permissions import can_manage_roles


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """Start page of the staff area: the areas the person's roles open, and their roles."""
    viewer = viewer_for(request.user)
    if not viewer.is_staff:  # Defence in depth: the middleware has already said 404.
        raise Http404
    return render(
        request,
        "staff/home.html",
        {
            "areas": staff_areas_for(viewer),
            "my_roles": [ROLES[code] for code in viewer.role_codes],
            "has_staff_role": viewer.has_staff_role,
        },
    )


def _require_role_manager(request: HttpRequest) -> None:
    if not can_manage_roles(request.user):
        raise PermissionDenied


@require_safe
@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    """Staff accounts with their roles: search by name or email, filter by role."""
    _require_role_manager(request)
    form = StaffAccountFilterForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {}
    accounts = selectors.staff_accounts(query=cleaned.get("q", ""), role=cleaned.get("role", ""))
    page = Paginator(accounts, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"account": account, "roles": [ROLES[c] for c in selectors.role_codes_of(account)]}
        for account in page.object_list
    ]
    counts = selectors.role_holder_counts()
    return render(
        request,
        "staff/role_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "catalogue": [(role, counts[role.code]) for role in ROLES.values()],
        },
    )


def _account_context(account: object, **extra: object) -> dict[str, object]:
    held = set(selectors.role_codes_of(account))
    return {
        "account": account,
        "roles": [(role, role.code in held) for role in ROLES.values()],
        **extra,
    }


@require_safe
@login_required
def role_account(request: HttpRequest, user_id: int) -> HttpResponse:
    """One staff account's roles, each with its grant or revoke button."""
    _require_role_manager(request)
    account = selectors.staff_account_get(user_id=user_id)
    return render(request, "staff/role_account.html", _account_context(account))


@require_POST
@login_required
def role_change(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    """Grant (``action="grant"``) or revoke a role; the service's refusal is shown as a
    message (the last administrator, an inactive account)."""
    _require_role_manager(request)
    account = selectors.staff_account_get(user_id=user_id)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the staff roles."))
        return redirect("staff:role_account", user_id=account.pk)
    role = ROLES[form.cleaned_data["role"]]
    service = services.staff_role_grant if action == "grant" else services.staff_role_revoke
    try:
        changed = service(actor=request.user, user=account, role=role.code)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        person = account.get_full_name() or account.email
        if not changed:
            messages.info(request, _("Nothing changed."))
        elif action == "grant":
            messages.success(
                request,
                _("%(person)s is now %(role)s.") % {"person": person, "role": role.label},
            )
        else:
            messages.success(
                request,
                _("%(person)s no longer holds the role %(role)s.")
                % {"person": person, "role": role.label},
            )
    return redirect("staff:role_account", user_id=account.pk)


@require_http_methods(["GET", "POST"])
@login_required
def staff_account_add(request: HttpRequest) -> HttpResponse:
    """Make an existing account staff, with a first role."""
    _require_role_manager(request)
    form = StaffAccountAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.staff_account_add(
                actor=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(person)s is now a member of staff. They must set up two-factor "
                    "authentication before they can enter the staff area."
                )
                % {"person": account.get_full_name() or account.email},
            )
            return redirect("staff:role_account", user_id=account.pk)
    return render(request, "staff/staff_account_add.html", {"form": form})
