"""The selection's explanations (:class:`missions.selection.Code` and numbers) as translated
sentences for the coordinators' pages. The pure module and the stored report keep codes; only
this module writes words."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .groups import Group
from .selection import Code

SENTENCES: dict[str, Promise] = {
    Code.WITHDRAWN: gettext_lazy("Withdrew, declined or let an offer lapse: out of this mission."),
    Code.INELIGIBLE: gettext_lazy("The organization is not eligible for this mission now."),
    Code.NOT_ENOUGH_APPLICANTS: gettext_lazy(
        "Not enough eligible organizations of this group applied."
    ),
    Code.CAPACITY: gettext_lazy(
        "The mission's capacity cannot hold this minimum, even on its own."
    ),
    Code.CONFLICTING_QUOTAS: gettext_lazy(
        "This minimum fits on its own, but not together with the other minimums."
    ),
    Code.CONFIRMED_OVER_ORGANIZATIONS: gettext_lazy(
        "Accepted delegations alone take more organizations than the capacity; they are kept."
    ),
    Code.CONFIRMED_OVER_DELEGATES: gettext_lazy(
        "Accepted delegations alone take more delegates than the capacity; they are kept."
    ),
    Code.CONFIRMED_OVER_PER_ORGANIZATION: gettext_lazy(
        "An accepted delegation has more delegates than the maximum per organization; it is kept."
    ),
    Code.SAME_BUCKET: gettext_lazy(
        "Next on the waitlist in the quota group the place counted for."
    ),
    Code.UNMET_QUOTA: gettext_lazy("Next on the waitlist in a quota group still short."),
    Code.WAITLIST_ORDER: gettext_lazy("Next on the waitlist."),
    Code.NO_BUCKET_CANDIDATE: gettext_lazy(
        "Nobody of the short quota group fits: next on the waitlist."
    ),
    Code.NO_CANDIDATE: gettext_lazy("Nobody on the waitlist fits the freed place."),
    Code.ORGANIZATIONS_FULL: gettext_lazy("Every place for organizations is taken."),
    Code.ORGANIZATION_SELECTED: gettext_lazy("The organization already holds a place."),
    Code.OVER_DELEGATE_CAPACITY: gettext_lazy("Its delegates do not fit in the places left."),
    Code.NOT_IN_BUCKET: gettext_lazy("Not in the quota group that is short."),
}


def sentence(code: str | None) -> str:
    """The sentence of ``code`` in the active language ("" for None or an unknown code)."""
    if not code:
        return ""
    text = SENTENCES.get(code)
    return str(text) if text is not None else ""


def group_label(group: str) -> str:
    try:
        return str(Group(group).label)
    except ValueError:
        return group


def groups_label(groups: Any) -> str:
    return ", ".join(group_label(g) for g in sorted(groups or ()))


def quota_line(quota: Any) -> str:
    """ "Small companies: 3 of at least 4 (1 missing)" from a ``QuotaOutcome`` or its JSON."""

    def get(key: str) -> Any:
        return quota.get(key) if isinstance(quota, dict) else getattr(quota, key)

    values = {
        "group": group_label(str(get("group"))),
        "selected": get("selected"),
        "minimum": get("minimum"),
        "missing": get("missing"),
    }
    if get("missing"):
        return _("%(group)s: %(selected)d of at least %(minimum)d (%(missing)d missing)") % values
    return _("%(group)s: %(selected)d of at least %(minimum)d (met)") % values
