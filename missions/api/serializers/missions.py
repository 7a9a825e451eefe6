"""Output serializers of ``GET /api/v1/missions/`` (read only).

A mission comes in one of two shapes, the same for every row of a response (``view``):

* ``public`` — for ``public:read`` tokens and for people signed in: what the public mission
  page shows: title, summary, objectives, destination (country code and name, cities, time
  zone), dates, the application window, capacity, cost and co-funding per delegate, status,
  the page's address and the agenda *without addresses* (company premises stay with the
  delegation), each item in its own zone and in Lima's.
* ``full`` — for ``missions:read`` tokens and staff readers: the public fields plus the places
  held (organizations and delegates), the waitlist's length, quotas, criteria, the eligible
  kinds and regions and the hours an offered place is held. The full-only fields are absent,
  not null, from the public shape.

Rows come from ``missions.selectors.missions.mission_api_queryset`` (agenda prefetched; counts,
criteria and quotas for the full shape), so serializing a page runs no query.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from cluster_portal.api.schema import optional_in_schema
from cluster_portal.core.money import MoneySerializer

from ... import calendars
from ...groups import Group
from ...models import Mission, MissionQuota, SelectionCriterion
from ...selectors.agenda import calendar_items
from ...selectors.missions import country_name

FULL = "full"
PUBLIC = "public"

#: Fields of the full shape only (absent from the public shape).
FULL_ONLY = frozenset(
    {
        "places_held",
        "waitlist_length",
        "quotas",
        "criteria",
        "eligible_kinds",
        "eligible_regions",
        "hold_hours",
    }
)


class MissionCountrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code, such as AU."))
    name = serializers.CharField(help_text=_("The country's name in the language of the request."))


class MissionCapacitySerializer(serializers.Serializer):
    organizations = serializers.IntegerField(help_text=_("Places for organizations."))
    delegates = serializers.IntegerField(help_text=_("Places for delegates, in all."))
    delegates_per_organization = serializers.IntegerField(
        help_text=_("The most delegates one organization may send.")
    )


class MissionPlacesHeldSerializer(serializers.Serializer):
    organizations = serializers.IntegerField(
        help_text=_("Organizations holding a place (offered or accepted).")
    )
    delegates = serializers.IntegerField(
        help_text=_("Delegates of those organizations included in the delegation.")
    )


class MissionZonedTimeSerializer(serializers.Serializer):
    """An agenda item's start and end read in one zone (``calendars.ZonedSpan``)."""

    start = serializers.DateTimeField(help_text=_("ISO 8601 with the zone's offset."))
    end = serializers.DateTimeField(help_text=_("ISO 8601 with the zone's offset."))
    zone = serializers.CharField(help_text=_("IANA time zone, such as Australia/Perth."))
    offset = serializers.CharField(help_text=_("The offset at the start, such as UTC+8."))
    day_shift = serializers.IntegerField(
        help_text=_(
            "Days between this start date and the item's local start date: 0 in the local "
            "zone; -1 in Lima for a morning in Perth."
        )
    )

    def to_representation(self, instance: calendars.ZonedSpan) -> dict[str, Any]:
        # The instants keep the zone's own offset (DRF would convert them to Lima's).
        return {
            "start": instance.starts_at.isoformat(),
            "end": instance.ends_at.isoformat(),
            "zone": instance.zone,
            "offset": instance.offset,
            "day_shift": instance.day_shift,
        }


class MissionAgendaItemSerializer(serializers.Serializer):
    """A workshop or visit; never its address (premises are for the delegation)."""

    uid = serializers.UUIDField(help_text=_("Stable identifier (the calendar files' UID)."))
    # Not a ChoiceField: other components already name a "kind" enum (the schema would warn);
    # the values are listed in the description.
    kind = serializers.CharField(
        help_text=_("One of: workshop, company_visit, rnd_centre_visit, other.")
    )
    title = serializers.CharField()
    title_en = serializers.CharField()
    host = serializers.CharField()
    city = serializers.CharField()
    cancelled = serializers.BooleanField()
    local = MissionZonedTimeSerializer(help_text=_("In the item's own zone."))
    lima = MissionZonedTimeSerializer(help_text=_("In Lima (America/Lima)."))


class MissionQuotaSerializer(serializers.ModelSerializer):
    group = serializers.ChoiceField(choices=Group.choices)

    class Meta:
        model = MissionQuota
        fields = ("group", "minimum")


class MissionCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelectionCriterion
        fields = ("name", "name_en", "description", "description_en", "weight", "max_score")


