"""Forms and filters of the articles: the list's filters (one FilterSet for the HTML pages and
the API), the editors' list filters, the article form of authors and editors, the reason of a
return, and the designation of an author. They validate input only; who may do what is the
services' (``knowledge.services.articles``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cluster_portal.files.validation import KINDS
from members.models import Organization, User

from ..models import Article, Topic, Visibility
from ..services.articles import ARTICLE_DOCUMENT_KINDS

REASON_MAX = Article._meta.get_field("review_note").max_length or 1000
NOTE_MAX = 300


def _label(name: str) -> Any:
    return capfirst(getattr(Article._meta.get_field(name), "verbose_name", name))


# --- The article -----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): ``cleaned_data`` is a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def _accept(kinds: tuple[str, ...]) -> str:
    return ",".join(f".{ext}" for code in kinds for ext in KINDS[code].extensions)


class ArticleForm(forms.Form):
    """An article's fields. Editors also choose the author organization and the publication
    date (``editor=True``); ``data()`` gives the service's ``data``."""

    kind = forms.ChoiceField(label=_label("kind"), choices=Article.Kind.choices)
    title = forms.CharField(label=_label("title"), max_length=250)
    summary = forms.CharField(
        label=_label("summary"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_label("body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown: **bold**, *italics*, # headings, - lists, [links](https://…), tables. "
            "HTML is shown as text."
        ),
    )
    language = forms.ChoiceField(label=_label("language"), choices=settings.LANGUAGES)
    visibility = forms.ChoiceField(label=_label("visibility"), choices=Visibility.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    author_organization = forms.ModelChoiceField(
        label=_label("author_organization"),
        queryset=Organization.objects.order_by("legal_name"),
        required=False,
        empty_label=_("The cluster (no member organization)"),
    )
    published_on = forms.DateField(
        label=_("Publication date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Empty: the day it is published."),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach documents"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, CSV or text; you may choose several."),
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("Shown in the revision history."),
    )

    EDITOR_ONLY = ("author_organization", "published_on")

    def __init__(self, *args: Any, editor: bool = False, creating: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = _accept(ARTICLE_DOCUMENT_KINDS)
        if not editor:
            for name in self.EDITOR_ONLY:
                del self.fields[name]
        if creating:
            del self.fields["note"]

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, Any]:
        return {
            "kind": article.kind,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "language": article.language,
            "visibility": article.visibility,
            "topics": list(article.topics.all()),
            "author_organization": article.author_organization,
            "published_on": article.published_on,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name not in ("files", "note")}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the author change?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AuthorDesignateForm(forms.Form):
    """An editor names a person of a member organization as an author."""

    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(
            membership_status=Organization.MembershipStatus.ACTIVE
        ).order_by("legal_name"),
    )
    email = forms.EmailField(
        label=_("The person's email address"),
        help_text=_("The address they sign in with; they must belong to the organization."),
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has an account with this address."))
        return user
