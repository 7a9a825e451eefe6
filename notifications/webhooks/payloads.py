"""The ``data`` of each webhook event, and who may receive it.

One builder per event of :mod:`notifications.webhooks.events` (``<event>_data(record) -> dict``)
and one visibility predicate (``<event>_visible(record)``) that the domain services pass to
:func:`notifications.services.webhooks.webhook_emit` inside their transaction::

    webhook_emit(
        event="call.published",
        data=payloads.call_published_data(call),
        visible_to=payloads.call_published_visible(call),
    )

Payloads are thin: ids, a title, the times partners sort by, the API address of the record
(``SITE_URL`` + the API's detail route) and the portal page. Datetimes are ISO 8601 in UTC with
``Z`` (whole seconds), dates ISO. The builders read only the record's own fields (no query), so
an event costs nothing when nobody subscribes.

Who may know a record exists follows the API's rules for a partner token holding the event's
scope (``webhook_emit`` has already checked the scope):

* ``call.published`` / ``call.closed``: published calls are public data
  (``GET /api/v1/calls/``): every subscriber.
* ``mission.published``: a published mission is readable by every ``missions:read`` token:
  every subscriber.
* ``challenge.created``: the challenge confidentiality table of the challenges API
  (``challenges.selectors.surveys.challenges_visible_to`` with
  ``Reader.for_partner(organization, [scope])``): public challenges to everyone, members-only
  ones to active member organizations, restricted ones to everyone by their public version
  (its title is the one sent) or, without a public version, to the company itself only. The
  company always hears of its own challenge.
* ``project.updated`` / ``impact.entry.verified``: a ``portfolio:read`` token reads the whole
  portfolio in full (``challenges.selectors.portfolio.project_api_queryset``): every
  subscriber. The event never carries more than the record's id and title.
* ``results.published``: ``proposals:read`` reads only the organization's own proposals
  (``challenges.selectors.proposals.proposals_of_organizations``: lead, or invited/confirmed
  partner), so the event goes only to organizations with a decided proposal in the call, the
  ones that have a result to read. Results are not public records in the API (a call's page
  shows no awards list), so they are never announced to everyone.

Predicates that need the database compute their set of organizations once, on first use, so
fanning an event out to many endpoints costs one query, not one per endpoint.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

if TYPE_CHECKING:
    from challenges.models import Call, Challenge, DecisionBatch, ImpactEntry, Project
    from members.models import Organization
    from missions.models import Mission

#: ``visible_to(organization) -> bool``; None: every subscriber may receive the event.
Visibility = Callable[["Organization"], bool] | None


# --- Helpers -----------------------------------------------------------------------------------


def utc_iso(value: datetime.datetime) -> str:
    """``2027-01-31T04:59:00Z``: UTC, whole seconds, RFC 3339."""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def absolute(path: str) -> str:
    """``SITE_URL`` + a path of the portal or the API."""
    return settings.SITE_URL.rstrip("/") + path


def _api(route: str, pk: int) -> str:
    return absolute(reverse(f"api:{route}-detail", kwargs={"pk": pk}))


def _page(name: str, **kwargs: Any) -> str:
    """The portal page; the site's root when a page is not wired (a payload never fails)."""
    try:
        return absolute(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return absolute("/")


def _project_page(project_id: int) -> str:
    return _page("challenges:project_detail", project_id=project_id)


class _Organizations:
    """A visibility predicate over a set of organization ids loaded once, on the first call."""

    def __init__(self, load: Callable[[], set[int]]) -> None:
        self._load = load
        self._ids: frozenset[int] | None = None

    def __call__(self, organization: Organization) -> bool:
        if self._ids is None:
            self._ids = frozenset(self._load())
        return organization.pk in self._ids


# --- Calls -------------------------------------------------------------------------------------


def call_published_data(call: Call) -> dict[str, Any]:
    """``call.published``: the call opened and takes proposals."""
    if call.closes_at is None:  # never for a published call: call_schedule requires every date
        raise ValueError(f"call {call.pk} has no closing time")
    data: dict[str, Any] = {
        "id": call.pk,
        "title": call.title,
        "closes_at": utc_iso(call.closes_at),
        "api_url": _api("call", call.pk),
        "portal_url": _page("challenges:call_detail", code=call.code),
    }
    if call.opens_at is not None:
        data["opens_at"] = utc_iso(call.opens_at)
    return data


def call_published_visible(call: Call) -> Visibility:
    """Published calls are public data: every subscriber."""
    return None


def call_closed_data(call: Call, *, closed_at: datetime.datetime | None = None) -> dict[str, Any]:
    """``call.closed``: the call stopped taking proposals. ``closed_at`` is its closing time
    (the periodic job closes it at ``closes_at``), or ``closed_at`` when given."""
    when = closed_at or call.closes_at or timezone.now()
    return {
        "id": call.pk,
        "title": call.title,
        "closed_at": utc_iso(when),
        "api_url": _api("call", call.pk),
        "portal_url": _page("challenges:call_detail", code=call.code),
    }


def call_closed_visible(call: Call) -> Visibility:
    """Published calls are public data: every subscriber."""
    return None


# --- Results -----------------------------------------------------------------------------------


def results_published_data(batch: DecisionBatch) -> dict[str, Any]:
    """``results.published``: the call's decisions were published in ``batch``. ``api_url``
    lists the partner's own proposals in the call (with their decisions)."""
    call = batch.call
    return {
        "call_id": call.pk,
        "call_title": call.title,
        "published_at": utc_iso(batch.published_at),
        "api_url": absolute(f"{reverse('api:proposal-list')}?call={call.pk}"),
        "portal_url": _page("challenges:call_detail", code=call.code),
    }


def results_organization_ids(call_id: int) -> set[int]:
    """Organizations with a decided proposal in the call, as lead or as invited/confirmed
    partner: those whose ``proposals:read`` token reads a result (the API's own rule,
    ``proposals_of_organizations``). Two queries."""
    from challenges.models import Proposal, ProposalPartner
    from challenges.workflows import DECIDED, PARTNER, PARTNER_ACTIVE_TAG, PROPOSAL

    decided = Proposal.objects.filter(call_id=call_id, status__in=PROPOSAL.values_tagged(DECIDED))
    leads = set(decided.values_list("lead_organization_id", flat=True))
    partners = set(
        ProposalPartner.objects.filter(
            proposal__in=decided, status__in=PARTNER.values_tagged(PARTNER_ACTIVE_TAG)
        ).values_list("organization_id", flat=True)
    )
    return leads | partners


def results_published_visible(batch: DecisionBatch) -> Visibility:
    """Only organizations with a decided proposal in the call (see the module docstring)."""
    call_id = batch.call_id
    return _Organizations(lambda: results_organization_ids(call_id))


# --- Portfolio ---------------------------------------------------------------------------------

#: The ``changes`` items of ``project.updated`` (the event's schema lists the same values).
PROJECT_CHANGES = ("status", "milestone", "indicator", "progress_update", "details")


def project_updated_data(project: Project, *, changes: list[str] | tuple[str, ...]) -> dict:
    """``project.updated``: what kind of change (``changes``: items of
    :data:`PROJECT_CHANGES`); the partner reads the project through the API."""
    unknown = set(changes) - set(PROJECT_CHANGES)
    if unknown or not changes:
        raise ValueError(f"project.updated changes must be among {PROJECT_CHANGES}: {changes!r}")
    return {
        "id": project.pk,
        "title": project.title,
        "changes": list(dict.fromkeys(changes)),
        "api_url": _api("project", project.pk),
        "portal_url": _project_page(project.pk),
    }


def project_updated_visible(project: Project) -> Visibility:
    """``portfolio:read`` reads the whole portfolio: every subscriber."""
    return None


def impact_entry_verified_data(entry: ImpactEntry) -> dict[str, Any]:
    """``impact.entry.verified``: the entry now counts in the project's verified impact; the
    partner reads it in the project (``api_url``), which lists verified entries only."""
    return {
        "id": entry.pk,
        "project_id": entry.project_id,
        "kind": entry.kind,
        "verified_at": utc_iso(entry.verified_at or timezone.now()),
        "api_url": _api("project", entry.project_id),
        "portal_url": _project_page(entry.project_id),
    }


def impact_entry_verified_visible(entry: ImpactEntry) -> Visibility:
    """``portfolio:read`` reads the whole portfolio: every subscriber."""
    return None


# --- Missions ----------------------------------------------------------------------------------


def mission_published_data(mission: Mission) -> dict[str, Any]:
    """``mission.published``: the mission takes applications."""
    data: dict[str, Any] = {
        "id": mission.pk,
        "title": mission.title,
        "country": str(mission.country).upper(),
        "starts_on": mission.starts_on.isoformat(),
        "ends_on": mission.ends_on.isoformat(),
        "api_url": _api("mission", mission.pk),
        "portal_url": _page("missions:mission_detail", slug=mission.slug),
    }
    if mission.applications_close_at is not None:
        data["applications_close_at"] = utc_iso(mission.applications_close_at)
    return data


def mission_published_visible(mission: Mission) -> Visibility:
    """Published missions are read by every ``missions:read`` token: every subscriber."""
    return None


# --- Challenges --------------------------------------------------------------------------------


def challenge_title_for_partners(challenge: Challenge) -> str:
    """The title every receiver of ``challenge.created`` may read: a restricted challenge's
    public version when it has one (its own words stay with its company and the
    secretariat), otherwise its title."""
    if challenge.is_restricted and challenge.has_public_version:
        return challenge.public_title.strip()
    return challenge.title


def challenge_created_data(challenge: Challenge) -> dict[str, Any]:
    """``challenge.created``: the challenge entered the catalogue (the secretariat accepted
    it)."""
    return {
        "id": challenge.pk,
        "title": challenge_title_for_partners(challenge),
        "api_url": _api("challenge", challenge.pk),
        "portal_url": _page("challenges:challenge_detail", challenge_id=challenge.pk),
    }


def partner_sees_challenge(organization: Organization, challenge: Challenge, scope: str) -> bool:
    """Whether a partner token of ``organization`` with ``scope`` finds ``challenge`` in
    ``GET /api/v1/challenges/{id}/``: the Python twin, for one row, of
    ``challenges_visible_to(Reader.for_partner(organization, [scope]))`` (no query; the
    tests check both agree)."""
    from challenges.selectors.surveys import Reader
    from challenges.workflows import CHALLENGE, PUBLISHED

    reader = Reader.for_partner(organization, [scope])
    if challenge.organization_id in reader.organization_ids:
        return True
    if not CHALLENGE.has_tag(challenge, PUBLISHED):
        return False
    confidentiality = challenge.Confidentiality
    if challenge.confidentiality == confidentiality.PUBLIC:
        return True
    if challenge.confidentiality == confidentiality.MEMBERS:
        return reader.member
    return challenge.is_restricted and challenge.has_public_version


def challenge_created_visible(challenge: Challenge) -> Visibility:
    """Organizations whose ``challenges:read`` token may read the challenge (see the module
    docstring)."""
    from .events import CHALLENGE_CREATED

    return lambda organization: partner_sees_challenge(
        organization, challenge, CHALLENGE_CREATED.scope
    )
