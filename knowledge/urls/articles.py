"""Routes of the knowledge base's articles pages (namespace ``knowledge``)."""

from django.urls import URLPattern, URLResolver, path

from ..views import articles as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/mine/", views.my_articles, name="my_articles"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("articles/<slug:slug>/edit/", views.article_edit, name="article_edit"),
    path(
        "articles/<slug:slug>/revisions/<int:number>/",
        views.article_revision,
        name="article_revision",
    ),
    path("articles/<slug:slug>/<slug:name>/", views.article_action, name="article_action"),
]
