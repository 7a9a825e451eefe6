"""Audit entries written as sentences a person can read.

"Lucía Quispe changed the kind of AndesTech from Mining company to METS supplier on
1 Dec 2026, 09:14": field names become their verbose names, choice values their labels, related
ids the names of the records (resolved in one query per related model for a whole page), empty
values "empty", and auditlog's UTC timestamps Lima time without microseconds.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .services import DECISION_KEY

_EMPTY = {"", "None"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditSentence:
    """One entry of the audit page: a sentence, the changes listed under it when there are
    several, the reason of a decision."""

    entry: LogEntry
    sentence: SafeString
    when: datetime.datetime
    decision: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def local_time(value: datetime.datetime) -> str:
    """A timestamp in the portal's time zone (America/Lima), to the minute."""
    return formats.date_format(
        timezone.localtime(value, timezone.get_default_timezone()), "SHORT_DATETIME_FORMAT"
    )


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _field_label(model_field: models.Field[Any, Any] | None, name: str) -> str:
    """The translated verbose name (lower case, for the middle of a sentence)."""
    if model_field is None:
        return name.replace("_", " ")
    return str(model_field.verbose_name)


def _pairs(entry: LogEntry) -> Iterable[tuple[str, Any]]:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return changes.items()


def _related_names(entries: Sequence[LogEntry]) -> dict[tuple[type[models.Model], str], str]:
    """Names of the records that foreign-key changes point to: one query per related model
    for the whole page, whatever the number of entries."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, value in _pairs(entry):
            model_field = _model_field(model, name)
            if model_field is None or not (model_field.many_to_one or model_field.one_to_one):
                continue
            if not (isinstance(value, list | tuple) and len(value) == 2):
                continue
            related = model_field.related_model
            if not isinstance(related, type):
                continue
            wanted[related].update(str(v) for v in value if str(v) not in _EMPTY)
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        valid = [i for i in ids if i.isascii() and i.isdigit()]
        for obj in related._default_manager.filter(pk__in=valid):
            names[(related, str(obj.pk))] = str(obj)
    return names


def _value_text(
    model_field: models.Field[Any, Any] | None,
    raw: Any,
    names: dict[tuple[type[models.Model], str], str],
) -> str:
    """A stored value as a person reads it."""
    text = "" if raw is None else str(raw)
    if text in _EMPTY:
        return _("empty")
    if model_field is None:
        return text
    if model_field.choices:
        labels = {str(key): str(label) for key, label in model_field.flatchoices}
        return labels.get(text, text)
    if isinstance(model_field, models.BooleanField):
        return _("yes") if text == "True" else _("no") if text == "False" else text
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_naive(moment):  # auditlog stores UTC without an offset
            moment = moment.replace(tzinfo=datetime.UTC)
        return local_time(moment)
    if isinstance(model_field, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if model_field.many_to_one or model_field.one_to_one:
        related = model_field.related_model
        if isinstance(related, type) and (related, text) in names:
            return names[(related, text)]
        return _("#%(id)s (deleted)") % {"id": text}
    return text


def _changes(entry: LogEntry, names: dict[tuple[type[models.Model], str], str]) -> list[Change]:
    model = entry.content_type.model_class()
    created = entry.action == LogEntry.Action.CREATE
    rows = []
    for name, value in _pairs(entry):
        model_field = _model_field(model, name)
        label = _field_label(model_field, name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(str(o) for o in value.get("objects", []))
            if value.get("operation") == "add":
                rows.append(Change(label, "", _("added %(items)s") % {"items": objects}))
            else:
                rows.append(Change(label, "", _("removed %(items)s") % {"items": objects}))
        elif isinstance(value, list | tuple) and len(value) == 2:
            if created and str(value[1]) in _EMPTY:
                continue  # a new record: only the fields that were filled in
            before = "" if created else _value_text(model_field, value[0], names)
            rows.append(Change(label, before, _value_text(model_field, value[1], names)))
        else:
            rows.append(Change(label, "", str(value)))
    return rows


def _who(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name()
    return entry.actor_email or _("The system")


def _sentence(entry: LogEntry, decision: str, changes: list[Change]) -> SafeString:
    who = _who(entry)
    when = local_time(entry.timestamp)
    record = entry.object_repr
    kind = capfirst(str(entry.content_type.name)) if entry.content_type else ""
    if decision:
        return format_html(
            _("{who} decided {decision} on {record} on {when}."),
            who=who,
            decision=format_html("<code>{}</code>", decision),
            record=format_html("<strong>{}</strong>", record),
            when=when,
        )
    if entry.action == LogEntry.Action.CREATE:
        return format_html(
            _("{who} created the record {record} ({kind}) on {when}."),
            who=who,
            record=format_html("<strong>{}</strong>", record),
            kind=kind,
            when=when,
        )
    if entry.action == LogEntry.Action.DELETE:
        return format_html(
            _("{who} deleted the record {record} ({kind}) on {when}."),
            who=who,
            record=format_html("<strong>{}</strong>", record),
            kind=kind,
            when=when,
        )
    if entry.action == LogEntry.Action.ACCESS:
        return format_html(
            _("{who} viewed {record} ({kind}) on {when}."),
            who=who,
            record=format_html("<strong>{}</strong>", record),
            kind=kind,
            when=when,
        )
    if len(changes) == 1 and changes[0].before:
        change = changes[0]
        return format_html(
            _("{who} changed the {field} of {record} from {before} to {after} on {when}."),
            who=who,
            field=change.field,
            record=format_html("<strong>{}</strong>", record),
            before=format_html("<del>{}</del>", change.before),
            after=format_html("<ins>{}</ins>", change.after),
            when=when,
        )
    return format_html(
        _("{who} changed {record} ({kind}) on {when}."),
        who=who,
        record=format_html("<strong>{}</strong>", record),
        kind=kind,
        when=when,
    )


def describe_entries(entries: Sequence[LogEntry]) -> list[AuditSentence]:
    """Sentences for a page of entries (loaded with ``actor`` and ``content_type``): one
    extra query per kind of related record named in the changes, none per entry."""
    names = _related_names(entries)
    described = []
    for entry in entries:
        extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        decision = str(extra.get(DECISION_KEY) or "")
        changes = _changes(entry, names)
        sentence = _sentence(entry, decision, changes)
        single = not decision and len(changes) == 1 and bool(changes[0].before)
        described.append(
            AuditSentence(
                entry=entry,
                sentence=sentence,
                when=entry.timestamp,
                decision=decision,
                reason=str(extra.get("reason") or ""),
                changes=[] if single else changes,
            )
        )
    return described
