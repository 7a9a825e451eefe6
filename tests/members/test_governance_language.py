"""Governance in both languages: seat titles in each person's grammatical form, English text
when staff wrote it and otherwise the Spanish one marked ``lang="es"``."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import GoverningBody, Seat, User
from members.models.governance import SEAT_TITLES
from tests.members.factories import GoverningBodyFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db

F = User.TitleForm
# The Spanish forms the catalogue must give (the lead's translation pass adds them to locale/).
SPANISH = {
    ("chair", F.FEMININE): "Presidenta",
    ("chair", F.MASCULINE): "Presidente",
    ("chair", F.NEUTRAL): "Presidencia",
    ("vice_chair", F.FEMININE): "Vicepresidenta",
    ("vice_chair", F.MASCULINE): "Vicepresidente",
    ("vice_chair", F.NEUTRAL): "Vicepresidencia",
    ("secretary", F.FEMININE): "Secretaria",
    ("secretary", F.MASCULINE): "Secretario",
    ("secretary", F.NEUTRAL): "Secretaría",
}


def _seat(role: str, form: str, name: str) -> Seat:
    person = UserFactory(full_name=name, title_form=form)
    return SeatFactory(person=person, role=role)


def test_every_role_has_every_form() -> None:
    assert set(SEAT_TITLES) == set(Seat.Role.values)
    for forms in SEAT_TITLES.values():
        assert set(forms) == set(F.values)


@pytest.mark.parametrize(("role", "form"), list(SPANISH))
def test_english_titles_are_the_same_in_every_form(role: str, form: str) -> None:
    seat = _seat(role, form, "Ana Torres")
    with translation.override("en"):
        assert seat.title == Seat.Role(role).label


@pytest.mark.parametrize(("role", "form"), list(SPANISH))
def test_spanish_titles_follow_the_persons_form(role: str, form: str) -> None:
    seat = _seat(role, form, "Ana Torres")
    with translation.override("es"):
        assert seat.title == SPANISH[(role, form)]


def test_detail_page_shows_each_persons_title_and_the_coordinators() -> None:
    ana = UserFactory(full_name="Ana Torres", title_form=F.FEMININE)
    body = GoverningBodyFactory(coordinator=None)
    SeatFactory(body=body, person=ana, role=Seat.Role.CHAIR)
    url = reverse("members:governance_detail", args=[body.slug])
    with translation.override("es"):
        expected_chair = SEAT_TITLES["chair"][F.FEMININE]
        expected = str(expected_chair)
        neutral_coordinator = str(body.coordinator_title)
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(url).content.decode()
    assert f'<td data-testid="seat-title">{expected}</td>' in page
    assert f'data-testid="coordinator-title">{neutral_coordinator}</h2>' in page


def test_english_page_shows_english_text_when_written() -> None:
    body = GoverningBodyFactory(
        name="Consejo Directivo",
        name_en="Board of Directors",
        description="Máximo órgano de gobierno.",
        description_en="The cluster's highest governing body.",
        kind=GoverningBody.Kind.BOARD,
    )
    detail = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("members:governance_detail", args=[body.slug])
    )
    page = detail.content.decode()
    assert '<h1 class="h2 mb-1">Board of Directors</h1>' in page
    assert "highest governing body." in page
    assert "Máximo órgano" not in page
    assert 'lang="es"' not in page.split("<main", 1)[1]
    listing = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("members:governance_list"))
    assert ">Board of Directors</a>" in listing.content.decode()


def test_english_page_falls_back_to_spanish_marked_lang_es() -> None:
    body = GoverningBodyFactory(name="Mesa de regulación", description="Barreras regulatorias.")
    url = reverse("members:governance_detail", args=[body.slug])
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert '<h1 class="h2 mb-1" lang="es">Mesa de regulación</h1>' in page
    assert 'data-testid="description" lang="es">' in page
    listing = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("members:governance_list"))
    assert 'lang="es">Mesa de regulación</a>' in listing.content.decode()
    # Spanish pages show the Spanish text without a lang attribute of its own.
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get(url).content.decode()
    assert '<h1 class="h2 mb-1">Mesa de regulación</h1>' in spanish
