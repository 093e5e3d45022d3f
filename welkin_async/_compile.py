"""Structuring functions for models, generated as Python source once per class and compiled.

The paging hot path turns hundreds of thousands of decoded records into models. cattrs'
generated functions call a hook per field and, for ``X | UnsetType | None``, a union hook that
calls the type's hook: three Python calls per field, most of them to learn that a string is a
string. Here each model gets one function whose body is written for its fields:

- a string, integer or boolean field is one ``v.__class__ is str`` test, inline;
- date-times, dates, UUIDs, open enums and nested models call one function each; a declared
  enum value is a dictionary lookup, and a UUID skips ``uuid.UUID.__init__``'s argument checks
  (which cost as much as all of a Patient's string fields together);
- the instance is made without calling ``__init__`` and its slots are stored directly, which is
  only done for classes whose ``__init__`` would do nothing more (no validators, converters,
  factories or hooks): :func:`compilable` decides, and other classes keep cattrs' function.

It checks the same rules as the detailed converter in :mod:`welkin_async._serde` (exact JSON
types, ``null`` only where allowed, required keys present) but says nothing about *where* a
document is wrong: any failure raises, and :func:`welkin_async._serde.structure` then runs the
detailed converter to build the :class:`~welkin_async.errors.DecodeError` with its paths.
``tests/test_compile.py`` proves the two agree, value for value, on generated documents.
"""

from __future__ import annotations

import linecache
import operator
from collections.abc import Callable
from enum import Enum
from functools import reduce
from typing import Any, TypeVar, get_args, get_origin
from uuid import UUID, SafeUUID

import attrs
import cattrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import (
    _NO_EXTRA,
    OpenIntEnum,
    OpenStrEnum,
    WelkinModel,
    date_as_midnight_utc,
    seldom_served,
    wire_name,
)

Hook = Callable[[Any, Any], Any]

_NONE_TYPE = type(None)
_INLINE_CHECKS = {
    str: "v.__class__ is not str",
    int: "v.__class__ is not int",
    bool: "v.__class__ is not bool",
    float: "v.__class__ is not float and v.__class__ is not int",
    list: "v.__class__ is not list",
    dict: "v.__class__ is not dict",
}


def _inline_check(tp: Any) -> str | None:
    """The test that refuses ``v`` as ``tp``, where a type test is all it takes; else ``None``."""
    if get_origin(tp) is list and get_args(tp)[0] is Any:
        tp = list
    elif get_origin(tp) is dict and get_args(tp)[1] is Any:
        tp = dict
    return _INLINE_CHECKS.get(tp)


class _Mismatch(Exception):
    """The document does not fit; :func:`welkin_async._serde.structure` says where."""


# Converters that leave every value the structure hooks produce as it is (a ``datetime`` read
# from the wire passes ``date_as_midnight_utc`` unchanged), so skipping them loses nothing.
_WIRE_IDENTITY_CONVERTERS = frozenset({date_as_midnight_utc})


def compilable(cls: type) -> bool:
    """Whether instances of ``cls`` may be made by storing slots, skipping ``__init__``."""
    return (
        attrs.has(cls)
        and "__slots__" in cls.__dict__
        and cls.__setattr__ is object.__setattr__
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and all(
            a.validator is None
            and (a.converter is None or a.converter in _WIRE_IDENTITY_CONVERTERS)
            and a.init
            and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
            for a in attrs.fields(cls)
        )
    )


def _bindings(cls: Any) -> dict[Any, Any]:
    """``{T: Encounter}`` for ``CdtRecord[Encounter]``: the type arguments by parameter."""
    origin = get_origin(cls)
    if origin is None:
        return {}
    return dict(zip(getattr(origin, "__parameters__", ()), get_args(cls), strict=False))


