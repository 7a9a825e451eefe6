"""Lifecycles as tables: one :class:`Workflow` per stateful record, declared in its app's
``workflows.py``.

A workflow lists the record's **states** (value, label, badge CSS class, optional tags such as
"accepts people") and its **transitions** (name, source states, target, guard predicate,
label, button style, optional confirmation text). Everything that needs to know "may this
happen now?" asks the table instead of writing its own status list:

* services enforce it under the row lock::

      application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
      APPLICATION.require(application, "approve", actor=actor)  # PermissionDenied/ValidationError
      APPLICATION.apply(application, "approve")  # sets the status field (not saved)

* pages ask which actions a person may take, with the reason when they may not::

      APPLICATION.actions_for(application, request.user, audience="staff")

* templates show a state with ``{% load workflows %}{{ application|state_badge }}``;
* staff queues (:mod:`cluster_portal.core.queues`) build their tabs from the states;
* **time-driven transitions** (a call opens on its date, an unanswered request expires) are
  rows of the same table: :func:`run_time_transitions`, run by one periodic Celery task
  (``core-time-transitions`` in ``cluster_portal/celery.py``), selects the due rows with a
  ``(now) -> Q`` condition and calls the transition's service for each, as the system
  (``actor=None``).

Why not django-fsm-2 (MIT, django-commons)? Its transitions are decorated model methods that
change the field in memory and leave saving, locking and side effects to the caller, with
permissions as a separate decorator argument. The portal's writes are services: they take an
``actor`` (views, the API, tasks and commands call the same function), lock the row with
``select_for_update`` and re-check the state *after* the lock, write an audit record, notify
people and queue emails in the same transaction. With the library, each service would still
do all of that around a model method, the transition rules would be split between model
decorators and service code, and templates would need the library's ``get_available_*``
helpers plus our own guards for the reason a person may not act. A table that services,
templates, queues and the periodic job all read is smaller than that glue, keeps business
rules out of models, and gives every refusal a translated reason (``Verdict``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext_lazy as _

from .predicates import ALLOWED, Verdict

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

#: ``(actor, obj) -> bool | Verdict``: may this person take this transition on this record?
#: ``actor`` is None when the system acts (a time-driven transition).
Guard = Callable[[Any, Any], "bool | Verdict"]

#: The default refusal for a transition not possible from the record's state.
DEFAULT_REFUSAL = _("This is %(state)s: this change is not possible now.")
#: The default reason for a refused guard that gave no reason of its own.
DEFAULT_FORBIDDEN = _("You may not do this.")


@dataclass(frozen=True)
class State:
    """One state of a record. ``label`` defaults to the model field's choice label."""

    value: str
    #: Bootstrap badge classes, e.g. ``"text-bg-success"``.
    badge: str = "text-bg-secondary"
    label: str | Promise = ""
    #: Properties of the state other modules ask about ("accepts_people"), instead of lists.
    tags: frozenset[str] = frozenset()
    #: One sentence for the people concerned (shown next to the badge where it helps).
    description: str | Promise = ""


@dataclass(frozen=True)
class Transition:
    """A move from any of ``sources`` to ``target``.

    ``target`` may be a function of the record when the destination depends on it (an
    organization whose application closes goes back to *lapsed* if it was a member before,
    else to *none*). ``audience`` says on whose pages the action is offered ("staff",
    "organization"…); ``"system"`` transitions are never offered as buttons (they happen as a
    consequence of another record's transition or on time).
    """

    name: str
    sources: frozenset[str]
    target: str | Callable[[Any], str]
    label: str | Promise
    guard: Guard | None = None
    audience: str = "staff"
    #: Bootstrap button colour: "success", "danger", "warning", "outline-danger", "primary"…
    style: str = "primary"
    #: The button's text when it differs from ``label`` (the heading of its form).
    button_label: str | Promise = ""
    #: Asked in a confirmation dialog before the POST (``data-confirm``).
    confirm: str | Promise = ""
    description: str | Promise = ""
    #: Refusal when the state does not allow it; ``%(state)s`` and ``%(object)s`` available.
    refusal: str | Promise = ""

    @property
    def slug(self) -> str:
        """The name as used in element ids and URLs ("request_info" → "request-info")."""
        return self.name.replace("_", "-")

    @property
    def button(self) -> str | Promise:
        return self.button_label or self.label


