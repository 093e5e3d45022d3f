"""What a user would write instead of welkin_async's models: pydantic v2, or plain attrs + cattrs.

The structuring benchmarks compare ``welkin_async.loads`` with the two ways a user without the
SDK would turn the same JSON into objects. To be a fair comparison the peers must have exactly
the fields and types of the generated models, so they are not written by hand: they are built
here by introspecting the generated attrs classes (``Patient`` and what it nests, ``CdtRecord[T]``,
a tenant CDT class from ``welkin-async codegen``, ``SpringPage[T]``). When the schema changes,
the peers follow. Only the export page's envelope (:func:`cursor_page_peer`) is written by hand:
the SDK has no model of it.

The mapping is what a user writes by hand:

- ``X | UnsetType | None`` (an optional field) becomes ``X | None = None``; required fields stay
  required; the JSON key is the field's ``wire_name`` metadata (a pydantic alias, a cattrs rename);
- nested models become their peers; ``OpenStrEnum`` / ``OpenIntEnum`` become a plain ``enum.Enum``
  with a ``str`` / ``int`` mixin and the same members (a user has no "open" enum);
- ``Any``, ``list[Any]``, ``dict[str, Any]``, ``UUID``, ``datetime``, ``date`` and scalars stay.

pydantic peers use pydantic's default configuration (lax mode, unknown keys ignored). The attrs
peers are ``@attrs.define``-like classes (slots, keyword-only) and :func:`plain_converter` is a
``cattrs.Converter`` with its defaults (detailed validation on) plus only what a user must add:
the renames and hooks for ``datetime``, ``date`` and ``UUID`` (cattrs structures enums by value).

:func:`check_equal` compares a welkin model with a peer field by field, so a benchmark can prove,
before it times anything, that every contender produced the same values.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

import attrs
import cattrs
import pydantic
from cattrs.gen import make_dict_structure_fn, override

from welkin_async import UNSET, UnsetType
from welkin_async.models import OpenIntEnum, OpenStrEnum, SpringPage, WelkinModel
from welkin_async.models._base import WIRE_NAME, wire_name

_NONE = type(None)
_KEPT: frozenset[Any] = frozenset({str, int, float, bool, UUID, datetime, date, _NONE})
# Values compared by == alone when both sides have this exact type (None is None's only value).
_SIMPLE: frozenset[type] = frozenset({str, int, float, bool, UUID, date, _NONE})


class PeerMismatch(AssertionError):
    """A peer structured a value differently from welkin_async (names the path, never a value)."""


# --- reading a generated model --------------------------------------------------------------------


@attrs.frozen
class _Field:
    """One field of a generated model, its type variables substituted."""

    name: str
    wire: str
    type: Any
    required: bool


def _is_model(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, WelkinModel)


def _fields(cls: Any) -> list[_Field]:
    """The fields of a generated model (or a parameterised generic one) without ``wire_extra``."""
    origin = get_origin(cls) or cls
    parameters: Sequence[Any] = getattr(origin, "__parameters__", ())
    arguments = get_args(cls) or tuple(p.__default__ for p in parameters)
    bound: dict[Any, Any] = dict(zip(parameters, arguments, strict=True))
    # Generated modules use `from __future__ import annotations`: the types are strings until
    # resolved (the SDK's converter resolves them the same way).
    attrs.resolve_types(origin)
    return [
        _Field(a.name, wire_name(a), _substitute(a.type, bound), a.default is attrs.NOTHING)
        for a in attrs.fields(origin)
        if a.name != "wire_extra"
    ]


def _substitute(tp: Any, bound: Mapping[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        return bound[tp]
    arguments = get_args(tp)
    if not arguments:
        return tp
    substituted = tuple(_substitute(a, bound) for a in arguments)
    if get_origin(tp) in (Union, types.UnionType):
        return Union[substituted]  # noqa: UP007 - built from a tuple at run time
    return get_origin(tp)[substituted]


def _peer_name(cls: Any) -> str:
    """``CdtRecord[CdtForty]`` -> ``CdtRecordCdtForty``: a class name for a concrete peer."""
    origin = get_origin(cls) or cls
    named = [a for a in get_args(cls) if isinstance(get_origin(a) or a, type)]
    return str(origin.__name__) + "".join(_peer_name(a) for a in named)


# --- enums: a user's plain enum with the same members ------------------------------------------

_ENUMS: dict[type[enum.Enum], type[enum.Enum]] = {}


def plain_enum(cls: type[enum.Enum]) -> type[enum.Enum]:
    """``class Gender(str, Enum)`` with the declared members of the open enum ``cls``."""
    if cls not in _ENUMS:
        mixin = str if issubclass(cls, OpenStrEnum) else int
        # Iterating an open enum lists its declared members only, not values met at run time.
        members = [(member.name, member.value) for member in cls]
        plain = enum.Enum(cls.__name__, members, type=mixin, module=__name__)  # type: ignore[misc]
        _ENUMS[cls] = typing.cast(type[enum.Enum], plain)
    return _ENUMS[cls]


# --- mapping field types ----------------------------------------------------------------------


def _map_type(tp: Any, model: Callable[[Any], type[Any]]) -> Any:  # noqa: PLR0911 - one per kind
    """A generated model's field type as a user writes it; nested models through ``model``."""
    if tp is Any or tp in _KEPT:
        return tp
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        members = tuple(_map_type(a, model) for a in get_args(tp) if a is not UnsetType)
        return members[0] if len(members) == 1 else Union[members]  # noqa: UP007
    if origin is list:
        (item,) = get_args(tp)
        return list[_map_type(item, model)]  # type: ignore[misc]
    if origin is dict:
        key, value = get_args(tp)
        return dict[_map_type(key, model), _map_type(value, model)]  # type: ignore[misc]
    if tp is list or tp is dict:
        return tp
    if isinstance(tp, type) and issubclass(tp, (OpenStrEnum, OpenIntEnum)):
        return plain_enum(tp)
    if _is_model(tp):
        return model(tp)
    if isinstance(tp, type):  # already a peer (spring_page_peer's item) or another plain class
        return tp
    raise TypeError(f"no peer mapping for the field type {tp!r}")


