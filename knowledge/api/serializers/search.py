"""Shapes of ``GET /api/v1/search/`` (``knowledge.api.views.search``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ...models import SearchDocument
from ...selectors.search import MAX_QUERY_LENGTH


class SearchQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The query string: ``q`` (required), ``kind`` (optional)."""

    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=True,
        help_text=_(
            'Words to find (accents optional): "a phrase" in quotes, -word to leave a word '
            'out, "or" between alternatives.'
        ),
    )
    kind = serializers.ChoiceField(
        choices=SearchDocument.Kind.choices,
        required=False,
        help_text=_("Only results of this kind (the counts per kind still cover every kind)."),
    )


class SearchHitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=SearchDocument.Kind.choices)
    kind_label = serializers.CharField(help_text=_("The kind in the language of the request."))
    object_id = serializers.IntegerField(help_text=_("The record's id within its kind."))
    title = serializers.CharField(help_text=_("Plain text: escape it before putting it in HTML."))
    url = serializers.URLField(help_text=_("The record's page in the portal."))
    snippet = serializers.CharField(
        help_text=_(
            "Safe HTML: the record's text escaped, the matching words in <mark> tags; may be empty."
        )
    )
    rank = serializers.FloatField(help_text=_("Relevance; higher first."))


class SearchResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField(help_text=_("Results of the chosen kind (all kinds)."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Results per kind the caller may see (kinds with none absent)."),
    )
    results = SearchHitSerializer(many=True)