def _bound(tp: Any, bindings: dict[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        return bindings.get(tp, Any)
    parameters = getattr(tp, "__parameters__", ())
    if parameters and bindings:
        return tp[tuple(bindings.get(p, Any) for p in parameters)]
    return tp


def _split(tp: Any) -> tuple[Any, bool, bool]:
    """``X | UnsetType | None`` as ``(X, nullable, optional)``; a plain ``X`` gives ``False``s.

    ``X`` may itself be a union (``str | int``), which its own hook checks.
    """
    args = get_args(tp)
    if get_origin(tp) in (list, dict) or not (UnsetType in args or _NONE_TYPE in args):
        return tp, False, False
    members = [a for a in args if a is not UnsetType and a is not _NONE_TYPE]
    return reduce(operator.or_, members), _NONE_TYPE in args, UnsetType in args


# The slots of a UUID, set as ``UUID.__init__`` sets them but without its argument checks.
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_safety = UUID.__dict__["is_safe"].__set__
_UNKNOWN_SAFETY = SafeUUID.unknown  # read once: an enum member lookup costs a descriptor call


def _uuid_hook(full: Hook) -> Hook:
    """``UUID(text)`` at a third of its cost for a canonical text; ``full`` for anything else.

    ``UUID(text)`` removes hyphens (after ``urn:``, ``uuid:`` and braces) and parses 32 hex
    digits with ``int(text, 16)``. The shortcut does the same for texts without those prefixes;
    a text it cannot parse goes to ``full``, so both accept and refuse the same texts.
    """

    def structure_uuid(value: Any, _: Any = None) -> UUID:
        if value.__class__ is str:
            digits = value.replace("-", "")
            if len(digits) == 32:
                try:
                    number = int(digits, 16)
                except ValueError:
                    pass
                else:
                    uuid = object.__new__(UUID)
                    _set_uuid_int(uuid, number)
                    _set_uuid_safety(uuid, _UNKNOWN_SAFETY)
                    return uuid
        return full(value, UUID)  # type: ignore[no-any-return]

    return structure_uuid


def _enum_hook(enum_class: type[Enum], fallback: Hook) -> Hook:
    """A declared value by dictionary lookup; anything else through the full hook."""
    base = str if issubclass(enum_class, OpenStrEnum) else int
    members = enum_class._value2member_map_  # pseudo-members join it as they are made

    def structure_enum(value: Any, _: Any = None) -> Any:
        if value.__class__ is base:
            member = members.get(value)
            if member is not None:
                return member
        return fallback(value, enum_class)

    return structure_enum


class _Compiler:
    """Writes one model's function; names it needs go into ``self.namespace``."""

    def __init__(self, converter: cattrs.Converter, model_hook: Callable[[Any], Hook]) -> None:
        self.converter = converter
        self.model_hook = model_hook
        self.namespace: dict[str, Any] = {
            "UNSET": UNSET,
            "_NO_EXTRA": _NO_EXTRA,
            "_Mismatch": _Mismatch,
            "_new": object.__new__,
        }

    def name(self, value: Any, hint: str) -> str:
        key = f"_{hint}_{len(self.namespace)}"
        self.namespace[key] = value
        return key

    def hook(self, tp: Any) -> Hook:
        if tp is UUID:
            return _uuid_hook(self.converter.get_structure_hook(UUID))
        origin = get_origin(tp) or tp
        if isinstance(origin, type) and issubclass(origin, WelkinModel):
            return self.model_hook(tp)
        if isinstance(tp, type) and issubclass(tp, OpenStrEnum | OpenIntEnum):
            return _enum_hook(tp, self.converter.get_structure_hook(tp))
        return self.converter.get_structure_hook(tp)

    def convert(self, tp: Any) -> list[str]:
        """Lines that check ``v`` (neither null nor absent) as ``tp`` and replace it by a value."""
        if get_origin(tp) is list and get_args(tp)[0] is not Any:
            item = self.name(self.hook(get_args(tp)[0]), "item")
            return [
                "if v.__class__ is not list: raise _Mismatch",
                f"if v: v = [{item}(x, None) for x in v]",
            ]
        hint = getattr(tp, "__name__", "hook")
        return [f"v = {self.name(self.hook(tp), hint)}(v, {self.name(tp, 'type')})"]

    def field(self, attribute: attrs.Attribute[Any], tp: Any, *, complete: bool) -> list[str]:
        """Lines that read, check and store one field; ``complete``: its key is surely present."""
        key = repr(wire_name(attribute))
        inner, nullable, optional = _split(tp)
        optional = optional and not complete
        required = attribute.default is attrs.NOTHING
        read = f"v = d[{key}]" if required or complete else f"v = d.get({key}, UNSET)"
        store = f"o.{attribute.name} = v"
        if inner is Any:
            return [read, store]
        allowed = [*(["v is not None"] if nullable else []), *(["v is not UNSET"] * optional)]
        check = _inline_check(inner)
        if check is not None:  # one test for the common case; None and UNSET only after it
            return [read, f"if {' and '.join([check, *allowed])}: raise _Mismatch", store]
        if not allowed:
            return [read, *self.convert(inner), store]
        return [
            read,
            f"if {' and '.join(allowed)}:",
            *(f"    {line}" for line in self.convert(inner)),
            store,
        ]

    def model(self, cls: Any) -> Hook:
        origin = get_origin(cls) or cls
        bindings = _bindings(cls)
        fields = [a for a in attrs.fields(attrs.resolve_types(origin)) if a.name != "wire_extra"]
        types = [_bound(a.type, bindings) for a in fields]
        known = self.name(frozenset(wire_name(a) for a in fields), "known")
        # The usual record has every usual key, nulls included, and perhaps some of the keys
        # the schema marks seldom served: the usual ones are read by subscript (the first that
        # fails sends the record to the general path), the seldom ones with a default. Then the
        # record has unknown keys exactly when it has more keys than were read.
        usual = [(a, tp) for a, tp in zip(fields, types, strict=True) if not seldom_served(a)]
        seldom = [(a, tp) for a, tp in zip(fields, types, strict=True) if seldom_served(a)]
        complete = [line for a, tp in usual for line in self.field(a, tp, complete=True)]
        optional = [line for a, tp in seldom for line in self.field(a, tp, complete=False)]
        read = " + ".join([str(len(usual)), *(f"(o.{a.name} is not UNSET)" for a, _ in seldom)])
        general = [
            line
            for a, tp in zip(fields, types, strict=True)
            for line in self.field(a, tp, complete=False)
        ]
        body = [
            "if d.__class__ is not dict: raise _Mismatch",
            f"o = _new({self.name(origin, 'cls')})",
            f"if len(d) >= {len(usual)}:",
            "    try:",
            *(f"        {line}" for line in complete),
            "    except KeyError:",
            "        pass",
            "    else:",
            *(f"        {line}" for line in optional),
            f"        if len(d) == {read}: o.wire_extra = _NO_EXTRA",
            f"        else: o.wire_extra = {{k: x for k, x in d.items() if k not in {known}}}",
            "        return o",
            *general,
            f"if {known}.issuperset(d): o.wire_extra = _NO_EXTRA",
            f"else: o.wire_extra = {{k: x for k, x in d.items() if k not in {known}}}",
            "return o",
        ]
        function = f"structure_{origin.__name__}"
        source = f"def {function}(d, _=None):\n" + "".join(f"    {line}\n" for line in body)
        filename = f"<welkin_async structure {origin.__qualname__} {id(self)}>"
        # Registered with linecache so a traceback through the function shows its source.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), self.namespace)  # noqa: S102 - our own source
        compiled: Hook = self.namespace[function]
        return compiled


def compile_model(cls: Any, converter: cattrs.Converter, model_hook: Callable[[Any], Hook]) -> Hook:
    """The structuring function of model ``cls``; ``model_hook(tp)`` gives nested models' hooks."""
    return _Compiler(converter, model_hook).model(cls)