def _optional(tp: Any) -> Any:
    """``X | None``: an optional field reads JSON null and an absent key both as ``None``."""
    if tp is Any or _NONE in get_args(tp):
        return tp
    return typing.Optional[tp]  # noqa: UP045 - built at run time


# --- pydantic ----------------------------------------------------------------------------------

_PYDANTIC: dict[Any, type[pydantic.BaseModel]] = {}


def pydantic_peer(cls: Any) -> type[pydantic.BaseModel]:
    """The pydantic v2 model a user would write for the generated model ``cls``."""
    if cls not in _PYDANTIC:
        definitions: dict[str, Any] = {}
        for f in _fields(cls):
            annotation = _map_type(f.type, pydantic_peer)
            alias = f.wire if f.wire != f.name else None
            if f.required:
                definitions[f.name] = (annotation, pydantic.Field(alias=alias))
            else:
                definitions[f.name] = (_optional(annotation), pydantic.Field(None, alias=alias))
        _PYDANTIC[cls] = pydantic.create_model(_peer_name(cls), __module__=__name__, **definitions)
    return _PYDANTIC[cls]


def spring_page_peer(item: Any) -> type[pydantic.BaseModel]:
    """The Spring page envelope (``content``, ``number``, ``totalPages``, ``last``, ``pageable``,
    ...) with ``content: list[item]``, so a client does ``Page.model_validate_json(body)``.

    ``item`` is a generated model (its peer is used) or already a pydantic model; the envelope
    is ``SpringPage[T]``'s fields with ``T`` bound to it (its ``Pageable`` and ``Sort`` peers too).
    """
    if _is_model(item):
        item = pydantic_peer(item)
    return pydantic_peer(SpringPage[item])


class _Cursor(pydantic.BaseModel):
    """An export page's cursor: ``end`` is the ``start`` of the next page, if ``hasNext``."""

    start: str | None = None
    end: str | None = None
    has_next: bool = pydantic.Field(alias="hasNext")


def cursor_page_peer(item: Any) -> type[pydantic.BaseModel]:
    """An export page, ``{"data": [item, ...], "cursor": {...}}``, as a user writes it by hand:
    the SDK has no model of this envelope (its paginator reads it), so none to introspect."""
    key = ("cursor page", item)
    if key not in _PYDANTIC:
        data: Any = list[pydantic_peer(item)]  # type: ignore[misc]
        _PYDANTIC[key] = pydantic.create_model(
            f"CursorPage{_peer_name(item)}",
            __module__=__name__,
            data=(data, ...),
            cursor=(_Cursor, ...),
        )
    return _PYDANTIC[key]


# --- plain attrs + cattrs ---------------------------------------------------------------------

_ATTRS: dict[Any, type[Any]] = {}


def attrs_peer(cls: Any) -> type[Any]:
    """The plain attrs class a user would write for ``cls``: ``X | None = None``, wire names kept
    in the field metadata for :func:`plain_converter`'s renames."""
    if cls not in _ATTRS:
        definitions: dict[str, Any] = {}
        for f in _fields(cls):
            annotation = _map_type(f.type, attrs_peer)
            metadata = {WIRE_NAME: f.wire} if f.wire != f.name else {}
            if f.required:
                definitions[f.name] = attrs.field(type=annotation, metadata=metadata)
            else:
                definitions[f.name] = attrs.field(
                    type=_optional(annotation), default=None, metadata=metadata
                )
        # What `@attrs.define(kw_only=True)` gives: slots, keyword-only (required fields may then
        # follow optional ones, as they do in the generated classes).
        _ATTRS[cls] = attrs.make_class(
            _peer_name(cls), definitions, slots=True, kw_only=True, weakref_slot=True
        )
    return _ATTRS[cls]