def _agenda(mission: Mission) -> list[dict[str, Any]]:
    rows = list(mission.agenda.all())
    items = calendar_items(rows, include_addresses=False)
    agenda = []
    for row, item in zip(rows, items, strict=True):
        times = calendars.local_and_lima(item)
        agenda.append(
            {
                "uid": str(row.uid),
                "kind": row.kind,
                "title": row.title,
                "title_en": row.title_en,
                "host": row.host,
                "city": row.city,
                "cancelled": row.cancelled,
                "local": MissionZonedTimeSerializer().to_representation(times.local),
                "lima": MissionZonedTimeSerializer().to_representation(times.lima),
            }
        )
    return agenda


@optional_in_schema(*FULL_ONLY)
class MissionSerializer(serializers.ModelSerializer):
    """A published mission as the caller may read it (module docstring: ``full`` or
    ``public``)."""

    view = serializers.SerializerMethodField(
        help_text=_("full: every field; public: the public page's fields (the others are absent).")
    )
    url = serializers.SerializerMethodField(help_text=_("The mission's public page."))
    country = serializers.SerializerMethodField()
    cities = serializers.SerializerMethodField()
    capacity = serializers.SerializerMethodField()
    cost_per_delegate = MoneySerializer()
    co_funding_per_delegate = MoneySerializer(
        allow_null=True, help_text=_("What the cluster and its sponsors pay for each delegate.")
    )
    agenda = serializers.SerializerMethodField(
        help_text=_("Workshops and visits by start, cancelled ones flagged; no addresses.")
    )
    # Full shape only.
    places_held = serializers.SerializerMethodField(help_text=_("Full view only."))
    waitlist_length = serializers.IntegerField(
        help_text=_("Full view only. Applications on the waitlist.")
    )
    quotas = MissionQuotaSerializer(many=True, help_text=_("Full view only."))
    criteria = MissionCriterionSerializer(many=True, help_text=_("Full view only."))
    # Strings, not enums: the organizations' endpoints already name these choice sets (the
    # schema would warn about a second name); the values are the organizations' ``kind`` and
    # ``region``.
    eligible_kinds = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Full view only. Kinds of organization admitted (an organization's kind: mining, "
            "mets, academia, association, government, financial, chamber, other); empty: "
            "every kind."
        ),
    )
    eligible_regions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Full view only. Regions admitted (an organization's region); empty: every region."
        ),
    )

    class Meta:
        model = Mission
        fields = (
            "id",
            "code",
            "slug",
            "view",
            "url",
            "status",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "objectives",
            "objectives_en",
            "country",
            "cities",
            "time_zone",
            "starts_on",
            "ends_on",
            "applications_open_at",
            "applications_close_at",
            "capacity",
            "cost_per_delegate",
            "co_funding_per_delegate",
            "co_funding_note",
            "agenda",
            "places_held",
            "waitlist_length",
            "quotas",
            "criteria",
            "eligible_kinds",
            "eligible_regions",
            "hold_hours",
        )
        read_only_fields = fields
        extra_kwargs = {"hold_hours": {"help_text": _("Full view only. Hours an offer is held.")}}

    def _full(self) -> bool:
        return bool(self.context.get("full", False))

    @extend_schema_field(serializers.ChoiceField(choices=[FULL, PUBLIC]))
    def get_view(self, mission: Mission) -> str:
        return FULL if self._full() else PUBLIC

    def get_url(self, mission: Mission) -> str:
        path = reverse("missions:mission_detail", args=[mission.slug])
        return settings.SITE_URL.rstrip("/") + path

    @extend_schema_field(MissionCountrySerializer)
    def get_country(self, mission: Mission) -> dict[str, str]:
        return {"code": mission.country, "name": country_name(mission.country)}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_cities(self, mission: Mission) -> list[str]:
        return [city.strip() for city in mission.cities.split(",") if city.strip()]

    @extend_schema_field(MissionCapacitySerializer)
    def get_capacity(self, mission: Mission) -> dict[str, int]:
        return {
            "organizations": mission.capacity_organizations,
            "delegates": mission.capacity_delegates,
            "delegates_per_organization": mission.max_delegates_per_organization,
        }

    @extend_schema_field(MissionAgendaItemSerializer(many=True))
    def get_agenda(self, mission: Mission) -> list[dict[str, Any]]:
        return _agenda(mission)

    @extend_schema_field(MissionPlacesHeldSerializer)
    def get_places_held(self, mission: Mission) -> dict[str, int]:
        # Annotations of selectors.missions.with_staff_counts.
        return {
            "organizations": getattr(mission, "places_taken", 0),
            "delegates": getattr(mission, "delegate_count", 0),
        }

    def to_representation(self, instance: Mission) -> dict[str, Any]:
        """DRF's field loop, leaving out (not computing) what the caller may not read."""
        left_out = frozenset() if self._full() else FULL_ONLY
        data: dict[str, Any] = {}
        for field in self._readable_fields:
            if field.field_name in left_out:
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            data[str(field.field_name)] = (
                None if attribute is None else field.to_representation(attribute)
            )
        return data
