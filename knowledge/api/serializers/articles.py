"""Output serializers of ``GET /api/v1/knowledge/articles/`` (read only).

Rows come from ``knowledge.selectors.articles.article_api_queryset`` (author organization
selected; topics and documents prefetched), so serializing a page runs no query. The text is
given twice: ``body`` as written (Markdown) and ``body_html`` sanitized the way the portal
shows it (``cluster_portal.core.markdown``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cluster_portal.core.markdown import render_markdown
from cluster_portal.files.models import Attachment

from ...models import Article, Topic


class TopicSerializer(serializers.ModelSerializer[Topic]):
    code = serializers.CharField(source="slug", help_text="Code of the topic (?topic= filter).")

    class Meta:
        model = Topic
        fields = ("code", "name_es", "name_en")


class DocumentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField(
        help_text="Permission-checked download (a portal session that may read the article)."
    )

    class Meta:
        model = Attachment
        fields = ("name", "mime_type", "size", "download_url")

    def get_download_url(self, attachment: Attachment) -> str:
        url = attachment.get_download_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AuthorOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ArticleSerializer(serializers.ModelSerializer[Article]):
    body_html = serializers.SerializerMethodField(
        help_text="The text as HTML, sanitized (links, lists, tables; no scripts or styles)."
    )
    author_organization = AuthorOrganizationSerializer(allow_null=True, read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The article's page in the portal.")

    class Meta:
        model = Article
        fields = (
            "id",
            "slug",
            "kind",
            "status",
            "visibility",
            "language",
            "title",
            "summary",
            "body",
            "body_html",
            "published_on",
            "author_organization",
            "topics",
            "documents",
            "url",
            "updated_at",
        )

    def get_body_html(self, article: Article) -> str:
        return str(render_markdown(article.body))

    def get_documents(self, article: Article) -> list[dict[str, Any]]:
        documents = getattr(article, "documents", None)
        if documents is None:
            from ...selectors.articles import article_documents

            documents = article_documents(article)
        return list(DocumentSerializer(documents, many=True, context=self.context).data)

    def get_url(self, article: Article) -> str:
        from django.urls import reverse

        url = reverse("knowledge:article_detail", kwargs={"slug": article.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
