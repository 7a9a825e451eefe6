"""The confidentiality table in SQL (challenges_visible_to) against the predicates of
challenges.permissions on a matrix of challenges x readers, the public-version projection, and
similar-challenge suggestions that never carry restricted words to outsiders."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from challenges import permissions
from challenges.models import Challenge
from challenges.selectors import surveys as selectors
from cluster_portal.core.roles import AUDITOR, CALL_MANAGER
from members.models import Organization
from tests.challenges.factories import ChallengeFactory, MiningCompanyFactory
from tests.members.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
C = Challenge.Confidentiality
S = Challenge.Status
SECRET = "Cuajonesecreto"


@pytest.fixture
def matrix():
    company = MiningCompanyFactory()
    rows = []
    for status, confidentiality, public in itertools.product(
        [S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.DECLINED],
        [C.PUBLIC, C.MEMBERS, C.RESTRICTED],
        ["", "Una mina de cobre en Moquegua"],
    ):
        rows.append(
            ChallengeFactory(
                organization=company,
                status=status,
                confidentiality=confidentiality,
                public_title=public if confidentiality == C.RESTRICTED else "",
                title=f"{SECRET} {status} {confidentiality}",
                problem=f"{SECRET} problema",
            )
        )
    readers = {
        "visitor": AnonymousUser(),
        "member": OrganizationMemberFactory().user,
        "non_member": OrganizationMemberFactory(
            organization__membership_status=Organization.MembershipStatus.NONE
        ).user,
        "company": OrganizationMemberFactory(organization=company).user,
        "other_company": OrganizationMemberFactory(organization=MiningCompanyFactory()).user,
        "call_manager": UserFactory(is_staff=True, roles=[CALL_MANAGER]),
        "auditor": UserFactory(is_staff=True, roles=[AUDITOR]),
        "staff_no_role": UserFactory(is_staff=True),
    }
    return rows, readers


def test_sql_matches_the_predicates_on_every_row_and_reader(matrix):
    rows, readers = matrix
    for name, user in readers.items():
        visible = {c.pk: c.shows_original for c in selectors.challenges_visible_to(user)}
        for challenge in rows:
            expected = permissions.can_view_challenge(user, challenge)
            assert (challenge.pk in visible) == expected, (name, challenge.title)
            if expected:
                original = permissions.can_view_challenge_original(user, challenge)
                assert visible[challenge.pk] == original, (name, challenge.title)


@pytest.mark.parametrize("reader", ["visitor", "member", "other_company", "staff_no_role"])
def test_cards_of_outsiders_never_hold_restricted_words(matrix, reader):
    _rows, readers = matrix
    for card in selectors.cards(selectors.challenges_visible_to(readers[reader])):
        if card.confidentiality == C.RESTRICTED:
            assert card.is_public_version
            assert SECRET not in card.title + card.summary
            assert card.organization is None
            assert card.challenge is None


def test_partner_reader_levels():
    member_org = MiningCompanyFactory()
    public = ChallengeFactory(confidentiality=C.PUBLIC)
    members = ChallengeFactory(confidentiality=C.MEMBERS)
    own_restricted = ChallengeFactory(organization=member_org, confidentiality=C.RESTRICTED)
    public_only = selectors.Reader.for_partner(member_org, ["public:read"])
    with_read = selectors.Reader.for_partner(member_org, ["challenges:read"])
    seen = set(selectors.challenges_visible_to(public_only).values_list("pk", flat=True))
    assert seen == {public.pk, own_restricted.pk}
    seen = set(selectors.challenges_visible_to(with_read).values_list("pk", flat=True))
    assert seen == {public.pk, members.pk, own_restricted.pk}


def test_similar_suggestions_use_only_what_the_viewer_sees():
    source = ChallengeFactory(
        confidentiality=C.PUBLIC,
        title="Desgaste de polines en fajas transportadoras",
        problem="Polines trabados detienen las fajas transportadoras.",
    )
    alike_public = ChallengeFactory(
        confidentiality=C.PUBLIC, title="Fajas transportadoras con polines gastados"
    )
    restricted_alike = ChallengeFactory(
        confidentiality=C.RESTRICTED,
        title=f"{SECRET} polines fajas transportadoras",
        problem=f"{SECRET} polines",
        public_title="Una mina de cobre con un problema logístico",
        public_summary="Sin detalles.",
    )
    restricted_hidden = ChallengeFactory(
        confidentiality=C.RESTRICTED, title=f"{SECRET} fajas polines transportadoras"
    )
    ChallengeFactory(confidentiality=C.PUBLIC, title="Agua de relaves", problem="Filtraciones.")
    visitor = selectors.similar_challenges(source, viewer=AnonymousUser())
    assert [c.pk for c in visitor] == [alike_public.pk]  # restricted ones matched on public text
    for row in visitor:
        assert SECRET not in row.display_title + row.display_summary
    staff = selectors.similar_challenges(
        source, viewer=UserFactory(is_staff=True, roles=[CALL_MANAGER])
    )
    assert {alike_public.pk, restricted_alike.pk, restricted_hidden.pk} <= {c.pk for c in staff}
    partner = selectors.similar_challenges(
        source, viewer=selectors.Reader.for_partner(MiningCompanyFactory(), ["challenges:read"])
    )
    assert restricted_hidden.pk not in {c.pk for c in partner}
    assert all(SECRET not in c.display_title for c in partner)


def test_normalized_tokens_fold_accents_and_drop_stop_words():
    assert selectors.normalized_tokens("Perforación de la ROCA en Áreas") == {
        "perforacion",
        "roca",
        "areas",
    }
