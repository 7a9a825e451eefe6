"""The coordinators' agenda item form: the date and wall-clock time *in the item's zone* (the
destination's by default), turned into instants with ``calendars.localize``.

A time the clocks skip (the start of daylight-saving time) is refused with the gap in the
message; a time that happens twice (the end of DST) asks which one is meant: the field ``fold``
(``end_fold`` for the end) appears with the two readings, each with its offset and Lima time.
Everything else (within the mission's dates, end after start, attendees of the delegation) is
``missions.services.agenda``'s; its errors on ``starts_at``/``ends_at`` land on the date fields
(:meth:`AgendaItemForm.service_error`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import calendars
from ..models import AgendaItem, Delegate, Mission
from ..selectors.agenda import delegate_name, delegation_queryset

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
#: The service's field names → the form field showing its error.
SERVICE_ERROR_FIELDS = {"starts_at": "start_date", "ends_at": "end_date"}
FOLD_CHOICES = [("0", gettext_lazy("First occurrence")), ("1", gettext_lazy("Second occurrence"))]


class DelegateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organization = obj.application.organization.display_name
        return f"{delegate_name(obj)} ({organization})"


def _fold_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("Which one?"),
        choices=FOLD_CHOICES,
        required=False,
        widget=forms.HiddenInput,
    )


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AgendaItem.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    host = forms.CharField(
        label=gettext_lazy("Host"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The company, university or centre receiving the delegation."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Shown only to coordinators and to the delegation."),
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy(
            "IANA name, for example Australia/Perth. Dates and times below are in this zone."
        ),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Date"), widget=DATE_WIDGET, input_formats=["%Y-%m-%d"]
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Starts (local time)"), widget=TIME_WIDGET, input_formats=["%H:%M"]
    )
    fold = _fold_field()
    end_date = forms.DateField(
        label=gettext_lazy("End date"),
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d"],
        required=False,
        help_text=gettext_lazy("Empty: the same day."),
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Ends (local time)"), widget=TIME_WIDGET, input_formats=["%H:%M"]
    )
    end_fold = _fold_field()
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    for_everyone = forms.BooleanField(
        label=gettext_lazy("The whole delegation attends"), required=False, initial=True
    )
    attendees = DelegateChoiceField(
        label=gettext_lazy("Attendees"),
        queryset=Delegate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "When not the whole delegation: the delegates who attend (of the organizations "
            "holding a place)."
        ),
    )

    def __init__(
        self, *args: Any, mission: Mission, item: AgendaItem | None = None, **kwargs: Any
    ) -> None:
        self.mission = mission
        self.item = item
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(item)
        super().__init__(*args, **kwargs)
        if item is None:
            self.fields["zone"].initial = mission.time_zone
        attendees: Any = self.fields["attendees"]
        attendees.queryset = (
            delegation_queryset()
            .filter(mission_id=mission.pk)
            .select_related("application__organization")
        )
        if item is not None:
            local_start = calendars.in_zone(item.starts_at, item.zone)
            local_end = calendars.in_zone(item.ends_at, item.zone)
            self._offer_folds("fold", local_start)
            self._offer_folds("end_fold", local_end)

    @staticmethod
    def _initial(item: AgendaItem) -> dict[str, Any]:
        start = calendars.in_zone(item.starts_at, item.zone)
        end = calendars.in_zone(item.ends_at, item.zone)
        return {
            "kind": item.kind,
            "title": item.title,
            "title_en": item.title_en,
            "host": item.host,
            "address": item.address,
            "city": item.city,
            "zone": item.zone,
            "start_date": start.date(),
            "start_time": start.time(),
            "end_date": end.date(),
            "end_time": end.time(),
            "description": item.description,
            "for_everyone": item.for_everyone,
            "attendees": [d.pk for d in item.attendees.all()],
        }

    def _offer_folds(self, name: str, local: datetime.datetime) -> None:
        """Show ``name`` as a choice between the two readings when ``local`` (an existing
        item's time) happens twice, preselecting the stored one."""
        try:
            calendars.localize(local.replace(tzinfo=None, fold=0), str(local.tzinfo))
        except calendars.AmbiguousLocalTime as error:
            self._show_fold(name, error)
            self.initial[name] = str(local.fold)
        except calendars.LocalTimeError:
            pass

    def _show_fold(self, name: str, error: calendars.AmbiguousLocalTime) -> None:
        def label(reading: datetime.datetime, what: str) -> str:
            return _("%(what)s: %(offset)s, %(lima)s Lima time") % {
                "what": what,
                "offset": calendars.offset_label(reading.utcoffset() or datetime.timedelta()),
                "lima": calendars.lima(reading).strftime("%d/%m/%Y %H:%M"),
            }

        field: Any = self.fields[name]
        field.choices = [
            ("0", label(error.first, _("First occurrence"))),
            ("1", label(error.second, _("Second occurrence"))),
        ]
        field.widget = forms.RadioSelect(choices=field.choices)
        field.label = _("Which start time?") if name == "fold" else _("Which end time?")

    def clean_zone(self) -> str:
        zone = self.cleaned_data["zone"].strip()
        if not calendars.is_valid_zone(zone):
            raise forms.ValidationError(
                _("“%(zone)s” is not a known time zone.") % {"zone": zone}, code="invalid"
            )
        return zone

    def _localize(
        self, day: datetime.date, at: datetime.time, fold_name: str, error_field: str
    ) -> datetime.datetime | None:
        zone = self.cleaned_data["zone"]
        raw = self.cleaned_data.get(fold_name)
        fold = int(raw) if raw in ("0", "1") else None
        naive = datetime.datetime.combine(day, at)
        try:
            return calendars.localize(naive, zone, fold=fold)
        except calendars.AmbiguousLocalTime as error:
            self._show_fold(fold_name, error)
            # Asked again only while no reading was chosen.
            if fold is None:
                self.add_error(fold_name, str(error))
            return None
        except calendars.NonexistentLocalTime as error:
            self.add_error(error_field, str(error))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "zone" not in data:
            return data
        start_date, start_time = data.get("start_date"), data.get("start_time")
        end_time = data.get("end_time")
        end_date = data.get("end_date") or start_date
        if start_date and start_time:
            starts_at = self._localize(start_date, start_time, "fold", "start_time")
            if starts_at is not None:
                data["starts_at"] = starts_at
        if end_date and end_time:
            ends_at = self._localize(end_date, end_time, "end_fold", "end_time")
            if ends_at is not None:
                data["ends_at"] = ends_at
        return data

    @staticmethod
    def service_error(error: ValidationError) -> ValidationError:
        """The service's error with its ``starts_at``/``ends_at`` renamed to the date fields
        the person typed (``run_action`` puts errors on fields of the same name)."""
        if not hasattr(error, "error_dict"):
            return error
        return ValidationError(
            {
                SERVICE_ERROR_FIELDS.get(name, name): errors
                for name, errors in error.error_dict.items()
            }
        )

    def service_data(self) -> dict[str, Any]:
        """``data`` for ``agenda_item_create``/``agenda_item_update`` (valid form only)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "title_en": data["title_en"],
            "host": data["host"],
            "address": data["address"],
            "city": data["city"],
            "zone": data["zone"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "description": data["description"],
            "for_everyone": bool(data["for_everyone"]),
            "attendees": [] if data["for_everyone"] else list(data["attendees"]),
        }


class CancelItemForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (for the record)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
