"""Routes of missions' staff agenda pages (``views.staff.agenda``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import agenda

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:mission_id>/agenda/", agenda.agenda, name="agenda"),
    path("<int:mission_id>/agenda/add/", agenda.item_add, name="agenda_item_add"),
    path("<int:mission_id>/agenda/<int:item_id>/edit/", agenda.item_edit, name="agenda_item_edit"),
    path(
        "<int:mission_id>/agenda/<int:item_id>/cancel/",
        agenda.item_cancel,
        name="agenda_item_cancel",
    ),
    path(
        "<int:mission_id>/agenda/<int:item_id>/delete/",
        agenda.item_delete,
        name="agenda_item_delete",
    ),
]
