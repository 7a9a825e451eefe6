"""The open-innovation demo dataset: realistic, valid, idempotent, and alive whatever the date."""

from __future__ import annotations

import datetime
import io
import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from challenges import demo
from challenges.conflicts import detect_conflicts
from challenges.demo import evaluation as demo_evaluation
from challenges.demo import surveys as demo_surveys
from challenges.demo.common import CALL_MANAGER_EMAIL
from challenges.models import (
    Assignment,
    Call,
    CallClarification,
    CallQuestion,
    Challenge,
    ConflictOverride,
    DeadlineExtension,
    Decision,
    DecisionBatch,
    Evaluator,
    ImpactEntry,
    Indicator,
    Measurement,
    Milestone,
    ProgressComment,
    ProgressUpdate,
    Project,
    ProjectFunding,
    Proposal,
    ProposalAnswer,
    ProposalSubmission,
    RedactedText,
    Review,
    SurveyRound,
)
from challenges.models.proposals import COMMITMENT_LETTER_PURPOSE
from challenges.permissions import (
    can_coordinate_evaluation,
    can_manage_calls,
    can_manage_portfolio,
)
from challenges.selectors.impact import showcase_impact_totals
from challenges.selectors.portfolio import milestone_evidence, project_list_queryset
from challenges.selectors.ranking import call_ranking
from challenges.services.decisions import batch_verifies
from challenges.services.evaluation import review_phase_open
from challenges.services.proposals import snapshot_sha256
from cluster_portal.files.models import Attachment
from cluster_portal.files.storage import PrivateFileSystemStorage
from members import demo as members_demo
from members.models import Organization, OrganizationMember, User

