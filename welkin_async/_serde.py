"""The cattrs converter that turns wire JSON into models and back, configured once.

- wire names: a field's JSON key comes from its ``wire_name`` metadata (``createdAt``, ``cdtf-x``);
- ``UNSET``: a key that is absent stays ``UNSET`` and is left out again on unstructure;
- unknown keys are kept in ``wire_extra`` and written back, so newer servers lose nothing;
- types are checked, not coerced: ``"5"`` is not an ``int`` and ``"abc"`` is not a list;
- date-times keep their offset's written form (``Z`` or ``+00:00``) and are written with
  milliseconds, as the API serves them (microseconds where the value has them); UUIDs and open
  enums are handled.

Structuring runs on a fast converter without detailed validation, whose models structure through
functions compiled for their fields (:mod:`welkin_async._compile`). Only when that fails does a
twin converter, built by the same :func:`configure`, run again with cattrs' detailed validation,
to say where the document went wrong (:class:`~welkin_async.errors.DecodeError`).
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from welkin_async._compile import compilable, compile_model
from welkin_async._json import loads as _json_loads
from welkin_async._unset import UnsetType
from welkin_async.errors import DecodeError, DecodeProblem
from welkin_async.models._base import _NO_EXTRA, OpenIntEnum, OpenStrEnum, WelkinModel, wire_name

T = TypeVar("T")

_NONE_TYPE = type(None)
# "+00:00" spelled out on the wire; equal to UTC, but remembered so it is written back the same way.
_EXPLICIT_ZERO_OFFSET = timezone(timedelta(0), "+00:00")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _WireTypeError(TypeError):
    """A value of the wrong JSON type or form; carries type names only, never the value."""

    def __init__(self, expected: str, got: str) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"expected {expected}, got {got}")


def _wrong(expected: str, value: object) -> _WireTypeError:
    """The error for ``value`` not being ``expected``; it names the value's JSON type only."""
    return _WireTypeError(expected, _json_type(value))


_JSON_TYPES = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


_MALFORMED = "a malformed string"


# --- primitives: exact JSON types only ----------------------------------------------------------


def _structure_str(value: Any, _: type) -> str:
    if type(value) is not str:
        raise _wrong("string", value)
    return value


def _structure_int(value: Any, _: type) -> int:
    if type(value) is not int:
        raise _wrong("integer", value)
    return value


def _structure_float(value: Any, _: type) -> float:
    # An integral JSON number is a valid float; it is kept as written so it round-trips exactly.
    if type(value) is not float and type(value) is not int:
        raise _wrong("number", value)
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if type(value) is not bool:
        raise _wrong("boolean", value)
    return value


def _structure_any(value: Any, _: type) -> Any:
    return value


