"""Staff role management under ``/staff/roles/`` (the staff home is ``/staff/``, named
``staff_home`` in the root URLconf)."""

from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.role_list, name="role_list"),
    path("add/", views.staff_account_add, name="account_add"),
    path("<int:user_id>/", views.role_account, name="role_account"),
    path("<int:user_id>/grant/", views.role_change, {"action": "grant"}, name="role_grant"),
    path("<int:user_id>/revoke/", views.role_change, {"action": "revoke"}, name="role_revoke"),
]
