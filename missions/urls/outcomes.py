"""Routes of a delegate's outcome and agreements, on the delegate's page (``views.delegates``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import delegates as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("delegates/<int:delegate_id>/outcome/", views.outcome_record, name="outcome_record"),
    path(
        "delegates/<int:delegate_id>/agreements/", views.agreement_create, name="agreement_create"
    ),
    path(
        "delegates/<int:delegate_id>/agreements/<int:agreement_id>/impact/",
        views.agreement_impact,
        name="agreement_impact",
    ),
]
