"""What generated models and enums share: unknown keys kept, a PHI-safe repr, open enums.

Generated code (``_generated/``) imports these names; nothing here depends on a schema.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from welkin_async._unset import UNSET

_Passed = TypeVar("_Passed")

_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})

WIRE_NAME = "wire_name"
"""The ``attrs`` metadata key of a field's JSON key, where it differs from the attribute name."""
SELDOM = "seldom"
"""The ``attrs`` metadata key marking a field the API serves only now and then (for some tenants),
so the usual record lacks it: structuring expects the field's key only as an extra."""


def wire_name(attribute: attrs.Attribute[Any]) -> str:
    """The JSON key that ``attribute`` is read from and written to."""
    return str(attribute.metadata.get(WIRE_NAME, attribute.name))


def seldom_served(attribute: attrs.Attribute[Any]) -> bool:
    """Whether the usual record lacks ``attribute``'s key (see :data:`SELDOM`)."""
    return bool(attribute.metadata.get(SELDOM, False))


@attrs.define(kw_only=True, repr=False)
class WelkinModel:
    """Base of every generated model.

    ``wire_extra`` holds the keys a newer server sent that this model does not know, in the order
    they came; they are written back on unstructure so a read-modify-write loses nothing.
    """

    # Not a dict per instance: most records have no unknown keys, so they share one empty view.
    wire_extra: Mapping[str, Any] = attrs.field(default=_NO_EXTRA, kw_only=True)

    def __repr__(self) -> str:
        # Field values are patient data: a repr may reach a log, so it names the fields that are
        # set and never shows a value.
        present = [
            a.name
            for a in attrs.fields(type(self))
            if a.name != "wire_extra" and getattr(self, a.name) is not UNSET
        ]
        unknown = f"; {len(self.wire_extra)} unknown" if self.wire_extra else ""
        return f"{type(self).__name__}(<values redacted>; set: {', '.join(present)}{unknown})"


def date_as_midnight_utc(value: date | _Passed) -> datetime | _Passed:
    """A ``date`` as midnight UTC of that day; anything else unchanged.

    The converter of fields the API serves as a date-time but means as a day (``birthDate``:
    ``"2022-08-09T00:00:00.000Z"``), so a caller may give the day itself. A ``datetime`` (which
    is also a ``date``) passes through as it is, keeping what the server wrote.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _pseudo_member(enum_class: type[enum.Enum], member: Any, value: object) -> Any:
    """Register ``member`` as the enum's stand-in for the undeclared ``value``.

    It compares equal to the raw value, unstructures back to it, and is cached, so one value is
    always one object; it is not listed by iteration, which keeps the declared members only.
    """
    member._name_ = str(value)
    member._value_ = value
    return enum_class._value2member_map_.setdefault(value, member)


def _is_declared(member: enum.Enum) -> bool:
    return type(member).__members__.get(member.name) is member


# Two bases rather than one mixin: an enum's data type (str or int) is fixed by its base, and the
# member constructor (str.__new__ / int.__new__) must match it.
class OpenStrEnum(enum.StrEnum):
    """A string enum that keeps undeclared values, so a newer server never breaks a read."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if type(value) is not str:
            return None
        return _pseudo_member(cls, str.__new__(cls, value), value)

    @property
    def known(self) -> bool:
        """Whether this value is one the enum declares."""
        return _is_declared(self)


class OpenIntEnum(enum.IntEnum):
    """An integer enum that keeps undeclared values, so a newer server never breaks a read."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if type(value) is not int:
            return None
        return _pseudo_member(cls, int.__new__(cls, value), value)

    @property
    def known(self) -> bool:
        """Whether this value is one the enum declares."""
        return _is_declared(self)
