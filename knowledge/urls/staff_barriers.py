"""Routes of the knowledge base's staff barriers pages (``/staff/knowledge/barriers/``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import barriers as views

B = "barriers/<int:barrier_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("barriers/", views.barrier_list, name="barrier_list"),
    path("barriers/new/", views.barrier_create, name="barrier_create"),
    path(B, views.barrier_detail, name="barrier_detail"),
    path(f"{B}edit/", views.barrier_edit, name="barrier_edit"),
    path(f"{B}do/<slug:action>/", views.barrier_action, name="barrier_action"),
    path(f"{B}links/", views.barrier_links, name="barrier_links"),
    path(f"{B}evidence/", views.evidence_add, name="barrier_evidence_add"),
    path(
        f"{B}evidence/<uuid:attachment_id>/remove/",
        views.evidence_remove,
        name="barrier_evidence_remove",
    ),
]
