"""The knowledge base's demo dataset: articles, barriers and opportunities in every state, valid,
written by the people who would write them, findable, and idempotent."""

from __future__ import annotations

import datetime
import io
import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from challenges import demo as challenges_demo
from cluster_portal.core import roles
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from knowledge import demo, permissions
from knowledge.demo import articles as demo_articles
from knowledge.demo import barriers as demo_barriers
from knowledge.demo import opportunities as demo_opportunities
from knowledge.demo.authors import AUTHOR_EMAILS
from knowledge.demo.common import EDITOR_EMAIL, TOPICS
from knowledge.models import (
    Article,
    BarrierStatusChange,
    KnowledgeAuthor,
    OpportunityInterest,
    RegulatoryBarrier,
    Topic,
    ValueOpportunity,
    Visibility,
)
from knowledge.selectors.search import search
from members import demo as members_demo
from members.models import Organization, User
from missions import demo as missions_demo
from notifications.models import Notification, OutboxEmail
from notifications.services import in_app_only

pytestmark = pytest.mark.django_db

OUTPUT: list[str] = []


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The members', open-innovation, missions and knowledge demos, seeded once for the module
    (as ``seed_demo`` does, in-app only) inside a transaction rolled back at the end; each test
    runs in its own savepoint on top of it. Uploads go to a temporary directory."""
    field = Attachment._meta.get_field("file")
    storage = field.storage
    field.storage = PrivateFileSystemStorage(location=str(tmp_path_factory.mktemp("private")))
    with django_db_blocker.unblock(), transaction.atomic(), in_app_only():
        members_demo.seed(stdout=io.StringIO())
        challenges_demo.seed(stdout=io.StringIO())
        missions_demo.seed(stdout=io.StringIO())
        emails = OutboxEmail.objects.count()
        out = io.StringIO()
        demo.seed(stdout=out)
        OUTPUT[:] = [out.getvalue(), str(OutboxEmail.objects.count() - emails)]
        yield
        transaction.set_rollback(True)
    field.storage = storage


def _counts() -> dict[str, int]:
    counted: list[Any] = list(apps.get_app_config("knowledge").get_models())
    counted += [User, Notification, OutboxEmail, Attachment]
    return {model.__name__: model.objects.count() for model in counted}


def _articles() -> Any:
    return Article.objects.filter(title__in=demo_articles.ARTICLE_TITLES)


# --- The whole dataset ---------------------------------------------------------------------------


def test_seed_twice_leaves_the_same_data(seeded: None) -> None:
    first = _counts()
    with in_app_only():
        demo.seed(stdout=io.StringIO())
    assert _counts() == first
    assert first["Article"] >= 20
    assert first["RegulatoryBarrier"] >= 12
    assert first["ValueOpportunity"] >= 8


def test_seeded_again_on_a_later_day_nothing_moves(seeded: None) -> None:
    """Nothing in the knowledge base runs on a deadline: a later seed changes no row and no
    date (the published dates and the history stay where they were)."""
    first = _counts()
    dates = sorted(_articles().values_list("published_on", "updated_at"), key=str)
    history = list(BarrierStatusChange.objects.order_by("pk").values_list("changed_at", flat=True))
    later = timezone.now() + datetime.timedelta(days=40)
    with time_machine.travel(later, tick=False), in_app_only():
        demo.seed(stdout=io.StringIO())
    assert _counts() == first
    assert sorted(_articles().values_list("published_on", "updated_at"), key=str) == dates
    assert (
        list(BarrierStatusChange.objects.order_by("pk").values_list("changed_at", flat=True))
        == history
    )


def test_the_seed_prints_a_summary_sends_no_email_and_rebuilds_the_index_last(
    seeded: None,
) -> None:
    summary, emails = OUTPUT
    for part in ("knowledge articles: 25", "regulatory barriers: 14", "opportunities: 8"):
        assert part in summary
    # The search index is the last step: it already counts every knowledge record.
    assert summary.rindex("search index:") > summary.rindex("opportunities:")
    assert "article 25" in summary
    assert "barrier 14" in summary
    assert emails == "0"


def test_every_demo_row_is_valid(seeded: None) -> None:
    models: list[Any] = list(apps.get_app_config("knowledge").get_models())
    for model in models:
        if model.__name__.startswith("SearchDocument"):
            continue
        for row in model.objects.all():
            row.full_clean()


def test_the_editor_and_the_designated_authors(seeded: None) -> None:
    editor = User.objects.get(email=EDITOR_EMAIL)
    assert editor.get_full_name() == "Carmen Zeballos Arce"
    assert editor.is_staff
    assert editor.groups.filter(name=roles.EDITOR).exists()
    assert permissions.can_edit_content(editor)
    authors = KnowledgeAuthor.objects.select_related("user", "organization")
    assert {a.user.email for a in authors} == set(AUTHOR_EMAILS)
    assert {a.organization.kind for a in authors} >= {"academia", "mets"}
    for author in authors:
        assert author.designated_by == editor
        assert author.organization.membership_status == Organization.MembershipStatus.ACTIVE
        assert permissions.is_designated_author(author.user)
    assert sorted(Topic.objects.values_list("slug", flat=True)) == sorted(s for s, *_ in TOPICS)


# --- Articles ------------------------------------------------------------------------------------


def test_articles_in_every_state_kind_and_audience(seeded: None) -> None:
    articles = list(_articles().prefetch_related("topics"))
    assert len(articles) >= 20
    statuses = Counter(a.status for a in articles)
    assert set(statuses) == set(Article.Status.values)
    assert statuses[Article.Status.PUBLISHED] >= 10
    assert {a.kind for a in articles} == set(Article.Kind.values)
    published = [a for a in articles if a.status == Article.Status.PUBLISHED]
    assert {a.visibility for a in published} == set(Visibility.values)
    assert {a.language for a in articles} == {"es", "en"}
    assert all(a.topics.all() for a in articles)
    assert all(a.body.count("\n\n") >= 2 and a.summary for a in articles)
    assert not any("lorem" in a.body.lower() for a in articles)
    # Published on the day the editor published them, all in the past, spread over time.
    readable = [a for a in articles if a.status in ("published", "archived")]
    today = timezone.localdate()
    assert all(a.published_on and a.published_on < today for a in readable)
    assert len({a.published_on for a in readable}) == len(readable)
    assert all(a.published_on is None for a in articles if a.status in ("draft", "in_review"))


def test_authors_write_drafts_the_editor_reviews(seeded: None) -> None:
    editor = User.objects.get(email=EDITOR_EMAIL)
    by_author = _articles().filter(created_by__email__in=AUTHOR_EMAILS)
    assert by_author.count() >= 10
    assert by_author.filter(status=Article.Status.DRAFT).exists()
    assert by_author.filter(status=Article.Status.IN_REVIEW).exists()
    for article in by_author.select_related("created_by__knowledge_author"):
        assert article.author_organization == article.created_by.knowledge_author.organization
    returned = _articles().exclude(review_note="").get()
    assert returned.status == Article.Status.DRAFT
    assert "SUNAT" in returned.review_note
    assert Notification.objects.filter(
        event="knowledge.article_returned", recipient=returned.created_by
    ).exists()
    assert Notification.objects.filter(event="knowledge.article_published").count() == (
        by_author.filter(status__in=["published", "archived"]).count()
    )
    assert _articles().filter(created_by=editor, author_organization__isnull=False).exists()


def test_revision_histories_and_documents(seeded: None) -> None:
    revised = [a for a in _articles() if a.revisions.count() >= 2]
    assert len(revised) >= 5
    assert max(a.revisions.count() for a in revised) == 3
    for article in revised:
        numbers = list(article.revisions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        last = article.revisions.order_by("-number").first()
        assert last is not None
        assert last.body == article.body
        assert all(r.note for r in article.revisions.all())
    # The editor revised a published article after publication.
    assert (
        _articles()
        .filter(status="published", revisions__edited_by__email=EDITOR_EMAIL)
        .exclude(created_by__email=EDITOR_EMAIL)
        .exists()
    )
    with_files = [a for a in _articles() if a.attachments.exists()]
    assert len(with_files) >= 3
    for article in with_files:
        attachment = article.attachments.get()
        assert attachment.original_name.endswith(".pdf")
        assert attachment.purpose == "document"


def test_tailings_and_water_articles_are_found_by_search(seeded: None) -> None:
    tailings = _articles().filter(title__icontains="relave")
    assert tailings.count() >= 5
    assert _articles().filter(topics__slug="agua", status="published").count() >= 5
    visible_relaves = _articles().filter(
        status__in=["published", "archived"], visibility=Visibility.PUBLIC
    )
    public_hits = search(user=AnonymousUser(), q="relaves", kinds=["article"]).counts
    assert public_hits["article"] >= 5
    assert public_hits["article"] <= visible_relaves.count()
    member = User.objects.get(email="ana.torres@minera-chachani.pe")
    member_hits = search(user=member, q="relaves", kinds=["article"]).counts
    # The members-only report on thickeners is found by members only.
    assert member_hits["article"] > public_hits["article"]
    editor = User.objects.get(email=EDITOR_EMAIL)
    # Drafts and articles in review are the staff's.
    assert (
        search(user=editor, q="relaves", kinds=["article"]).counts["article"]
        > (member_hits["article"])
    )


# --- Barriers ------------------------------------------------------------------------------------


def test_barriers_in_every_state_with_their_history(seeded: None) -> None:
    barriers = list(RegulatoryBarrier.objects.filter(title__in=demo_barriers.BARRIER_TITLES))
    assert len(barriers) >= 12
    assert set(Counter(b.status for b in barriers)) == set(RegulatoryBarrier.Status.values)
    assert {b.visibility for b in barriers} == set(Visibility.values)
    for barrier in barriers:
        assert barrier.code.startswith("CMSP-BAR-")
        assert barrier.rule
        assert barrier.authority
        assert barrier.description
        assert barrier.value_chain_stage is not None
        assert barrier.value_chain_stage.dimension == "value_chain"
        if barrier.status != "dropped":  # a dropped one may have turned out not to be one
            assert barrier.estimated_cost is not None or barrier.estimated_delay_days
        history = list(barrier.history.order_by("changed_at", "pk"))
        assert history[0].from_status == ""
        assert history[0].to_status == "identified"
        for before, after in itertools.pairwise(history):
            assert after.from_status == before.to_status
            assert after.changed_at > before.changed_at
        assert history[-1].to_status == barrier.status
        assert barrier.created_at.date() < timezone.localdate()
    closing = BarrierStatusChange.objects.filter(to_status__in=["resolved", "dropped"])
    assert closing.count() == 4
    assert all(change.note for change in closing)
    rules = " ".join(b.rule for b in barriers)
    for rule in ("29338", "040-2014-EM", "003-2014-MC", "28976", "30299", "021-2008-MTC"):
        assert rule in rules
    authorities = " ".join(b.authority for b in barriers)
    for authority in ("ANA", "SENACE", "Ministerio de Cultura", "SUCAMEC", "MTC", "SUNAT"):
        assert authority in authorities


def test_barriers_carry_case_numbers_endorsements_links_and_evidence(seeded: None) -> None:
    barriers = RegulatoryBarrier.objects.filter(title__in=demo_barriers.BARRIER_TITLES)
    with_cases = barriers.exclude(case_number="")
    assert with_cases.count() >= 3
    assert with_cases.filter(case_number__contains="CEB").count() >= 2
    assert all(b.status in ("in_dialogue", "resolved") for b in with_cases)
    endorsed = [b for b in barriers if b.endorsements.count() >= 3]
    assert len(endorsed) >= 4
    endorsements = [e for b in barriers for e in b.endorsements.select_related("organization")]
    assert len({e.organization_id for e in endorsements}) >= 15
    assert sum(bool(e.statement) for e in endorsements) >= len(endorsements) // 2
    for endorsement in endorsements:
        assert endorsement.endorsed_by is not None
        assert endorsement.endorsed_by.organization_memberships.filter(
            organization=endorsement.organization, role="admin"
        ).exists()
    assert barriers.filter(challenges__isnull=False).distinct().count() >= 5
    assert barriers.filter(projects__isnull=False).distinct().count() >= 4
    assert barriers.filter(attachments__isnull=False).distinct().count() >= 3
    # The endorsers were told of the moves after they endorsed.
    assert Notification.objects.filter(event="knowledge.barrier_status").exists()


# --- Opportunities -------------------------------------------------------------------------------


def test_value_added_opportunities_with_assessments_studies_and_interests(seeded: None) -> None:
    opportunities = list(ValueOpportunity.objects.filter(product__in=demo_opportunities.PRODUCTS))
    assert len(opportunities) >= 8
    codes = {o.hs_code[:7] for o in opportunities}
    assert {"7408.11", "7408.19", "8544.11", "7403.11", "7411.10", "2807.00"} <= codes
    assert {o.stage for o in opportunities} == set(ValueOpportunity.Stage.values)
    assert {o.status for o in opportunities} == set(ValueOpportunity.Status.values)
    for opportunity in opportunities:
        for name in ("economic", "financial", "environmental"):
            assert 1 <= getattr(opportunity, f"{name}_rating") <= 5
            assert getattr(opportunity, f"{name}_justification")
            assert getattr(opportunity, f"{name}_sources")
        assert opportunity.local_capability
        assert opportunity.product_en
        assert (opportunity.import_value is None) == (opportunity.import_year is None)
        if opportunity.status == ValueOpportunity.Status.DRAFT:
            assert not opportunity.interests.exists()
        else:
            assert opportunity.studies.exists()
            assert opportunity.interests.count() >= 3
            assert all(s.status == Article.Status.PUBLISHED for s in opportunity.studies.all())
    sources = " ".join(o.economic_sources + o.financial_sources for o in opportunities)
    for source in ("MINEM", "BCRP", "SUNAT"):
        assert source in sources
    interests = OpportunityInterest.objects.select_related("organization", "registered_by")
    assert {i.role for i in interests} == set(OpportunityInterest.Role.values)
    for interest in interests:
        assert interest.organization.membership_status == Organization.MembershipStatus.ACTIVE
        assert interest.registered_by is not None
        assert interest.registered_by.organization_memberships.filter(
            organization=interest.organization
        ).exists()


# --- The pages show the demo ---------------------------------------------------------------------


def test_a_visitor_reads_the_public_knowledge_base(seeded: None) -> None:
    visitor = Client()
    for name in ("article_list", "barrier_list", "opportunity_list"):
        assert visitor.get(reverse(f"knowledge:{name}")).status_code == 200
    for article in _articles():
        response = visitor.get(reverse("knowledge:article_detail", args=[article.slug]))
        readable = article.status in ("published", "archived") and article.visibility == "public"
        assert response.status_code == (200 if readable else 404), article.title
    for barrier in RegulatoryBarrier.objects.all():
        response = visitor.get(reverse("knowledge:barrier_detail", args=[barrier.code]))
        assert response.status_code == (200 if barrier.visibility == "public" else 404)
    for opportunity in ValueOpportunity.objects.all():
        response = visitor.get(reverse("knowledge:opportunity_detail", args=[opportunity.slug]))
        shown = opportunity.status == "published" and opportunity.visibility == "public"
        assert response.status_code == (200 if shown else 404)


def test_the_editors_pages_show_the_demo(seeded: None) -> None:
    editor = User.objects.get(email=EDITOR_EMAIL)
    TOTP.activate(editor, generate_totp_secret())  # staff pages require two-factor auth
    client = Client()
    client.force_login(editor)
    for name in ("article_list", "article_queue", "barrier_list", "opportunity_list"):
        assert client.get(reverse(f"knowledge_staff:{name}")).status_code == 200, name
    for article in _articles():
        url = reverse("knowledge_staff:article_review", args=[article.pk])
        assert client.get(url).status_code == 200, url
    for barrier in RegulatoryBarrier.objects.all():
        url = reverse("knowledge_staff:barrier_detail", args=[barrier.pk])
        assert client.get(url).status_code == 200, url
    for opportunity in ValueOpportunity.objects.all():
        url = reverse("knowledge_staff:opportunity_detail", args=[opportunity.pk])
        assert client.get(url).status_code == 200, url
