"""What every generated model and enum shares: kept unknown keys, a PHI-safe repr, open enums.

Generated code (``_generated/``) imports these names; nothing here depends on a schema.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from welkin_async._unset import UNSET

_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})

WIRE_NAME = "wire_name"
"""``attrs`` metadata key holding a field's name on the wire, where it differs from the attribute."""


def wire_name(attribute: attrs.Attribute[Any]) -> str:
    """The JSON key that ``attribute`` is read from and written to."""
    return str(attribute.metadata.get(WIRE_NAME, attribute.name))


@attrs.define(kw_only=True, repr=False)
class WelkinModel:
    """Base of every generated model.

    ``wire_extra`` holds the keys a newer server sent that this model does not know, in the order
    they came; they are written back on unstructure so a read-modify-write loses nothing.
    """

    # Not a dict per instance: most records have no unknown keys, so they share one empty view.
    wire_extra: Mapping[str, Any] = attrs.field(default=_NO_EXTRA, kw_only=True)

    RESERVED_NAMES: ClassVar[frozenset[str]] = frozenset({"wire_extra"})

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


class _OpenEnumMixin:
    """Lets an enum accept values it does not declare, so a newer server never breaks a read.

    An undeclared value becomes a pseudo-member of the enum: it compares equal to the raw value,
    unstructures back to it, and reports ``known`` as ``False``. It is cached, so the same value
    is always the same object.
    """

    _member_type_: ClassVar[type]
    _value2member_map_: ClassVar[dict[Any, Any]]
    __members__: ClassVar[Mapping[str, Any]]
    _name_: str
    _value_: Any

    @classmethod
    def _accepts(cls, value: object) -> bool:
        raise NotImplementedError

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not cls._accepts(value):
            return None
        member = cls._member_type_.__new__(cls, value)  # type: ignore[call-overload]
        member._name_ = str(value)
        member._value_ = value
        return cls._value2member_map_.setdefault(value, member)

    @property
    def known(self) -> bool:
        """Whether this value is one the generated enum declares."""
        return type(self).__members__.get(self._name_) is self


class OpenStrEnum(_OpenEnumMixin, enum.StrEnum):
    """A string enum that keeps undeclared string values (see ``_OpenEnumMixin``)."""

    @classmethod
    def _accepts(cls, value: object) -> bool:
        return type(value) is str


class OpenIntEnum(_OpenEnumMixin, enum.IntEnum):
    """An integer enum that keeps undeclared integer values (see ``_OpenEnumMixin``)."""

    @classmethod
    def _accepts(cls, value: object) -> bool:
        return type(value) is int