def _structure_datetime(value: Any, _: type) -> datetime:
    if type(value) is not str:
        raise _wrong("ISO-8601 date-time string", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None  # raised below, outside the handler: its context would quote the value
    if parsed is None or ("T" not in value and " " not in value):  # a bare date is no date-time
        raise _WireTypeError("ISO-8601 date-time string", _MALFORMED)
    if parsed.tzinfo is UTC and value[-1] != "Z":
        parsed = parsed.replace(tzinfo=_EXPLICIT_ZERO_OFFSET)
    return parsed


def _unstructure_datetime(value: datetime) -> str:
    timespec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    text = value.isoformat(timespec=timespec)
    if value.tzinfo is UTC:  # the server writes UTC instants with "Z"
        return text[:-6] + "Z"
    return text


def _structure_date(value: Any, _: type) -> date:
    if type(value) is not str:
        raise _wrong("ISO-8601 date string", value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass  # raised below, outside the handler: the ValueError's text quotes the value
    raise _WireTypeError("ISO-8601 date string", _MALFORMED)


def _structure_uuid(value: Any, _: type) -> UUID:
    if type(value) is not str:
        raise _wrong("UUID string", value)
    try:
        return UUID(value)
    except ValueError:
        pass  # raised below, outside the handler, so that no context carries the value
    raise _WireTypeError("UUID string", _MALFORMED)


# --- hook factories for containers, unions, enums and models ------------------------------------


def _is_list(tp: Any) -> bool:
    return get_origin(tp) is list or tp is list


def _is_dict(tp: Any) -> bool:
    return get_origin(tp) is dict or tp is dict


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_model(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, WelkinModel)


def _list_hook(tp: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    list_type: Any = tp if get_args(tp) else list[Any]
    expected = f"array of {describe(get_args(tp)[0])}" if get_args(tp) else "array"
    if not converter.detailed_validation:
        # A page of records: one comprehension over the item hook, nothing per item besides.
        (item_type,) = get_args(list_type)
        item = converter.get_structure_hook(item_type)

        def structure_items(value: Any, _: Any) -> list[Any]:
            if type(value) is not list:
                raise _wrong(expected, value)
            return [item(element, item_type) for element in value]

        return structure_items
    elements = list_structure_factory(list_type, converter)

    def structure_list(value: Any, target: Any) -> list[Any]:
        if type(value) is not list:
            raise _wrong(expected, value)
        return elements(value, target)  # type: ignore[no-any-return]

    return structure_list


def _dict_hook(tp: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    args = get_args(tp)
    if not args or args[1] is Any:
        # A free-form JSON object (a CDT record's jsonBody, error details): taken as decoded.
        def structure_object(value: Any, _: Any) -> dict[str, Any]:
            if type(value) is not dict:
                raise _wrong("object", value)
            return value

        return structure_object
    values = mapping_structure_factory(tp, converter)

    def structure_mapping(value: Any, target: Any) -> dict[Any, Any]:
        if type(value) is not dict:
            raise _wrong("object", value)
        return values(value, target)  # type: ignore[no-any-return]

    return structure_mapping


_PRIMITIVES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _union_hook(tp: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``X | None | UnsetType``: ``UNSET`` is never on the wire, ``None`` only where allowed."""
    members = [a for a in get_args(tp) if a is not UnsetType]
    nullable = _NONE_TYPE in members
    members = [a for a in members if a is not _NONE_TYPE]
    if members == [Any]:
        return _structure_any
    if len(members) == 1:
        (inner_type,) = members
        inner = converter.get_structure_hook(inner_type)
    elif all(m in _PRIMITIVES for m in members):
        # e.g. a CDT field bound written as "0" by one tenant and 0 by another.
        accepted = tuple(members)
        expected = " or ".join(_PRIMITIVES[m] for m in members)

        def inner(value: Any, _: Any) -> Any:
            if type(value) not in accepted:
                raise _wrong(expected, value)
            return value

        inner_type = tp
    else:
        raise cattrs.StructureHandlerNotFoundError(f"unsupported union {tp}", tp)
    expected_inner = describe(inner_type)

    def structure_union(value: Any, _: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _wrong(expected_inner, None)
        return inner(value, inner_type)

    return structure_union


def _open_enum_hook(base: type) -> Callable[[Any, type[Enum]], Enum]:
    """The structure hook for open enums whose values are ``base`` (str or int)."""
    kind = _PRIMITIVES[base]

    def structure_open_enum(value: Any, enum_class: type[Enum]) -> Enum:
        # The type is checked before the lookup: IntEnum would otherwise take True for 1.
        if type(value) is not base:
            raise _wrong(f"{enum_class.__name__} ({kind})", value)
        return enum_class(value)  # an undeclared value becomes a pseudo-member, never an error

    return structure_open_enum


def _enum_value(member: Enum) -> Any:
    # Not the member itself: a str-valued member is a str, but JSON encoders need the plain value.
    return member.value


def _mentions_type_variable(tp: Any) -> bool:
    return isinstance(tp, TypeVar) or any(_mentions_type_variable(a) for a in get_args(tp))


def _model_overrides(
    cls: Any, converter: cattrs.Converter, *, unstructuring: bool
) -> dict[str, Any]:
    origin = get_origin(cls) or cls
    overrides = {}
    for a in attrs.fields(attrs.resolve_types(origin)):
        if a.name == "wire_extra":
            overrides[a.name] = override(omit=True)
        elif unstructuring and a.converter is not None:
            # A value assigned after __init__ skipped the field's converter (date -> date-time);
            # writing it runs the converter first, so the wire always gets the served form.
            overrides[a.name] = override(
                rename=wire_name(a), unstruct_hook=_converted(a.converter, converter)
            )
        elif unstructuring and _mentions_type_variable(a.type):
            # An instance does not know its type arguments (CdtRecord, not CdtRecord[Encounter]),
            # so a generic field is unstructured by what its value turns out to be.
            overrides[a.name] = override(rename=wire_name(a), unstruct_hook=converter.unstructure)
        elif wire_name(a) != a.name:
            overrides[a.name] = override(rename=wire_name(a))
    return overrides


def _converted(convert: Any, converter: cattrs.Converter) -> Callable[[Any], Any]:
    def unstructure_converted(value: Any) -> Any:
        return converter.unstructure(convert(value))

    return unstructure_converted


def _with_default_parameters(cls: Any) -> Any:
    """``CdtRecord`` alone means ``CdtRecord[dict[str, Any]]``: its type parameters' defaults."""
    parameters = getattr(cls, "__parameters__", ())
    if get_origin(cls) is None and parameters:
        return cls[tuple(p.__default__ for p in parameters)]
    return cls


def _model_structure_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    cls = _with_default_parameters(cls)
    if not converter.detailed_validation and compilable(get_origin(cls) or cls):
        return compile_model(cls, converter, converter.get_structure_hook)
    fields = attrs.fields(get_origin(cls) or cls)
    known = frozenset(wire_name(a) for a in fields if a.name != "wire_extra")
    overrides = _model_overrides(cls, converter, unstructuring=False)
    build = make_dict_structure_fn(cls, converter, **overrides)
    expected = f"object ({describe(cls)})"

    def structure_model(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise _wrong(expected, value)
        instance = build(value, cls)
        if not known.issuperset(value):
            instance.wire_extra = {k: v for k, v in value.items() if k not in known}
        return instance

    return structure_model


def _model_unstructure_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any], Any]:
    # Every optional field defaults to UNSET, so "omit if default" is "omit if absent".
    overrides = _model_overrides(cls, converter, unstructuring=True)
    build = make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)

    def unstructure_model(instance: Any) -> dict[str, Any]:
        out = build(instance)
        if instance.wire_extra is not _NO_EXTRA:
            out.update(instance.wire_extra)
        return out

    return unstructure_model


def configure(converter: cattrs.Converter) -> cattrs.Converter:
    """Install welkin_async's wire rules on ``converter`` and return it."""
    for tp, hook in (
        (str, _structure_str),
        (int, _structure_int),
        (float, _structure_float),
        (bool, _structure_bool),
        (datetime, _structure_datetime),
        (date, _structure_date),
        (UUID, _structure_uuid),
    ):
        converter.register_structure_hook(tp, hook)
    # By class, like the scalars above: an open enum is a str or an int too, and its own hook
    # must win over theirs (cattrs matches these hooks by the most specific class in the MRO).
    converter.register_structure_hook(OpenStrEnum, _open_enum_hook(str))
    converter.register_structure_hook(OpenIntEnum, _open_enum_hook(int))
    converter.register_structure_hook_func(
        lambda tp: tp is Any or isinstance(tp, TypeVar), _structure_any
    )
    converter.register_unstructure_hook(OpenStrEnum, _enum_value)
    converter.register_unstructure_hook(OpenIntEnum, _enum_value)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(UUID, str)
    converter.register_structure_hook_factory(_is_list, _list_hook)
    converter.register_structure_hook_factory(_is_dict, _dict_hook)
    converter.register_structure_hook_factory(_is_union, _union_hook)
    converter.register_structure_hook_factory(_is_model, _model_structure_hook)
    converter.register_unstructure_hook_factory(_is_model, _model_unstructure_hook)
    return converter


converter = configure(cattrs.Converter(detailed_validation=False))
"""The converter the SDK uses; structure through :func:`structure` to get a ``DecodeError``."""

_diagnostic = configure(cattrs.Converter(detailed_validation=True))


def structure(data: Any, cls: type[T]) -> T:
    """Turn already-decoded JSON into ``cls``; raise :class:`DecodeError` naming the bad path."""
    try:
        return converter.structure(data, cls)
    except cattrs.StructureHandlerNotFoundError:
        raise  # a programming error (a type the converter cannot handle), not bad data
    except Exception:  # noqa: BLE001, S110 - any failure is re-diagnosed as DecodeError below
        pass  # outside the handler, so that no exception context carries a value from the data
    raise _decode_error(data, cls)


def unstructure(obj: Any) -> Any:
    """Turn a model (or a list or dict of them) into JSON-ready data with wire names."""
    return converter.unstructure(obj)


def loads(data: bytes | str, cls: type[T]) -> T:
    """Decode a JSON document and structure it as ``cls`` in one step (the client's fast path)."""
    try:
        decoded = _json_loads(data)
    except json.JSONDecodeError as exc:
        where = f"malformed JSON at line {exc.lineno} column {exc.colno}"
    else:
        return structure(decoded, cls)
    # Raised outside the handler: the JSONDecodeError holds the whole document in ``.doc``.
    raise DecodeError(describe(cls), [DecodeProblem("$", "JSON document", where)])


# --- turning a failed structure into paths ------------------------------------------------------


def describe(tp: Any) -> str:
    """A short, readable name of a type, as an error message shows it."""
    if _is_union(tp):
        return " | ".join(describe(a) for a in get_args(tp) if a is not UnsetType)
    if tp is _NONE_TYPE:
        return "null"
    if get_origin(tp) is not None:
        args = ", ".join(describe(a) for a in get_args(tp))
        return f"{describe(get_origin(tp))}[{args}]"
    return getattr(tp, "__name__", str(tp))


def _decode_error(data: Any, cls: Any) -> DecodeError:
    try:
        _diagnostic.structure(data, cls)
    except Exception as exc:  # noqa: BLE001 - collected into problems
        problems = list(_problems(exc, "$", cls))
    else:  # pragma: no cover - both converters share their rules, so this should not happen
        problems = [DecodeProblem("$", describe(cls), "a value that failed to decode")]
    return DecodeError(describe(cls), problems)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def _note(exc: BaseException, kind: type[T]) -> T | None:
    return next((n for n in getattr(exc, "__notes__", ()) if isinstance(n, kind)), None)


def _problems(exc: BaseException, path: str, tp: Any) -> Iterator[DecodeProblem]:
    if isinstance(exc, ClassValidationError):
        by_name = {a.name: a for a in attrs.fields(get_origin(exc.cl) or exc.cl)}
        for sub in exc.exceptions:
            attribute = _note(sub, AttributeValidationNote)
            if attribute is None:
                yield from _problems(sub, path, tp)
            else:
                key = wire_name(by_name[attribute.name])
                yield from _problems(sub, _join(path, key), attribute.type)
    elif isinstance(exc, IterableValidationError):
        for sub in exc.exceptions:
            item = _note(sub, IterableValidationNote)
            where = f"{path}[{item.index}]" if item is not None else path
            yield from _problems(sub, where, item.type if item is not None else Any)
    elif isinstance(exc, KeyError):
        yield DecodeProblem(path, describe(tp), "missing")
    elif isinstance(exc, _WireTypeError):
        yield DecodeProblem(path, exc.expected, exc.got)
    else:
        yield DecodeProblem(path, describe(tp), f"a value that raised {type(exc).__name__}")
