"""The staff queue pattern (cluster_portal/core/queues.py) and the POST action helper
(cluster_portal/core/actions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cluster_portal.core.actions import run_action
from cluster_portal.core.queues import ALL_TAB, OPEN_TAB, Queue
from members.models import MembershipApplication
from members.workflows import APPLICATION
from tests.members.factories import MembershipApplicationFactory

Status = MembershipApplication.Status


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


# --- Queues -------------------------------------------------------------------------------------


def application_queue() -> Queue:
    return Queue.for_workflow(
        APPLICATION,
        open_tab=True,
        default=OPEN_TAB,
        search=lambda q: Q(organization__trade_name__icontains=q),
        ordering=("-pk",),
        tab_ordering={OPEN_TAB: ("pk",)},
        page_size=2,
    )


def test_tabs_come_from_the_workflow_states() -> None:
    queue = application_queue()
    assert [t.value for t in queue.tabs] == [OPEN_TAB, *Status.values, ALL_TAB]
    assert queue.tab("bogus").value == OPEN_TAB
    first = Queue.for_workflow(APPLICATION, all_first=True)
    assert [t.value for t in first.tabs] == [ALL_TAB, *Status.values]


@pytest.mark.django_db
def test_counts_are_one_query_and_the_page_is_filtered_searched_and_ordered() -> None:
    a = MembershipApplicationFactory(organization__trade_name="Alfa")
    b = MembershipApplicationFactory(organization__trade_name="Beta", status=Status.INFO_REQUESTED)
    c = MembershipApplicationFactory(organization__trade_name="Gama")
    MembershipApplicationFactory(organization__trade_name="Delta", status=Status.APPROVED)
    queue = application_queue()
    with CaptureQueriesContext(connection) as ctx:
        counts = queue.counts(MembershipApplication.objects.all())
    assert len(ctx.captured_queries) == 1
    assert counts[OPEN_TAB] == 3
    assert counts[ALL_TAB] == 4
    assert counts[Status.APPROVED] == 1
    assert counts[Status.EXPIRED] == 0

    page = queue.page(MembershipApplication.objects.all(), {})
    assert page.status == OPEN_TAB
    assert [x.pk for x in page.object_list] == [a.pk, b.pk]  # oldest first, 2 a page
    assert page.page_obj.paginator.num_pages == 2
    assert next(t for t in page.tabs if t.active).value == OPEN_TAB
    second = queue.page(MembershipApplication.objects.all(), {"page": "2"})
    assert [x.pk for x in second.object_list] == [c.pk]
    nonsense = queue.page(MembershipApplication.objects.all(), {"page": "zzz", "status": "x"})
    assert nonsense.page_obj.number == 1

    searched = queue.page(MembershipApplication.objects.all(), {"status": "all", "q": " delt "})
    assert searched.query == "delt"
    assert [x.organization.trade_name for x in searched.object_list] == ["Delta"]
    context = searched.context("applications")
    assert context["applications"] is searched.object_list
    assert context["tabs"] == searched.tabs


# --- POST actions -------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField()


def post(htmx: bool = False) -> Any:
    request = RequestFactory().post("/x/", {"reason": "Porque sí."})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    return request


def rerender(form: forms.Form) -> HttpResponse:
    return HttpResponse(f"invalid: {form.errors.as_text()}")


def texts(request: Any) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_success_sets_the_message_and_redirects() -> None:
    request = post()
    seen = []
    response = run_action(
        request,
        form=ReasonForm(request.POST),
        service=lambda data: seen.append(data["reason"]),
        success="Done.",
        redirect_to="/back/",
        render_invalid=rerender,
    )
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert seen == ["Porque sí."]
    assert texts(request) == ["Done."]


def test_htmx_success_is_a_client_redirect() -> None:
    request = post(htmx=True)
    response = run_action(
        request, service=lambda data: 1, success=lambda r: f"{r}!", redirect_to="/b/"
    )
    assert response["HX-Redirect"] == "/b/"
    assert texts(request) == ["1!"]


def test_an_invalid_form_is_rendered_again_without_calling_the_service() -> None:
    request = RequestFactory().post("/x/", {})
    called = []
    response = run_action(
        request,
        form=ReasonForm(request.POST),
        service=called.append,
        success="Done.",
        redirect_to="/back/",
        render_invalid=rerender,
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert called == []


def test_a_service_error_about_the_input_goes_on_the_form() -> None:
    def refuse(data: dict) -> None:
        raise ValidationError({"reason": "Too short.", "hidden_field": "Not on the form."})

    request = post()
    response = run_action(
        request,
        form=ReasonForm(request.POST),
        service=refuse,
        success="Done.",
        redirect_to="/back/",
        render_invalid=rerender,
    )
    assert response.status_code == 200
    assert b"Too short." in response.content
    assert b"Not on the form." in response.content  # non-field, not a 500
    assert texts(request) == []


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("This application is approved.", code="invalid_transition"),
        PermissionDenied("Only the membership officer."),
    ],
)
def test_a_refused_transition_or_permission_is_a_message_on_the_page(error) -> None:
    def refuse(data: dict) -> None:
        raise error

    request = post()
    response = run_action(
        request,
        form=ReasonForm(request.POST),
        service=refuse,
        success="Done.",
        redirect_to="/back/",
        render_invalid=rerender,
    )
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert texts(request) == [" ".join(getattr(error, "messages", [str(error)]))]


def test_a_form_needs_a_way_to_render_it_again() -> None:
    request = post()
    with pytest.raises(TypeError):
        run_action(request, form=ReasonForm(), service=len, success="x", redirect_to="/")
