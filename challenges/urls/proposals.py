"""Pages of the proposals sub-domain (included by challenges.urls)."""

from django.urls import URLPattern, URLResolver, path

from ..views import proposals as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("calls/<slug:code>/propose/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/save/", views.proposal_save, name="proposal_save"),
    path("proposals/<int:proposal_id>/files/", views.proposal_file_add, name="proposal_file_add"),
    path(
        "proposals/<int:proposal_id>/files/<uuid:attachment_id>/remove/",
        views.proposal_file_remove,
        name="proposal_file_remove",
    ),
    path(
        "proposals/<int:proposal_id>/partners/",
        views.partner_invite,
        name="proposal_partner_invite",
    ),
    path("proposals/<int:proposal_id>/receipt/", views.proposal_receipt, name="proposal_receipt"),
    path(
        "proposals/<int:proposal_id>/receipt.pdf",
        views.proposal_receipt_pdf,
        name="proposal_receipt_pdf",
    ),
    *[
        path(
            f"proposals/<int:proposal_id>/{action}/",
            views.proposal_action,
            {"action": action},
            name=f"proposal_{action}",
        )
        for action in ("submit", "unsubmit", "withdraw")
    ],
    path("partnerships/<int:partner_id>/", views.partner_answer, name="partner_answer"),
    path("partnerships/<int:partner_id>/remove/", views.partner_remove, name="partner_remove"),
]
