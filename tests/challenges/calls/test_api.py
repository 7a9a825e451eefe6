"""``GET /api/v1/calls/`` and ``/api/v1/calls/{id}/``: published calls only, their shape,
filters, who may read, and a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from challenges.models import Call, CallClarification
from tests.api.conftest import bearer, request_token
from tests.api.factories import PartnerClientFactory
from tests.challenges.factories import (
    CallClarificationFactory,
    CallFactory,
    CallQuestionFactory,
    MiningCompanyFactory,
)
from tests.members.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/calls/"


def _token(scope: str) -> dict[str, str]:
    partner = PartnerClientFactory(
        allowed_scopes=["public:read", "members:read", "challenges:read", "proposals:read"],
        organization=OrganizationFactory(),
    )
    response = request_token(Client(), partner, scope)
    assert response.status_code == 200, response.content
    return bearer(response.json()["access_token"])


def test_shape_of_a_published_call() -> None:
    call = CallFactory(eligible_kinds=["mets"], required_partner_kinds=["academia"])
    CallQuestionFactory(call=call, kind="single_choice", options=[{"value": "a", "label": "A"}])
    CallClarificationFactory(
        call=call,
        question="Texto privado del solicitante",
        public_question="¿Pueden liderar universidades?",
        answer="Sí.",
        status=CallClarification.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    CallClarificationFactory(call=call, question="Pendiente privada")
    response = Client().get(f"{LIST}{call.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == call.code
    assert data["status"] == "open"
    assert data["eligibility"] == {
        "kinds": ["mets"],
        "regions": [],
        "members_only": True,
        "required_partner_kinds": ["academia"],
        "max_proposals_per_organization": None,
    }
    assert data["funding"]["per_project"] == {"amount": "150000.00", "currency": "PEN"}
    assert data["timeline"]["closes_at"].endswith("-05:00")  # Lima
    assert [c["weight"] for c in data["criteria"]] == [60, 40]
    assert data["questions"][0]["options"] == [{"value": "a", "label": "A"}]
    assert [f["question"] for f in data["faq"]] == ["¿Pueden liderar universidades?"]
    assert "Texto privado" not in response.content.decode()
    assert "Pendiente privada" not in response.content.decode()
    assert data["challenge_ids"] == [c.pk for c in call.challenges.all()]


def test_drafts_are_not_listed_nor_found() -> None:
    draft = CallFactory(status=Call.Status.DRAFT)
    published = CallFactory()
    ids = [c["id"] for c in Client().get(LIST).json()["results"]]
    assert ids == [published.pk]
    assert Client().get(f"{LIST}{draft.pk}/").status_code == 404


def test_filters() -> None:
    now = timezone.now()
    sponsor = MiningCompanyFactory()
    open_call = CallFactory(sponsors=[sponsor])
    closed = CallFactory(
        status=Call.Status.CLOSED,
        eligible_kinds=["academia"],
        closes_at=now - datetime.timedelta(days=1),
    )
    scheduled = CallFactory(status=Call.Status.SCHEDULED, opens_at=now + datetime.timedelta(days=2))

    def ids(**params):
        response = Client().get(LIST, params)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["results"]}

    assert ids(open="true") == {open_call.pk}
    assert ids(open="false") == {closed.pk, scheduled.pk}
    assert ids(status="closed") == {closed.pk}
    assert ids(kind="mets") == {open_call.pk, scheduled.pk}
    assert ids(sponsor=sponsor.pk) == {open_call.pk}
    assert Client().get(LIST, {"status": "draft"}).status_code == 400
    assert Client().get(LIST, {"kind": "nonsense"}).status_code == 400


def test_open_calls_come_first() -> None:
    decided = CallFactory(status=Call.Status.DECIDED)
    open_call = CallFactory()
    assert [c["id"] for c in Client().get(LIST).json()["results"]] == [open_call.pk, decided.pk]


@pytest.mark.parametrize(
    ("scope", "status"),
    [("public:read", 200), ("challenges:read", 200), ("proposals:read", 403)],
)
def test_token_scopes(scope: str, status: int) -> None:
    CallFactory()
    assert Client().get(LIST, **_token(scope)).status_code == status


def test_bad_token_and_writes() -> None:
    call = CallFactory()
    assert Client().get(LIST, HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    headers = _token("public:read challenges:read")
    assert Client().post(LIST, {}, **headers).status_code in (403, 405)
    assert Client().delete(f"{LIST}{call.pk}/", **headers).status_code in (403, 405)
    call.refresh_from_db()


def test_query_count_with_many_calls(max_queries) -> None:
    calls = [CallFactory() for _ in range(30)]
    for call in calls[:10]:
        CallQuestionFactory(call=call)
        CallClarificationFactory(
            call=call,
            public_question="¿P?",
            answer="R",
            status=CallClarification.Status.PUBLISHED,
            published_at=timezone.now(),
        )
    response = max_queries(10, Client().get, LIST, {"page_size": 50})
    assert response.json()["count"] == 30
    assert len(response.json()["results"]) == 30


@pytest.mark.parametrize(
    "query",
    [
        "sponsor=20588656139216929141288804261549834240",  # was a 500 (integer overflow)
        "sponsor=0",
        "status=draft",  # not a published state
        "kind=nobody",
        "open=perhaps",
    ],
)
def test_bad_filter_values_are_a_400_that_says_which(query: str) -> None:
    CallFactory()
    response = Client().get(f"/api/v1/calls/?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [query.split("=")[0]]
