"""Routes of the editors' article pages (namespace ``knowledge_staff``, ``/staff/knowledge/``)."""

from django.urls import URLPattern, URLResolver, path

from ..views.staff import articles as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/review/", views.article_queue, name="article_queue"),
    path("articles/<int:article_id>/", views.article_review, name="article_review"),
    path("articles/<int:article_id>/<slug:name>/", views.article_action, name="article_action"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<int:author_id>/revoke/", views.author_revoke, name="author_revoke"),
]