@dataclass(frozen=True)
class TimedTransition:
    """A transition that happens by itself once the clock says so.

    ``due(now)`` selects the rows whose time has come (combined with the transition's source
    states); ``service`` (a dotted path, imported when run, so that ``workflows.py`` does not
    import the services that enforce it) is called as ``service(actor=None, <argument>=row)``
    for each, inside a transaction with the row locked and re-checked against ``due``.
    """

    transition: str
    due: Callable[[datetime], Q]
    service: str
    argument: str


@dataclass(frozen=True)
class Action:
    """What a page shows for one transition: a button, or a disabled one with the reason."""

    transition: Transition
    allowed: bool
    reason: str | Promise = ""

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def slug(self) -> str:
        return self.transition.slug

    @property
    def label(self) -> str | Promise:
        return self.transition.label

    @property
    def button(self) -> str | Promise:
        return self.transition.button

    @property
    def style(self) -> str:
        return self.transition.style

    @property
    def confirm(self) -> str | Promise:
        return self.transition.confirm

    @property
    def description(self) -> str | Promise:
        return self.transition.description


@dataclass(frozen=True)
class ActionPanel:
    """One transition as ``includes/workflow_actions.html`` renders it: the :class:`Action`
    (allowed, or disabled with the reason), the URL its form posts to, and the form whose fields
    it asks for (a reason, a note; ``None`` for a bare button)."""

    action: Action
    url: str
    form: Any = None