ACADEMIA = Organization.Kind.ACADEMIA

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The demo, seeded once for the module (it takes seconds) inside a transaction rolled back
    at the end; each test runs in its own savepoint on top of it. Uploads (logos, letters) go
    to a temporary directory."""
    field = Attachment._meta.get_field("file")
    storage = field.storage
    field.storage = PrivateFileSystemStorage(location=str(tmp_path_factory.mktemp("private")))
    with django_db_blocker.unblock(), transaction.atomic():
        members_demo.seed(stdout=io.StringIO())
        demo.seed(stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    field.storage = storage


def _counts() -> dict[str, int]:
    from challenges import models

    counted = [getattr(models, name) for name in models.__all__]
    counted += [Challenge.shared_with.through]
    return {model.__name__: model.objects.count() for model in counted}


def test_seed_twice_leaves_the_same_data(seeded: None) -> None:
    first = _counts()
    started = time.monotonic()
    demo.seed(stdout=io.StringIO())
    assert time.monotonic() - started < 10
    assert _counts() == first


def test_challenges_cover_every_state_and_confidentiality(seeded: None) -> None:
    challenges = list(Challenge.objects.all())
    assert len(challenges) >= 30
    assert {c.status for c in challenges} == set(Challenge.Status.values)
    assert {c.confidentiality for c in challenges} == set(Challenge.Confidentiality.values)
    restricted = [c for c in challenges if c.is_restricted]
    assert sum(1 for c in restricted if c.has_public_version) >= 3
    assert all(c.public_title.strip() == "" for c in challenges if not c.is_restricted)
    merged = [c for c in challenges if c.status == Challenge.Status.MERGED]
    assert merged
    assert all(c.merged_into_id and c.status_before_merge for c in merged)
    # Shared pairs link challenges of different companies.
    pairs = Challenge.shared_with.through.objects.select_related("from_challenge", "to_challenge")
    assert pairs.count() >= 6  # three pairs, both directions
    assert all(p.from_challenge.organization_id != p.to_challenge.organization_id for p in pairs)
    # Many companies, regions and altitudes.
    assert len({c.organization_id for c in challenges}) >= 10
    assert len({c.region for c in challenges}) >= 7
    assert len({c.altitude_band for c in challenges}) == len(Challenge.AltitudeBand.values)
    assert len({c.operational_area for c in challenges}) >= 12


def test_triage_queue_shows_waiting_times_and_requests(seeded: None) -> None:
    now = timezone.now()
    queued = Challenge.objects.filter(status=Challenge.Status.SUBMITTED)
    waits = sorted((now - c.queued_at).days for c in queued)
    assert waits[0] <= 3  # some fresh,
    assert waits[-1] >= 14  # some waiting for weeks
    assert all(c.reference and c.reference.startswith("CMSP-RET-") for c in queued)
    assert queued.exclude(detail_answer="").exists()  # answered a request, back in the queue
    asked = Challenge.objects.filter(status=Challenge.Status.DETAIL_REQUESTED)
    assert asked.count() >= 2
    assert all(c.detail_checklist and c.queued_at is None for c in asked)
    declined = Challenge.objects.filter(status=Challenge.Status.DECLINED)
    assert declined
    assert all(c.decline_reason for c in declined)


def test_rounds_one_open_now_one_closed_earlier(seeded: None) -> None:
    rounds = list(SurveyRound.objects.all())
    assert sum(1 for r in rounds if r.is_open) == 1
    assert sum(1 for r in rounds if r.closes_at < timezone.now()) == 1
    first = SurveyRound.objects.get(title=demo_surveys.ROUNDS[demo_surveys.FIRST][0])
    assert all(
        first.opens_at <= c.submitted_at < first.closes_at
        for c in first.challenges.exclude(submitted_at=None)
    )


def test_every_demo_row_is_valid(seeded: None) -> None:
    from challenges import models

    for name in models.__all__:
        for row in getattr(models, name).objects.all():
            row.full_clean()


def test_the_demo_stays_alive_when_seeded_again_later(seeded: None) -> None:
    before = _counts()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=60), tick=False):
        demo.seed(stdout=io.StringIO())
        assert _counts() == before
        current = [r for r in SurveyRound.objects.all() if r.is_open]
        assert len(current) == 1
        open_now = _open_now()
        assert len(open_now) >= 2
        assert {c.status for c in Call.objects.all()} == set(Call.Status.values)
        submissions = ProposalSubmission.objects.all()
        assert all(s.sha256 == snapshot_sha256(s.snapshot) for s in submissions)
        batches = DecisionBatch.objects.select_related("call")
        assert len(batches) == 2
        assert all(batch_verifies(b) and b.published_at == b.call.results_at for b in batches)
        ongoing = Call.objects.get(code=demo_evaluation.ONGOING_CALL)
        assert review_phase_open(ongoing)
        assert all(a.due_at > timezone.now() for a in Assignment.objects.filter(call=ongoing))
        waits = sorted(
            (timezone.now() - c.queued_at).days
            for c in Challenge.objects.filter(status=Challenge.Status.SUBMITTED)
        )
        assert waits[0] <= 3


def _open_now() -> list[Call]:
    now = timezone.now()
    return [
        c for c in Call.objects.filter(status=Call.Status.OPEN) if c.opens_at <= now < c.closes_at
    ]


def test_calls_cover_every_state_and_rule(seeded: None) -> None:
    calls = list(Call.objects.prefetch_related("criteria", "questions", "challenges", "sponsors"))
    assert {c.status for c in calls} == set(Call.Status.values)
    open_now = _open_now()
    assert len(open_now) >= 2
    assert any(
        (timezone.localtime(c.closes_at).date() - timezone.localdate()).days == 5 for c in open_now
    )
    for call in calls:
        assert sum(c.weight for c in call.criteria.all()) == 100
        assert call.challenges.all()
        assert call.sponsors.all()
        assert all(c.status == Challenge.Status.ACCEPTED for c in call.challenges.all())
        assert call.opens_at < call.closes_at <= call.evaluation_ends_at <= call.results_at
    past = [c for c in calls if c.status in ("closed", "in_evaluation", "decided", "archived")]
    assert all(c.closes_at < timezone.now() for c in past)
    assert {q.kind for c in calls for q in c.questions.all()} == set(CallQuestion.Kind.values)
    assert {c.funding_per_project.currency.code for c in calls} == {"PEN", "USD"}
    assert any(ACADEMIA in c.required_partner_kinds for c in calls)
    assert any(c.members_only for c in calls)
    assert any(not c.members_only for c in calls)
    assert any(c.eligible_regions for c in calls)
    assert any(c.max_proposals_per_organization for c in calls)
    # The FAQ: a call with published clarifications (in both languages) and one pending.
    faq = CallClarification.objects.filter(call__code="oro-sin-mercurio")
    assert faq.filter(status="published").exclude(public_question_en="").count() >= 2
    assert faq.filter(status="pending").count() == 1
    extension = DeadlineExtension.objects.get()
    assert extension.call.status == Call.Status.CLOSED
    assert extension.closes_at > timezone.now() > extension.call.closes_at


def test_restricted_words_stay_out_of_published_calls(seeded: None) -> None:
    for call in Call.objects.exclude(status="draft").prefetch_related("challenges"):
        text = " ".join([call.title, call.summary, call.description, call.description_en])
        for challenge in call.challenges.all():
            if challenge.is_restricted:
                assert challenge.has_public_version
                assert challenge.site not in text
                assert challenge.title not in text


def test_proposals_cover_the_lifecycle_and_consortia(seeded: None) -> None:
    proposals = list(Proposal.objects.prefetch_related("partners__organization", "submissions"))
    assert len(proposals) >= 25
    assert {p.status for p in proposals} == set(Proposal.Status.values)
    partners = [partner for p in proposals for partner in p.partners.all()]
    assert {p.status for p in partners} >= {"confirmed", "invited", "declined"}
    assert {p.organization.kind for p in partners} >= {"academia", "mets"}
    assert sum(1 for p in proposals if len(p.partners.all()) >= 2) >= 2
    # Confirmed partners uploaded their commitment letter.
    letters = Attachment.objects.filter(purpose=COMMITMENT_LETTER_PURPOSE).count()
    assert letters == sum(1 for p in partners if p.status == "confirmed")
    # Submitted through the service: gapless references, snapshots whose SHA-256 verifies.
    numbers = sorted(int(p.reference.rsplit("-", 1)[1]) for p in proposals if p.reference)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 18
    submissions = ProposalSubmission.objects.all()
    assert all(s.sha256 == snapshot_sha256(s.snapshot) for s in submissions)
    assert all(s.snapshot["submitted_at"] == s.submitted_at.isoformat() for s in submissions)
    assert any(len(p.submissions.all()) == 2 for p in proposals)  # unsubmitted, then again
    assert any(p.status == "draft" and p.reference for p in proposals)  # unsubmitted to edit
    assert ProposalAnswer.objects.count() >= 60
    # Drafts in the call closing in five days: their 7-day reminder is due.
    closing = min(_open_now(), key=lambda c: c.closes_at)
    assert closing.proposals.filter(status="draft").count() >= 2
    # Every submission happened before its call (or the lead's extension) closed.
    for submission in submissions.select_related("proposal__call"):
        assert submission.submitted_at < submission.proposal.call.closes_at


def test_the_demo_call_manager_runs_the_calls(seeded: None) -> None:
    manager = User.objects.get(email=CALL_MANAGER_EMAIL)
    assert can_manage_calls(manager)
    assert Call.objects.filter(created_by=manager).count() == Call.objects.count()
    assert Challenge.objects.filter(triaged_by=manager).exists()


DECIDED_CALL = "agua-relaves-moquegua"
ARCHIVED_CALL = "mantenimiento-predictivo-plantas"


def test_the_evaluator_pool_and_its_coordinator(seeded: None) -> None:
    coordinator = User.objects.get(email=demo_evaluation.COORDINATOR_EMAIL)
    assert can_coordinate_evaluation(coordinator)
    pool = list(Evaluator.objects.select_related("user").prefetch_related("expertise"))
    assert len(pool) >= 9
    assert all(e.expertise.all() and e.languages and e.added_by == coordinator for e in pool)
    assert {e.sector for e in pool} == set(Evaluator.Sector.values)
    members = set(OrganizationMember.objects.values_list("user_id", flat=True))
    outside = [e for e in pool if e.user_id not in members]
    assert outside  # invited by email: an account with nothing but the evaluator profile
    assert all(not e.user.is_staff and e.user.has_usable_password() for e in outside)


def test_a_call_fully_evaluated_and_decided(seeded: None) -> None:
    call = Call.objects.get(code=DECIDED_CALL)
    assert call.status == Call.Status.DECIDED
    assignments = Assignment.objects.filter(call=call)
    solver = assignments.filter(method=Assignment.Method.AUTOMATIC).exclude(rationale=[])
    assert solver.count() >= 6
    conflict = assignments.get(status=Assignment.Status.CONFLICT)
    assert conflict.conflict_type
    assert conflict.conflict_note
    assert conflict.declared_at
    # The coordinator assigned a flagged pair in its place, with a written reason.
    override = ConflictOverride.objects.get(proposal__call=call)
    assert override.reason
    assert override.flags
    assert override.decided_by
    manual = assignments.get(override=override)
    assert manual.method == Assignment.Method.MANUAL
    assert manual.proposal == conflict.proposal
    flags = detect_conflicts(call)
    assert (override.evaluator_id, override.proposal_id) in flags
    # No other active assignment is flagged.
    active = assignments.exclude(status__in=["conflict", "removed"])
    assert all((a.evaluator_id, a.proposal_id) not in flags or a.override_id for a in active)
    # Every review submitted during the evaluation, on the call's scale, with comments.
    reviews = Review.objects.filter(assignment__in=active).prefetch_related("scores")
    assert len(reviews) == active.count() == 3 * 3
    for review in reviews:
        assert call.closes_at < review.assignment.declared_at < review.submitted_at
        assert review.submitted_at < call.evaluation_ends_at
        assert review.confidence
        assert len(review.scores.all()) == 5
    assert any(s.comment for r in reviews for s in r.scores.all())
    ranking = call_ranking(call)
    assert ranking.flagged == 1
    assert all(row.reviews == 3 and row.rank for row in ranking.rows)
    # Decisions from the ranking, feedback drafted from the comments and edited, published.
    decisions = {d.proposal_id: d for d in Decision.objects.filter(proposal__call=call)}
    assert set(decisions) == {row.proposal_id for row in ranking.rows}
    outcomes = [decisions[row.proposal_id].outcome for row in ranking.rows]
    assert outcomes == ["award", "award", "not_selected"]
    comments = {s.comment for r in reviews for s in r.scores.all() if s.comment}
    for decision in decisions.values():
        assert decision.feedback.startswith("Estimado equipo")
        assert any(comment in decision.feedback for comment in comments)
        assert decision.proposal.status == (
            "awarded" if decision.outcome == "award" else "not_selected"
        )
    batch = DecisionBatch.objects.get(call=call)
    assert batch_verifies(batch)
    assert batch.rationale
    assert batch.published_at == call.results_at
    assert all(
        call.evaluation_ends_at < d.decided_at < batch.published_at for d in decisions.values()
    )
    assert all(d.batch_id == batch.pk for d in decisions.values())


def test_the_archived_call_was_evaluated_and_decided_too(seeded: None) -> None:
    call = Call.objects.get(code=ARCHIVED_CALL)
    assert call.status == Call.Status.ARCHIVED
    batch = DecisionBatch.objects.get(call=call)
    assert batch_verifies(batch)
    proposals = call.proposals.filter(status__in=["awarded", "not_selected"])
    assert proposals.count() == 3
    assert Decision.objects.filter(proposal__in=proposals, batch=batch).count() == 3
    assert (
        Review.objects.filter(assignment__call=call, submitted_at__isnull=False).count()
        == 3 * call.reviews_per_proposal
    )


def test_a_call_in_the_middle_of_a_blind_evaluation(seeded: None) -> None:
    call = Call.objects.get(code=demo_evaluation.ONGOING_CALL)
    assert call.status == Call.Status.IN_EVALUATION
    assert call.blind_review
    assert review_phase_open(call)
    assert RedactedText.objects.filter(proposal__call=call, field="team").exists()
    assignments = Assignment.objects.filter(call=call)
    assert assignments.count() == 3 * call.reviews_per_proposal
    assert set(assignments.values_list("status", flat=True)) == {"pending", "accepted", "submitted"}
    assert all(a.due_at > timezone.now() for a in assignments)
    reviews = Review.objects.filter(assignment__call=call)
    assert reviews.filter(submitted_at__isnull=True).count() == 2  # drafts
    assert reviews.filter(submitted_at__isnull=False).count() == 4
    assert all(r.submitted_at < timezone.now() for r in reviews.exclude(submitted_at=None))
    assert not Decision.objects.filter(proposal__call=call).exists()
    assert not DecisionBatch.objects.filter(call=call).exists()
    ranking = call_ranking(call)
    assert [row.reviews for row in ranking.rows] == [2, 1, 1]


# --- The portfolio (issue 11) --------------------------------------------------------------------


def test_the_portfolio_has_projects_in_every_status(seeded: None) -> None:
    from challenges.demo import portfolio as demo_portfolio

    projects = list(
        demo_portfolio.demo_projects().prefetch_related("participants", "funding", "milestones")
    )
    assert len(projects) >= 15
    assert {p.status for p in projects} == set(Project.Status.values)
    assert all(p.milestones.all() for p in projects)
    assert all(p.status_reason for p in projects if p.status in ("on_hold", "cancelled"))
    # Public and private, with and without public amounts and site.
    assert {p.is_public for p in projects} == {True, False}
    public = [p for p in projects if p.is_public]
    assert {p.public_amounts for p in public} == {True, False}
    assert {p.public_site for p in public} == {True, False}
    # Money in soles and dollars, public and private sources, some in kind.
    assert {str(p.budget.currency) for p in projects} == {"PEN", "USD"}
    funding = [f for p in projects for f in p.funding.all()]
    assert {f.kind for f in funding} == set(ProjectFunding.Kind.values)
    assert any(f.in_kind for f in funding)
    # Every project has a lead and a sponsor; many organizations take part.
    for project in projects:
        roles = [p.role for p in project.participants.all()]
        assert roles.count("lead") == 1
        assert "sponsor" in roles
    assert len({p.organization_id for pr in projects for p in pr.participants.all()}) >= 25


def test_each_award_of_the_demo_evaluation_is_an_enriched_project(seeded: None) -> None:
    awarded = Proposal.objects.filter(status=Proposal.Status.AWARDED)
    assert awarded.count() == 4
    for proposal in awarded:
        project = Project.objects.get(proposal=proposal)
        batch = DecisionBatch.objects.get(call=proposal.call)
        assert project.created_at == batch.published_at  # created when the batch was published
        assert project.title == proposal.title
        assert project.title_en
        assert set(
            project.participants.filter(role="sponsor").values_list("organization", flat=True)
        ) == set(proposal.call.sponsors.values_list("pk", flat=True))
        assert project.milestones.exists()
        assert project.indicators.exists()
    assert {p.status for p in Project.objects.filter(proposal__in=awarded)} == {"active", "planned"}


def test_a_late_milestone_puts_its_project_at_risk(seeded: None) -> None:
    today = timezone.localdate()
    at_risk = [p for p in project_list_queryset(today=today) if p.at_risk]
    assert len(at_risk) == 1
    (project,) = at_risk
    assert project.status == Project.Status.ACTIVE
    late = project.milestones.get(status=Milestone.Status.PENDING, due_on__lt=today)
    assert late.return_reason  # the sponsor returned its evidence
    # Another running project's progress update is overdue; the rest are current.
    overdue = Project.objects.filter(status="active", next_update_due__lt=today)
    assert overdue.count() == 1
    assert {m.status for m in Milestone.objects.all()} == set(Milestone.Status.values)


def test_kpis_are_measured_over_several_periods_one_corrected(seeded: None) -> None:
    from auditlog.models import LogEntry

    indicators = list(Indicator.objects.prefetch_related("measurements"))
    assert len(indicators) >= 12
    measured = [i for i in indicators if len(i.measurements.all()) >= 3]
    assert len(measured) >= 10
    assert any(not i.higher_is_better for i in measured)
    assert any(i.higher_is_better for i in measured)
    for indicator in measured:
        periods = [(m.period_start, m.period_end) for m in indicator.measurements.all()]
        assert all(end < start for (_s, end), (start, _e) in itertools.pairwise(periods))
        assert periods[-1][1] < timezone.localdate()
    (corrected,) = LogEntry.objects.filter(additional_data__decision="measurement.correct")
    assert corrected.additional_data["reason"]
    assert ProgressUpdate.objects.count() >= 15
    assert ProgressComment.objects.count() >= 10


def test_impact_in_every_state_with_four_eyes_and_corrections(seeded: None) -> None:
    entries = list(ImpactEntry.objects.select_related("project"))
    assert {e.status for e in entries} == set(ImpactEntry.Status.values)
    assert {e.kind for e in entries} == set(ImpactEntry.Kind.values)
    assert all(e.rejected_reason for e in entries if e.status == "rejected")
    for entry in entries:
        lead = entry.project.participants.get(role="lead").organization
        assert OrganizationMember.objects.filter(organization=lead, user=entry.claimed_by).exists()
        if entry.is_frozen:
            assert entry.confirmed_by != entry.claimed_by
            assert entry.claimed_at < entry.confirmed_at < timezone.now()
        if entry.status == "verified":
            assert entry.verified_by != entry.confirmed_by
            assert can_manage_portfolio(entry.verified_by)
            assert entry.confirmed_at < entry.verified_at < timezone.now()
    corrections = [e for e in entries if e.corrects_id]
    assert {c.status for c in corrections} == {"verified", "claimed"}
    assert all(c.corrects.status == "verified" for c in corrections)
    # Evidence: every submitted or accepted milestone has a file, some claims too.
    for milestone in Milestone.objects.filter(status__in=["submitted", "accepted"]):
        assert milestone_evidence(milestone)
    assert (
        Attachment.objects.filter(purpose="evidence").count()
        > Milestone.objects.filter(status__in=["submitted", "accepted"]).count()
    )
    # The showcase counts verified impact of public projects, money per currency.
    totals = showcase_impact_totals()
    assert set(totals.overall.money["contract"]) == {"PEN", "USD"}
    assert totals.overall.counts["jobs"] >= 10


def test_the_demo_portfolio_manager_follows_the_portfolio(seeded: None) -> None:
    from challenges.demo.portfolio import PORTFOLIO_MANAGER_EMAIL

    manager = User.objects.get(email=PORTFOLIO_MANAGER_EMAIL)
    assert can_manage_portfolio(manager)
    assert not can_manage_calls(manager)
    assert manager.position
    assert Project.objects.filter(proposal=None, created_by=manager).count() >= 11
    assert ImpactEntry.objects.filter(verified_by=manager).count() >= 8


def test_the_portfolio_moves_with_the_demo_clock(seeded: None) -> None:
    before = _counts()
    frozen = {
        e.pk: (e.occurred_on, e.confirmed_at)
        for e in ImpactEntry.objects.filter(status__in=["confirmed", "verified"])
    }
    late = Milestone.objects.get(
        status="pending", due_on__lt=timezone.localdate(), project__status="active"
    )
    periods = list(Measurement.objects.order_by("pk").values_list("period_start", flat=True))
    starts = dict(Project.objects.exclude(starts_on=None).values_list("pk", "starts_on"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=45), tick=False):
        demo.seed(stdout=io.StringIO())
        assert _counts() == before
        late.refresh_from_db()
        assert late.due_on < timezone.localdate()
        moved = list(Measurement.objects.order_by("pk").values_list("period_start", flat=True))
        assert {(b - a).days for a, b in zip(periods, moved, strict=True)} == {45}
        starts_now = dict(Project.objects.exclude(starts_on=None).values_list("pk", "starts_on"))
        assert {(starts_now[pk] - day).days for pk, day in starts.items()} == {45}
        assert [p for p in project_list_queryset() if p.at_risk] == [late.project]
        assert {
            e.pk: (e.occurred_on, e.confirmed_at)
            for e in ImpactEntry.objects.filter(status__in=["confirmed", "verified"])
        } == frozen
        planned = Project.objects.filter(status="planned", proposal=None)
        assert all(p.starts_on > timezone.localdate() for p in planned)
