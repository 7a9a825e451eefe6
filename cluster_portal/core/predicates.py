"""What a permission predicate answers: yes or no, and why not.

Predicates (``<app>/permissions.py``) return a :class:`Verdict`, which is truthy when allowed, so
``if can_x(user, obj):`` keeps working, while pages and lifecycle tables can show the reason of a
refusal ("Only the membership officer can decide memberships.") instead of hiding the action
without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    #: Why not (translated, shown to the person); empty when allowed.
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def yes(cls) -> Verdict:
        return ALLOWED

    @classmethod
    def no(cls, reason: str | Promise) -> Verdict:
        return cls(False, reason)

    @classmethod
    def of(cls, allowed: bool | Verdict, reason: str | Promise = "") -> Verdict:
        """A verdict from a plain bool (with the reason to give when it is False)."""
        if isinstance(allowed, Verdict):
            return allowed
        return ALLOWED if allowed else cls(False, reason)


ALLOWED = Verdict(True)