@dataclass
class Workflow(Generic[M]):
    """The lifecycle table of ``model.<field>``. Register it with :func:`register`."""

    name: str
    model: type[M]
    field: str
    states: Sequence[State]
    transitions: Sequence[Transition]
    timed: Sequence[TimedTransition] = ()
    #: Refusal when the state does not allow a transition (``%(state)s``, ``%(object)s``).
    refusal: str | Promise = DEFAULT_REFUSAL
    _states: dict[str, State] = dataclasses.field(init=False, repr=False)
    _transitions: dict[str, Transition] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        choices = dict(getattr(self.model._meta.get_field(self.field), "flatchoices", ()))
        self._states = {}
        for state in self.states:
            if state.value not in choices:
                raise ValueError(f"{self.name}: {state.value!r} is not a choice of {self.field}")
            if not state.label:
                state = dataclasses.replace(state, label=choices[state.value])
            self._states[state.value] = state
        missing = set(choices) - set(self._states)
        if missing:
            raise ValueError(f"{self.name}: states without a row in the table: {sorted(missing)}")
        self.states = tuple(self._states.values())
        self._transitions = {}
        for transition in self.transitions:
            if transition.name in self._transitions:
                raise ValueError(f"{self.name}: transition {transition.name!r} declared twice")
            unknown = set(transition.sources) - set(self._states)
            if isinstance(transition.target, str):
                unknown |= {transition.target} - set(self._states)
            if unknown:
                raise ValueError(f"{self.name}.{transition.name}: unknown states {unknown}")
            self._transitions[transition.name] = transition
        for timed in self.timed:
            self.transition(timed.transition)  # must exist

    # --- States ---------------------------------------------------------------------------

    def value_of(self, obj_or_value: M | str) -> str:
        if isinstance(obj_or_value, str):
            return obj_or_value
        return str(getattr(obj_or_value, self.field))

    def state(self, obj_or_value: M | str) -> State:
        return self._states[self.value_of(obj_or_value)]

    def state_label(self, obj_or_value: M | str) -> str | Promise:
        return self.state(obj_or_value).label

    def state_badge(self, obj_or_value: M | str) -> str:
        return self.state(obj_or_value).badge

    def choices(self) -> list[tuple[str, str | Promise]]:
        return [(s.value, s.label) for s in self.states]

    def values_tagged(self, tag: str) -> tuple[str, ...]:
        """The states carrying ``tag``, for querysets (``status__in=...``)."""
        return tuple(s.value for s in self.states if tag in s.tags)

    def has_tag(self, obj_or_value: M | str, tag: str) -> bool:
        return tag in self.state(obj_or_value).tags

    @property
    def open_values(self) -> tuple[str, ...]:
        """States some transition leaves (the record is still in progress)."""
        leaving = set().union(*(t.sources for t in self.transitions))
        return tuple(s.value for s in self.states if s.value in leaving)

    @property
    def final_values(self) -> tuple[str, ...]:
        return tuple(s.value for s in self.states if s.value not in self.open_values)

    def is_open(self, obj_or_value: M | str) -> bool:
        return self.value_of(obj_or_value) in self.open_values

    # --- Transitions ----------------------------------------------------------------------

    def transition(self, name: str) -> Transition:
        try:
            return self._transitions[name]
        except KeyError:
            raise KeyError(f"{self.name} has no transition {name!r}") from None

    def state_allows(self, obj_or_value: M | str, name: str) -> bool:
        """The transition may leave the record's current state (the guard is not asked)."""
        return self.value_of(obj_or_value) in self.transition(name).sources

    def sources(self, name: str) -> frozenset[str]:
        return self.transition(name).sources

    def target_of(self, obj: M, name: str) -> str:
        target = self.transition(name).target
        return target if isinstance(target, str) else target(obj)

    def check(self, obj: M, name: str, *, actor: Any = None) -> Verdict:
        """May ``actor`` take transition ``name`` on ``obj`` now? State first, then the guard."""
        transition = self.transition(name)
        if self.value_of(obj) not in transition.sources:
            return Verdict.no(self._refusal(obj, transition))
        return self._guard(obj, transition, actor)

    def authorize(self, obj: M, name: str, *, actor: Any = None) -> Transition:
        """Raise ``PermissionDenied`` (with the guard's reason) unless ``actor`` passes the
        transition's guard; the state is not looked at. Services call it before validating
        input and locking, so a person without the right learns nothing about the record."""
        transition = self.transition(name)
        verdict = self._guard(obj, transition, actor)
        if not verdict:
            raise PermissionDenied(str(verdict.reason or DEFAULT_FORBIDDEN))
        return transition

    def require(self, obj: M, name: str, *, actor: Any = None) -> Transition:
        """Raise unless transition ``name`` is possible on ``obj`` for ``actor``.

        A guard that refuses raises ``PermissionDenied`` with the guard's reason (asked first:
        someone without the right learns nothing about the state); a state that does not
        allow the transition raises ``ValidationError`` (code ``"invalid_transition"``, a
        translated message naming the state). Call it after locking the row.
        """
        transition = self.authorize(obj, name, actor=actor)
        if self.value_of(obj) not in transition.sources:
            raise ValidationError(self._refusal(obj, transition), code="invalid_transition")
        return transition

    def apply(self, obj: M, name: str) -> str:
        """Set the state field to the transition's target (not saved) and return the target.

        Call :meth:`require` first; ``apply`` itself only refuses a state that does not allow
        the transition, so a service cannot skip the table by mistake.
        """
        transition = self.transition(name)
        if self.value_of(obj) not in transition.sources:
            raise ValidationError(self._refusal(obj, transition), code="invalid_transition")
        target = self.target_of(obj, name)
        setattr(obj, self.field, target)
        return target

    def actions_for(self, obj: M, actor: Any, *, audience: str = "staff") -> list[Action]:
        """The transitions of ``audience`` that leave the record's current state, each allowed
        or not for ``actor`` (with the guard's reason), in table order."""
        value = self.value_of(obj)
        actions = []
        for transition in self.transitions:
            if transition.audience != audience or value not in transition.sources:
                continue
            verdict = self._guard(obj, transition, actor)
            actions.append(Action(transition, verdict.allowed, verdict.reason))
        return actions

    def _guard(self, obj: M, transition: Transition, actor: Any) -> Verdict:
        if transition.guard is None:
            return ALLOWED
        return Verdict.of(transition.guard(actor, obj), DEFAULT_FORBIDDEN)

    def _refusal(self, obj: M, transition: Transition) -> str:
        template = str(transition.refusal or self.refusal)
        return template % {
            "state": str(self.state_label(obj)).lower(),
            "object": str(obj) if "%(object)s" in template else "",
            "action": str(transition.label).lower(),
        }

    # --- Time -----------------------------------------------------------------------------

    def due(self, timed: TimedTransition, now: datetime) -> models.QuerySet[M]:
        """Rows whose time has come for ``timed`` (in a source state and ``due(now)``)."""
        sources = self.transition(timed.transition).sources
        return self.model._default_manager.filter(
            Q(**{f"{self.field}__in": sources}) & timed.due(now)
        )

    def run_timed(self, timed: TimedTransition, now: datetime) -> int:
        """Move every due row; returns how many moved. Each row in its own transaction, locked
        and re-checked, so a run that overlaps another, or a person acting at the same moment,
        moves a row at most once; a failing row is logged and does not stop the others."""
        service = import_string(timed.service)
        moved = 0
        for pk in list(self.due(timed, now).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    row = self.due(timed, now).select_for_update().filter(pk=pk).first()
                    if row is None:  # moved meanwhile
                        continue
                    service(actor=None, **{timed.argument: row})
                    moved += 1
            except ValidationError as error:
                logger.info("%s.%s skipped %s: %s", self.name, timed.transition, pk, error)
            except Exception:
                logger.exception("%s.%s failed for %s", self.name, timed.transition, pk)
        return moved


_registry: dict[str, Workflow[Any]] = {}
#: Whether the apps' ``workflows`` modules have been imported (once per process: importing is
#: idempotent but walking every app on each call cost ~4 ms per badge on a 25-row list).
_discovered = False


def register(workflow: Workflow[M]) -> Workflow[M]:
    """Add ``workflow`` to the registry (by name; once per model field)."""
    existing = _registry.get(workflow.name)
    if existing is not None and (existing.model, existing.field) != (
        workflow.model,
        workflow.field,
    ):
        raise ValueError(f"Workflow name {workflow.name!r} already used")
    _registry[workflow.name] = workflow
    return workflow


def registered() -> Mapping[str, Workflow[Any]]:
    """Every workflow of the installed apps (their ``workflows`` modules are imported)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("workflows")
        _discovered = True
    return _registry


def workflow_for(obj: models.Model | type[models.Model], name: str = "") -> Workflow[Any]:
    """The workflow called ``name``, or the only one registered for ``obj``'s model."""
    if name:
        return _registry[name]
    model = obj if isinstance(obj, type) else type(obj)
    found = [w for w in _registry.values() if w.model is model]
    if len(found) != 1:
        raise LookupError(f"{len(found)} workflows for {model.__name__}: name the one meant")
    return found[0]


def run_time_transitions(now: datetime | None = None) -> dict[str, int]:
    """Take every time-driven transition that is due at ``now`` (default: the current time).
    Returns ``{"<workflow>.<transition>": rows moved}``. Safe to run twice."""
    now = now or timezone.now()
    moved: dict[str, int] = {}
    for workflow in registered().values():
        for timed in workflow.timed:
            moved[f"{workflow.name}.{timed.transition}"] = workflow.run_timed(timed, now)
    return moved


def frozen(values: Iterable[str]) -> frozenset[str]:
    """``frozenset`` of state values, for terser tables."""
    return frozenset(str(v) for v in values)
