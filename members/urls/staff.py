"""The secretariat's membership pages, mounted at /staff/members/ (namespace ``members_staff``).

``/staff/`` is guarded by ``StaffMFARequiredMiddleware`` (staff with two-factor authentication).
"""

from django.urls import path

from ..views.staff import dues
from ..views.staff import membership as staff

app_name = "members_staff"

urlpatterns = [
    path("applications/", staff.application_list, name="application_list"),
    path(
        "applications/<int:application_id>/",
        staff.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:application_id>/approve/",
        staff.application_decide,
        {"decision": "approve"},
        name="application_approve",
    ),
    path(
        "applications/<int:application_id>/reject/",
        staff.application_decide,
        {"decision": "reject"},
        name="application_reject",
    ),
    path(
        "applications/<int:application_id>/request-info/",
        staff.application_decide,
        {"decision": "request-info"},
        name="application_request_info",
    ),
    path("organizations/", staff.organization_list, name="organization_list"),
    path(
        "organizations/<int:organization_id>/",
        staff.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<int:organization_id>/suspend/",
        staff.organization_change_status,
        {"action": "suspend"},
        name="organization_suspend",
    ),
    path(
        "organizations/<int:organization_id>/reinstate/",
        staff.organization_change_status,
        {"action": "reinstate"},
        name="organization_reinstate",
    ),
    path(
        "organizations/<int:organization_id>/lapse/",
        staff.organization_change_status,
        {"action": "lapse"},
        name="organization_lapse",
    ),
    path(
        "organizations/<int:organization_id>/dues/",
        dues.organization_dues,
        name="organization_dues",
    ),
]
