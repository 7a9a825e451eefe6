"""Routes of the delegate's page: the page, attendance and the readiness checklist
(``views.delegates``; the outcome routes are in ``urls.outcomes``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import delegates as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("delegates/<int:delegate_id>/", views.delegate_detail, name="delegate_detail"),
    path("delegates/<int:delegate_id>/confirm/", views.delegate_confirm, name="delegate_confirm"),
    path(
        "delegates/<int:delegate_id>/checklist/<int:item_id>/",
        views.readiness_item_update,
        name="readiness_item_update",
    ),
]