def plain_converter() -> cattrs.Converter:
    """A ``cattrs.Converter`` with its defaults, plus what a user must add for this API."""
    converter = cattrs.Converter()

    def renamed(cls: type[Any]) -> Callable[[Any, Any], Any]:
        renames: dict[str, Any] = {
            a.name: override(rename=a.metadata[WIRE_NAME])
            for a in attrs.fields(cls)
            if WIRE_NAME in a.metadata
        }
        return make_dict_structure_fn(cls, converter, **renames)

    converter.register_structure_hook_factory(attrs.has, renamed)
    converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
    converter.register_structure_hook(date, lambda value, _: date.fromisoformat(value))
    converter.register_structure_hook(UUID, lambda value, _: UUID(value))
    return converter


# --- the same values --------------------------------------------------------------------------


def check_equal(welkin_obj: Any, peer_obj: Any, path: str = "$") -> None:
    """Raise :class:`PeerMismatch` unless ``peer_obj`` holds the values of ``welkin_obj``.

    Every field of a model is compared (an absent ``UNSET`` must be ``None`` in the peer), lists
    and dicts item by item, enums by value, date-times as instants with the same offset
    (pydantic's UTC tzinfo is its own class); a boolean must stay a boolean, while an integral
    float may be an int (pydantic and cattrs coerce, welkin keeps what was written). Messages
    name the path and the types, never a value: the data may be patient data.
    """
    try:
        _compare(welkin_obj, peer_obj)
    except _Differ as differ:
        where = path + "".join(reversed(differ.parts))
        raise PeerMismatch(f"{where}: {differ.reason}") from None


class _Differ(Exception):
    """A difference found deep down; each level adds its part of the path on the way up."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts: list[str] = []


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(a.name for a in attrs.fields(cls) if a.name != "wire_extra")
    return _FIELD_NAMES[cls]


def _compare(welkin_obj: Any, peer_obj: Any) -> None:
    kind = type(welkin_obj)
    if kind is type(peer_obj) and kind in _SIMPLE:  # most fields: a fast path, same checks
        if welkin_obj != peer_obj:
            raise _Differ(f"values differ ({kind.__name__})")
    elif isinstance(welkin_obj, WelkinModel):
        _compare_model(welkin_obj, peer_obj)
    elif welkin_obj is UNSET or welkin_obj is None:
        if peer_obj is not None:
            raise _Differ(f"absent or null, the peer has {type(peer_obj).__name__}")
    elif isinstance(welkin_obj, (list, dict)):
        _compare_container(welkin_obj, peer_obj)
    elif isinstance(welkin_obj, enum.Enum):
        theirs = peer_obj.value if isinstance(peer_obj, enum.Enum) else peer_obj
        if theirs != welkin_obj.value:
            raise _Differ("enum values differ")
    else:
        _compare_scalar(welkin_obj, peer_obj)


def _compare_model(welkin_obj: WelkinModel, peer_obj: Any) -> None:
    if peer_obj is None or isinstance(peer_obj, (list, dict, str, int, float)):
        raise _Differ(f"a model, but the peer has {type(peer_obj).__name__}")
    for name in _field_names(type(welkin_obj)):
        try:
            _compare(getattr(welkin_obj, name), getattr(peer_obj, name))
        except _Differ as differ:
            differ.parts.append(f".{name}")
            raise


def _compare_container(welkin_obj: list[Any] | dict[str, Any], peer_obj: Any) -> None:
    if isinstance(welkin_obj, list):
        if not isinstance(peer_obj, list) or len(peer_obj) != len(welkin_obj):
            raise _Differ(f"a list of {len(welkin_obj)}, the peer's differs")
        pairs: Iterable[tuple[Any, Any, Any]] = (
            (index, ours, theirs)
            for index, (ours, theirs) in enumerate(zip(welkin_obj, peer_obj, strict=True))
        )
    else:
        if not isinstance(peer_obj, dict) or peer_obj.keys() != welkin_obj.keys():
            raise _Differ("an object, the peer's keys differ")
        pairs = ((repr(key), ours, peer_obj[key]) for key, ours in welkin_obj.items())
    for key, ours, theirs in pairs:
        try:
            _compare(ours, theirs)
        except _Differ as differ:
            differ.parts.append(f"[{key}]")
            raise


def _compare_scalar(welkin_obj: Any, peer_obj: Any) -> None:
    numbers = (int, float)
    if isinstance(welkin_obj, datetime):
        if not isinstance(peer_obj, datetime) or peer_obj.utcoffset() != welkin_obj.utcoffset():
            raise _Differ("date-time kinds or offsets differ")
    elif type(welkin_obj) is not type(peer_obj) and not (
        type(welkin_obj) in numbers and type(peer_obj) in numbers
    ):
        raise _Differ(f"{type(welkin_obj).__name__} here, {type(peer_obj).__name__} in the peer")
    if welkin_obj != peer_obj:
        raise _Differ(f"values differ ({type(welkin_obj).__name__})")
